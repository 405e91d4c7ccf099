package dev.mcgt.job;

import dev.mcgt.McgtException;
import dev.mcgt.flink.functions.ChunkScore;
import dev.mcgt.flink.functions.ScoringSettings;
import dev.mcgt.scoring.DocumentAccumulator;
import dev.mcgt.scoring.Prediction;
import dev.mcgt.scoring.Prototypes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keyed by document id: collects the document's chunk scores and its {@link DocumentInfo} (they arrive in any
 * order), and once every chunk is in, pools them with the core's {@link DocumentAccumulator} (the same pooling as
 * {@code DocumentScorer.scoreDocument}), applies the scoring head if any, and emits one {@link DocumentScore}. A
 * document still incomplete at the end of the input (a chunk was rejected by the scoring stage) becomes a reject,
 * never a silent loss.
 *
 * <p>State (docs/STATE.md): a {@link PendingDocument} and a list of {@link PooledChunk}s per document, with the
 * explicit, versioned {@link PendingDocumentSerializer} and {@link PooledChunkSerializer}. State of an older build
 * (the reflective {@link DocumentInfo}/{@link ChunkScore} states, "format 0") is restored under its old names and
 * moved to the current state the first time its document is touched.
 *
 * <p>Completion rule: a document that stays incomplete for {@code incompleteTimeout} of processing time after its
 * last record (a watched folder never ends, so the end of the input never comes) is given up: it becomes a reject
 * saying so, is logged, counted in the metric {@code mcgt.documentsExpired}, and its state is cleared.
 * {@link Duration#ZERO} waits for the end of the input only.
 */
public final class AggregateDocuments extends KeyedCoProcessFunction<String, ChunkScore, DocumentInfo, DocumentScore> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(AggregateDocuments.class);

    /** How long an incomplete document waits by default: the scoring stage's state TTL. */
    public static final Duration DEFAULT_INCOMPLETE_TIMEOUT = ScoringSettings.DEFAULT_STATE_TTL;
    /** No timer. */
    private static final long NONE = Long.MAX_VALUE;

    private final String prototypesJson;
    private final boolean emitEmbeddings;
    private final long timeoutMillis;

    private transient Prototypes prototypes;
    private transient ValueState<PendingDocument> pending;
    private transient ListState<PooledChunk> chunks;
    private transient LegacyState legacy;
    private transient Counter expired;
    private transient LongCounter written;

    /**
     * An aggregation that gives up incomplete documents after {@link #DEFAULT_INCOMPLETE_TIMEOUT}.
     *
     * @param prototypesJson the scoring head ({@link Prototypes#toJson()}), or null for none
     * @param emitEmbeddings put the document embedding in the output
     */
    public AggregateDocuments(String prototypesJson, boolean emitEmbeddings) {
        this(prototypesJson, emitEmbeddings, DEFAULT_INCOMPLETE_TIMEOUT);
    }

    /**
     * @param prototypesJson    the scoring head ({@link Prototypes#toJson()}), or null for none
     * @param emitEmbeddings    put the document embedding in the output
     * @param incompleteTimeout processing time after a document's last record at which it is given up if still
     *                          incomplete; {@link Duration#ZERO} waits for the end of the input
     */
    public AggregateDocuments(String prototypesJson, boolean emitEmbeddings, Duration incompleteTimeout) {
        if (incompleteTimeout == null || incompleteTimeout.isNegative()) {
            throw McgtException.badConfig("incomplete-document timeout must be zero (off) or positive, got " + incompleteTimeout);
        }
        this.prototypesJson = prototypesJson;
        this.emitEmbeddings = emitEmbeddings;
        this.timeoutMillis = incompleteTimeout.isZero() ? 0 : Math.max(1, incompleteTimeout.toMillis());
    }

    @Override
    public void open(OpenContext ctx) {
        prototypes = prototypesJson == null ? null : Prototypes.fromJson(prototypesJson);
        pending = getRuntimeContext().getState(new ValueStateDescriptor<>("mcgt-aggregate-document",
                PendingDocumentSerializer.INSTANCE));
        chunks = getRuntimeContext().getListState(new ListStateDescriptor<>("mcgt-aggregate-chunks",
                PooledChunkSerializer.INSTANCE));
        legacy = new LegacyState(getRuntimeContext());
        expired = getRuntimeContext().getMetricGroup().addGroup("mcgt").counter("documentsExpired");
        written = new LongCounter();
        getRuntimeContext().addAccumulator(JobProgress.DOCUMENTS, written);
    }

    @Override
    public void processElement1(ChunkScore score, Context ctx, Collector<DocumentScore> out) throws Exception {
        PendingDocument p = current(ctx);
        chunks.add(PooledChunk.of(score));
        update(ctx, p.info(), p.received() + 1, p);
        finishIfComplete(ctx, out);
    }

    @Override
    public void processElement2(DocumentInfo doc, Context ctx, Collector<DocumentScore> out) throws Exception {
        PendingDocument p = current(ctx);
        update(ctx, doc, p.received(), p);
        finishIfComplete(ctx, out);
    }

    /** The document's pending state; a new one (and its end-of-input timer) for a document not seen before. */
    private PendingDocument current(Context ctx) throws Exception {
        PendingDocument p = pending.value();
        if (p == null) p = legacy.adopt(chunks);
        if (p == null) {
            ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE);
            p = new PendingDocument(null, 0, NONE, NONE);
        }
        return p;
    }

    /** Stores the new state; with a timeout, moves the deadline and makes sure a timer fires at or before it. */
    private void update(Context ctx, DocumentInfo info, int received, PendingDocument old) throws Exception {
        long deadline = NONE;
        long timer = old.timer();
        if (timeoutMillis > 0) {
            long now = ctx.timerService().currentProcessingTime();
            deadline = now > Long.MAX_VALUE - timeoutMillis ? NONE - 1 : now + timeoutMillis;
            if (timer > deadline) {   // none yet, or one set under a longer timeout before a restore
                if (timer != NONE) ctx.timerService().deleteProcessingTimeTimer(timer);
                timer = deadline;
                ctx.timerService().registerProcessingTimeTimer(timer);
            }
        }
        pending.update(new PendingDocument(info, received, deadline, timer));
    }

    private void finishIfComplete(Context ctx, Collector<DocumentScore> out) throws Exception {
        PendingDocument pd = pending.value();
        if (!pd.complete()) return;
        DocumentInfo doc = pd.info();
        List<PooledChunk> list = new ArrayList<>();
        for (PooledChunk s : chunks.get()) list.add(s);
        list.sort(Comparator.comparingLong(PooledChunk::chunkIndex));
        DocumentAccumulator acc = null;
        boolean upgraded = false;
        for (PooledChunk s : list) {
            if (acc == null) acc = new DocumentAccumulator(s.output().length);
            acc.add(s.tier(), s.skipped(), s.cacheHit(), s.lambda(), s.macs(), s.ungatedMacs(), s.energyPj(), s.output());
            upgraded |= s.modelUpgraded();
        }
        float[] embedding = acc.embedding();
        String predicted = null;
        double score = Double.NaN;
        double[] sims = null;
        String[] classes = null;
        if (prototypes != null) {
            Prediction p = prototypes.predict(embedding);
            List<String> labels = prototypes.labels();
            predicted = p.label();
            score = p.score();
            classes = labels.toArray(new String[0]);
            sims = new double[classes.length];
            for (int i = 0; i < classes.length; i++) sims[i] = p.similarities().get(classes[i]);
        }
        out.collect(new DocumentScore(doc.id(), doc.label(), predicted, score, sims, classes,
                emitEmbeddings ? embedding : null, doc.tokens(), doc.droppedTokens(), acc.chunks(), acc.tierCounts(),
                acc.cacheHits(), acc.lambdaMin(), acc.lambdaMean(), acc.lambdaMax(), acc.macs(), acc.ungatedMacs(),
                acc.energyPj(), upgraded));
        written.add(1L);
        clear(ctx.timerService(), pd);
    }

    /**
     * The end-of-input timer (event time {@link Long#MAX_VALUE}) or the document's timeout timer (processing time):
     * an incomplete document becomes a reject. A timeout timer that fires before the deadline (the document got
     * news since) is moved to the deadline.
     */
    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<DocumentScore> out) throws Exception {
        PendingDocument p = pending.value();
        if (p == null) {
            p = legacy.adopt(chunks);
            if (p == null) return;
            pending.update(p);
        }
        boolean endOfInput = ctx.timeDomain() == TimeDomain.EVENT_TIME
                || ctx.timerService().currentWatermark() == Long.MAX_VALUE;
        if (!endOfInput) {
            if (timestamp != p.timer()) return;   // a timer of an earlier document under this id
            if (p.expiresAt() > timestamp) {
                ctx.timerService().registerProcessingTimeTimer(p.expiresAt());
                pending.update(new PendingDocument(p.info(), p.received(), p.expiresAt(), p.expiresAt()));
                return;
            }
        }
        DocumentInfo doc = p.info();
        int n = p.received();
        String reason;
        if (endOfInput) {
            // chunks without the document's info: its last record was a part with "more": true, nothing closed it
            reason = doc == null ? "document never finished: its last record had \"more\": true (its chunks were "
                    + "scored, but no later record with this id closed it)"
                    : "only " + n + " of " + doc.chunks() + " chunks were scored (see the chunk rejects)";
        } else {
            String waited = Duration.ofMillis(timeoutMillis).toString().substring(2).toLowerCase(Locale.ROOT);
            reason = doc == null ? "document given up after " + waited + " without a record: its last record had "
                    + "\"more\": true and no later record with this id closed it (" + n + " chunks scored)"
                    : "document given up after " + waited + " without a record: only " + n + " of " + doc.chunks()
                    + " chunks were scored (see the chunk rejects)";
            expired.inc();
            LOG.warn("aggregation gave up document {}: {}", ctx.getCurrentKey(), reason);
        }
        ctx.output(JobTags.REJECTS, new InputReject(doc == null ? ctx.getCurrentKey() : doc.origin(), ctx.getCurrentKey(),
                reason, null));
        clear(ctx.timerService(), p);
    }

    /** Clears the document's state and its timers (so that a finished document leaves nothing behind). */
    private void clear(TimerService timers, PendingDocument p) {
        timers.deleteEventTimeTimer(Long.MAX_VALUE);
        if (p.timer() != NONE) timers.deleteProcessingTimeTimer(p.timer());
        pending.clear();
        chunks.clear();
    }

    /**
     * The states of builds before the explicit serializers (format 0: Flink's reflective serializers of
     * {@link DocumentInfo} and {@link ChunkScore}, under the names those builds used), read only to move a restored
     * document to the current state. Empty unless the job was restored from such a savepoint.
     */
    private static final class LegacyState {
        private final ValueState<DocumentInfo> info;
        private final ListState<ChunkScore> chunks;
        private final ValueState<Integer> received;

        LegacyState(RuntimeContext rc) {
            info = rc.getState(new ValueStateDescriptor<>("mcgt-doc-info", TypeInformation.of(DocumentInfo.class)));
            chunks = rc.getListState(new ListStateDescriptor<>("mcgt-doc-chunks", TypeInformation.of(ChunkScore.class)));
            received = rc.getState(new ValueStateDescriptor<>("mcgt-doc-received", Integer.class));
        }

        /**
         * The current key's legacy document moved into {@code into} (its chunks) and returned as pending state
         * (no timeout timer yet: the caller's update registers one), or null when the key has none. Its
         * end-of-input timer was registered by the older build and is kept.
         */
        PendingDocument adopt(ListState<PooledChunk> into) throws Exception {
            Integer n = received.value();
            if (n == null) return null;
            for (ChunkScore s : chunks.get()) into.add(PooledChunk.of(s));
            PendingDocument p = new PendingDocument(info.value(), n, NONE, NONE);
            info.clear();
            chunks.clear();
            received.clear();
            return p;
        }
    }
}
