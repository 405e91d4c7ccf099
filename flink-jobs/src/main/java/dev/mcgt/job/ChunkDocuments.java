package dev.mcgt.job;

import dev.mcgt.flink.functions.DocumentChunk;
import dev.mcgt.flink.functions.ModelSource;
import dev.mcgt.flink.functions.SharedModels;
import dev.mcgt.scoring.DocumentScorer;
import dev.mcgt.text.Chunker;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by document id: tokenizes the text with the model's tokenizer, keeps at most {@code maxTokens} content
 * tokens and splits them into framed chunks exactly like {@link DocumentScorer#scoreDocument}; emits the chunks in
 * order (the last marked end of document) and, to {@link JobTags#DOCUMENT_INFO}, the document's label and chunk
 * count.
 *
 * <p>A document may come in parts: a record with {@code "more": true} leaves the document open, and the next
 * records with the same id continue it (chunk numbering, token budget and the scoring function's per-document
 * state carry on) until one without {@code more} closes it. Each part is chunked on its own, so a part boundary
 * is a chunk boundary. A record whose id belongs to a closed document is a duplicate and rejected (the first one
 * read wins); a part without tokens is rejected and the document stays as it was. The memory of an id is kept
 * for the job's lifetime (it is one small record per document).
 */
public final class ChunkDocuments extends KeyedProcessFunction<String, SourceDocument, DocumentChunk> {
    private static final long serialVersionUID = 1L;

    private final ModelSource model;
    private final int maxTokens;
    private final int overlap;

    private transient SharedModels.Lease lease;
    private final String textPrefix;
    private transient TextChunks text;
    private transient ValueState<OpenDocument> state;

    /**
     * @param model     the scoring model (its tokenizer and chunk length are used)
     * @param maxTokens most content tokens per document, 0 = all
     * @param overlap   content tokens shared by consecutive chunks
     */
    public ChunkDocuments(ModelSource model, int maxTokens, int overlap) {
        this(model, maxTokens, overlap, "");
    }

    /** As above, with a text prefix whose tokens go before each document's first part (see {@link InputFields}). */
    public ChunkDocuments(ModelSource model, int maxTokens, int overlap, String textPrefix) {
        this.model = model;
        this.maxTokens = maxTokens;
        this.overlap = overlap;
        this.textPrefix = textPrefix == null ? "" : textPrefix;
    }

    @Override
    public void open(OpenContext ctx) {
        lease = SharedModels.acquire(model, getRuntimeContext().getUserCodeClassLoader());
        text = new TextChunks(lease.model(), overlap, textPrefix);
        state = getRuntimeContext().getState(new ValueStateDescriptor<>("mcgt-document", TypeInformation.of(OpenDocument.class)));
    }

    @Override
    public void close() {
        if (lease != null) lease.close();
        lease = null;
    }

    @Override
    public void processElement(SourceDocument doc, Context ctx, Collector<DocumentChunk> out) throws Exception {
        OpenDocument seen = state.value();
        if (seen != null && !seen.open()) {
            ctx.output(JobTags.REJECTS, new InputReject(doc.origin(), doc.id(), "duplicate id: already read at "
                    + seen.firstOrigin(), InputReject.excerpt(doc.text())));
            return;
        }
        OpenDocument now = seen != null ? seen : new OpenDocument(doc.origin(), true, 0, 0, 0, 0, null);
        int room = maxTokens > 0 ? Math.max(0, maxTokens - now.tokens()) : Integer.MAX_VALUE;
        TextChunks.Split split = text.split(doc.text(), room, seen == null);
        int keep = split.kept();
        if (split.tokens() == 0) {
            ctx.output(JobTags.REJECTS, new InputReject(doc.origin(), doc.id(), "text has no tokens",
                    InputReject.excerpt(doc.text())));
            if (seen == null) return;
        }
        List<Chunker.Chunk> chunks = split.chunks();
        String label = now.label() != null ? now.label() : doc.label();
        OpenDocument next = new OpenDocument(now.firstOrigin(), doc.more(), now.nextChunk() + chunks.size(),
                now.tokens() + keep, now.dropped() + split.dropped(), now.parts() + 1, label);
        state.update(next);
        if (!doc.more()) {
            ctx.output(JobTags.DOCUMENT_INFO, new DocumentInfo(doc.id(), label, next.firstOrigin(), next.tokens(),
                    (int) Math.min(Integer.MAX_VALUE, next.dropped()), (int) next.nextChunk()));
        }
        for (int i = 0; i < chunks.size(); i++) {
            boolean last = !doc.more() && i == chunks.size() - 1;
            out.collect(new DocumentChunk(doc.id(), now.nextChunk() + i, chunks.get(i).ids(), last));
        }
    }
}
