package dev.mcgt.job;

import dev.mcgt.McgtException;
import dev.mcgt.flink.functions.DocumentChunk;
import dev.mcgt.flink.functions.ModelSource;
import dev.mcgt.flink.functions.SharedModels;
import dev.mcgt.scoring.DocumentScorer;
import dev.mcgt.text.Chunker;
import dev.mcgt.text.WordPieceTokenizer;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by document id: rejects a repeated id (the first one read wins), tokenizes the text with the model's
 * tokenizer, keeps at most {@code maxTokens} content tokens and splits them into framed chunks exactly like
 * {@link DocumentScorer#scoreDocument}; emits the chunks in order (the last marked end of document) and, to
 * {@link JobTags#DOCUMENT_INFO}, the document's label and chunk count.
 */
public final class ChunkDocuments extends KeyedProcessFunction<String, SourceDocument, DocumentChunk> {
    private static final long serialVersionUID = 1L;

    private final ModelSource model;
    private final int maxTokens;
    private final int overlap;

    private transient SharedModels.Lease lease;
    private transient WordPieceTokenizer tokenizer;
    private transient Chunker chunker;
    private transient ValueState<String> firstOrigin;

    /**
     * @param model     the scoring model (its tokenizer and chunk length are used)
     * @param maxTokens most content tokens per document, 0 = all
     * @param overlap   content tokens shared by consecutive chunks
     */
    public ChunkDocuments(ModelSource model, int maxTokens, int overlap) {
        this.model = model;
        this.maxTokens = maxTokens;
        this.overlap = overlap;
    }

    @Override
    public void open(OpenContext ctx) {
        lease = SharedModels.acquire(model, getRuntimeContext().getUserCodeClassLoader());
        String json = lease.model().weights().tokenizerJson();
        if (json == null) throw McgtException.badConfig(DocumentScorer.NO_TOKENIZER);
        tokenizer = WordPieceTokenizer.fromJson(json);
        chunker = tokenizer.chunker(lease.model().weights().config().seqLenMax(), overlap);
        firstOrigin = getRuntimeContext().getState(new ValueStateDescriptor<>("mcgt-first-origin", Types.STRING));
    }

    @Override
    public void close() {
        if (lease != null) lease.close();
        lease = null;
    }

    @Override
    public void processElement(SourceDocument doc, Context ctx, Collector<DocumentChunk> out) throws Exception {
        String first = firstOrigin.value();
        if (first != null) {
            ctx.output(JobTags.REJECTS, new InputReject(doc.origin(), doc.id(), "duplicate id: already read at " + first,
                    InputReject.excerpt(doc.text())));
            return;
        }
        firstOrigin.update(doc.origin());
        int[] content = tokenizer.tokenize(doc.text());
        int keep = maxTokens > 0 ? Math.min(maxTokens, content.length) : content.length;
        if (keep == 0) {
            ctx.output(JobTags.REJECTS, new InputReject(doc.origin(), doc.id(), "text has no tokens",
                    InputReject.excerpt(doc.text())));
            return;
        }
        int[] kept = keep == content.length ? content : Arrays.copyOf(content, keep);
        List<Chunker.Chunk> chunks = chunker.split(kept);
        ctx.output(JobTags.DOCUMENT_INFO, new DocumentInfo(doc.id(), doc.label(), doc.origin(), keep,
                content.length - keep, chunks.size()));
        for (int i = 0; i < chunks.size(); i++) {
            out.collect(new DocumentChunk(doc.id(), i, chunks.get(i).ids(), i == chunks.size() - 1));
        }
    }
}
