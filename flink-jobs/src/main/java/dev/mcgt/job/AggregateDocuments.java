package dev.mcgt.job;

import dev.mcgt.flink.functions.ChunkScore;
import dev.mcgt.scoring.DocumentAccumulator;
import dev.mcgt.scoring.Prediction;
import dev.mcgt.scoring.Prototypes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by document id: collects the document's chunk scores and its {@link DocumentInfo} (they arrive in any
 * order), and once every chunk is in, pools them with the core's {@link DocumentAccumulator} (the same pooling as
 * {@code DocumentScorer.scoreDocument}), applies the scoring head if any, and emits one {@link DocumentScore}. A
 * document still incomplete at the end of the input (a chunk was rejected by the scoring stage) becomes a reject,
 * never a silent loss.
 */
public final class AggregateDocuments extends KeyedCoProcessFunction<String, ChunkScore, DocumentInfo, DocumentScore> {
    private static final long serialVersionUID = 1L;

    private final String prototypesJson;
    private final boolean emitEmbeddings;

    private transient Prototypes prototypes;
    private transient ValueState<DocumentInfo> info;
    private transient ListState<ChunkScore> chunks;
    private transient ValueState<Integer> received;
    private transient LongCounter written;

    /**
     * @param prototypesJson the scoring head ({@link Prototypes#toJson()}), or null for none
     * @param emitEmbeddings put the document embedding in the output
     */
    public AggregateDocuments(String prototypesJson, boolean emitEmbeddings) {
        this.prototypesJson = prototypesJson;
        this.emitEmbeddings = emitEmbeddings;
    }

    @Override
    public void open(OpenContext ctx) {
        prototypes = prototypesJson == null ? null : Prototypes.fromJson(prototypesJson);
        info = getRuntimeContext().getState(new ValueStateDescriptor<>("mcgt-doc-info", TypeInformation.of(DocumentInfo.class)));
        chunks = getRuntimeContext().getListState(new ListStateDescriptor<>("mcgt-doc-chunks", TypeInformation.of(ChunkScore.class)));
        received = getRuntimeContext().getState(new ValueStateDescriptor<>("mcgt-doc-received", Integer.class));
        written = new LongCounter();
        getRuntimeContext().addAccumulator(JobProgress.DOCUMENTS, written);
    }

    @Override
    public void processElement1(ChunkScore score, Context ctx, Collector<DocumentScore> out) throws Exception {
        Integer n = received.value();
        if (n == null) ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE);
        chunks.add(score);
        received.update(n == null ? 1 : n + 1);
        finishIfComplete(out);
    }

    @Override
    public void processElement2(DocumentInfo doc, Context ctx, Collector<DocumentScore> out) throws Exception {
        if (received.value() == null) {
            ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE);
            received.update(0);
        }
        info.update(doc);
        finishIfComplete(out);
    }

    private void finishIfComplete(Collector<DocumentScore> out) throws Exception {
        DocumentInfo doc = info.value();
        Integer n = received.value();
        if (doc == null || n == null || n < doc.chunks()) return;
        List<ChunkScore> list = new ArrayList<>();
        for (ChunkScore s : chunks.get()) list.add(s);
        list.sort(Comparator.comparingLong(ChunkScore::chunkIndex));
        DocumentAccumulator acc = null;
        boolean upgraded = false;
        for (ChunkScore s : list) {
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
        clear();
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<DocumentScore> out) throws Exception {
        Integer n = received.value();
        if (n == null) return;
        DocumentInfo doc = info.value();
        // chunks without the document's info: its last record was a part with "more": true, nothing closed it
        String reason = doc == null ? "document never finished: its last record had \"more\": true (its chunks were "
                + "scored, but no later record with this id closed it)"
                : "only " + n + " of " + doc.chunks() + " chunks were scored (see the chunk rejects)";
        ctx.output(JobTags.REJECTS, new InputReject(doc == null ? ctx.getCurrentKey() : doc.origin(), ctx.getCurrentKey(),
                reason, null));
        clear();
    }

    private void clear() {
        info.clear();
        chunks.clear();
        received.clear();
    }
}
