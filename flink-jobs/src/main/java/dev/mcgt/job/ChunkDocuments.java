package dev.mcgt.job;

import dev.mcgt.McgtException;
import dev.mcgt.flink.functions.DocumentChunk;
import dev.mcgt.flink.functions.ModelSource;
import dev.mcgt.flink.functions.SharedModels;
import dev.mcgt.scoring.DocumentScorer;
import dev.mcgt.text.Chunker;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.TimerService;
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
 * read wins); a part without tokens is rejected and the document stays as it was.
 *
 * <p>State (docs/STATE.md): one {@link DocumentMemory} per id, with the explicit, versioned
 * {@link DocumentMemorySerializer}. State of an older build (the reflective {@link OpenDocument} under
 * {@code mcgt-document}, "format 0") is restored under its old name and moved to the current state the first time
 * its id is read again.
 *
 * <p>Memory rule: an id is remembered for {@code idMemory} of processing time after its last record (any record of
 * the id, a rejected duplicate too), then forgotten: its state and timer are cleared, and a later record with that
 * id is a new document. An open document forgotten so is not continued (the aggregation gives it up after its own
 * timeout). {@link Duration#ZERO} keeps ids for the job's lifetime.
 */
public final class ChunkDocuments extends KeyedProcessFunction<String, SourceDocument, DocumentChunk> {
    private static final long serialVersionUID = 1L;
    /** No timer. */
    private static final long NONE = Long.MAX_VALUE;

    private final ModelSource model;
    private final int maxTokens;
    private final int overlap;

    private transient SharedModels.Lease lease;
    private final String textPrefix;
    private transient TextChunks text;
    private final long memoryMillis;
    private transient ValueState<DocumentMemory> state;
    private transient ValueState<OpenDocument> legacy;

    /**
     * @param model     the scoring model (its tokenizer and chunk length are used)
     * @param maxTokens most content tokens per document, 0 = all
     * @param overlap   content tokens shared by consecutive chunks
     */
    public ChunkDocuments(ModelSource model, int maxTokens, int overlap) {
        this(model, maxTokens, overlap, "");
    }

    /**
     * As above, with a text prefix whose tokens go before each document's first part (see {@link InputFields}),
     * and ids remembered for {@link JobSettings#DEFAULT_DOCUMENT_TIMEOUT}.
     */
    public ChunkDocuments(ModelSource model, int maxTokens, int overlap, String textPrefix) {
        this(model, maxTokens, overlap, textPrefix, JobSettings.DEFAULT_DOCUMENT_TIMEOUT);
    }

    /**
     * @param idMemory processing time after an id's last record for which it is remembered; {@link Duration#ZERO}
     *                 keeps ids for the job's lifetime
     */
    public ChunkDocuments(ModelSource model, int maxTokens, int overlap, String textPrefix, Duration idMemory) {
        if (idMemory == null || idMemory.isNegative()) {
            throw McgtException.badConfig("document id memory must be zero (off) or positive, got " + idMemory);
        }
        this.model = model;
        this.maxTokens = maxTokens;
        this.overlap = overlap;
        this.textPrefix = textPrefix == null ? "" : textPrefix;
        this.memoryMillis = idMemory.isZero() ? 0 : Math.max(1, idMemory.toMillis());
    }

    @Override
    public void open(OpenContext ctx) {
        lease = SharedModels.acquire(model, getRuntimeContext().getUserCodeClassLoader());
        text = new TextChunks(lease.model(), overlap, textPrefix);
        state = getRuntimeContext().getState(new ValueStateDescriptor<>("mcgt-chunk-document",
                DocumentMemorySerializer.INSTANCE));
        legacy = getRuntimeContext().getState(new ValueStateDescriptor<>("mcgt-document",
                TypeInformation.of(OpenDocument.class)));
    }

    @Override
    public void close() {
        if (lease != null) lease.close();
        lease = null;
    }

    @Override
    public void processElement(SourceDocument doc, Context ctx, Collector<DocumentChunk> out) throws Exception {
        DocumentMemory memory = state.value();
        if (memory == null) memory = adoptLegacy();
        OpenDocument seen = memory == null ? null : memory.document();
        long timer = memory == null ? NONE : memory.timer();
        if (seen != null && !seen.open()) {
            ctx.output(JobTags.REJECTS, new InputReject(doc.origin(), doc.id(), "duplicate id: already read at "
                    + seen.firstOrigin(), InputReject.excerpt(doc.text())));
            remember(ctx, seen, timer);
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
        remember(ctx, next, timer);
        if (!doc.more()) {
            ctx.output(JobTags.DOCUMENT_INFO, new DocumentInfo(doc.id(), label, next.firstOrigin(), next.tokens(),
                    (int) Math.min(Integer.MAX_VALUE, next.dropped()), (int) next.nextChunk()));
        }
        for (int i = 0; i < chunks.size(); i++) {
            boolean last = !doc.more() && i == chunks.size() - 1;
            out.collect(new DocumentChunk(doc.id(), now.nextChunk() + i, chunks.get(i).ids(), last));
        }
    }

    /** Stores the document; with an id memory, moves its timer to now + the memory. */
    private void remember(Context ctx, OpenDocument doc, long oldTimer) throws Exception {
        long timer = NONE;
        if (memoryMillis > 0) {
            TimerService timers = ctx.timerService();
            long now = timers.currentProcessingTime();
            timer = now > Long.MAX_VALUE - 1 - memoryMillis ? NONE - 1 : now + memoryMillis;
            if (timer != oldTimer) {
                if (oldTimer != NONE) timers.deleteProcessingTimeTimer(oldTimer);
                timers.registerProcessingTimeTimer(timer);
            }
        } else if (oldTimer != NONE) {
            ctx.timerService().deleteProcessingTimeTimer(oldTimer);
        }
        state.update(new DocumentMemory(doc, timer));
    }

    /** The id's memory ran out: forget it (a timer of an earlier memory of the id does nothing). */
    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<DocumentChunk> out) throws Exception {
        DocumentMemory m = state.value();
        if (m != null && m.timer() == timestamp) state.clear();
    }

    /**
     * The current id's state of a build before {@link DocumentMemorySerializer} (format 0), moved out of the legacy
     * state (the caller stores it in the current one), or null when there is none. Such an id has no timer until
     * its next record.
     */
    private DocumentMemory adoptLegacy() throws Exception {
        OpenDocument old = legacy.value();
        if (old == null) return null;
        legacy.clear();
        return new DocumentMemory(old, NONE);
    }
}
