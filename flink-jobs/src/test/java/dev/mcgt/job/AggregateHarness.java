package dev.mcgt.job;

import dev.mcgt.flink.functions.ChunkScore;
import dev.mcgt.gate.GateDecision;
import dev.mcgt.gate.GateReason;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;

/**
 * A {@link KeyedTwoInputStreamOperatorTestHarness} over {@link AggregateDocuments} (chunk scores on input 1,
 * document infos on input 2), heap or RocksDB, generic types off, plus a fixed workload of chunk scores whose
 * values are made up but deterministic (the aggregation only pools them).
 */
final class AggregateHarness implements AutoCloseable {

    /** The state backends the tests run on. */
    enum Backend { HEAP, ROCKSDB }

    private final KeyedTwoInputStreamOperatorTestHarness<String, ChunkScore, DocumentInfo, DocumentScore> harness;

    private AggregateHarness(AggregateDocuments fn, Backend backend, OperatorSubtaskState restore) throws Exception {
        harness = new KeyedTwoInputStreamOperatorTestHarness<>(new KeyedCoProcessOperator<>(fn), ChunkScore::docId,
                DocumentInfo::id, Types.STRING);
        GoldenState.configure(harness, backend);
        harness.setup(TypeInformation.of(DocumentScore.class).createSerializer(harness.getExecutionConfig().getSerializerConfig()));
        if (restore != null) harness.initializeState(restore);
        harness.open();
    }

    static AggregateHarness open(AggregateDocuments fn, Backend backend, OperatorSubtaskState restore) throws Exception {
        return new AggregateHarness(fn, backend, restore);
    }

    void chunk(ChunkScore s) throws Exception { harness.processElement1(new StreamRecord<>(s, s.chunkIndex())); }

    void info(DocumentInfo d) throws Exception { harness.processElement2(new StreamRecord<>(d, 0L)); }

    /** End of input: the watermark jumps to the end of time on both inputs. */
    void endOfInput() throws Exception {
        harness.processBothWatermarks(new Watermark(Long.MAX_VALUE));
    }

    void setProcessingTime(long millis) throws Exception { harness.setProcessingTime(millis); }

    OperatorSubtaskState snapshot() throws Exception { return harness.snapshot(1L, 1L); }

    List<DocumentScore> scores() {
        List<DocumentScore> out = new ArrayList<>();
        for (Object o : harness.getOutput()) if (o instanceof StreamRecord<?> r) out.add((DocumentScore) r.getValue());
        return out;
    }

    List<InputReject> rejects() {
        List<InputReject> out = new ArrayList<>();
        var q = harness.getSideOutput(JobTags.REJECTS);
        if (q != null) for (StreamRecord<InputReject> r : q) out.add(r.getValue());
        return out;
    }

    KeyedTwoInputStreamOperatorTestHarness<String, ChunkScore, DocumentInfo, DocumentScore> harness() { return harness; }

    @Override public void close() throws Exception { harness.close(); }

    /** A made-up chunk score of document {@code doc}: values depend only on the arguments. */
    static ChunkScore score(String doc, long chunk, int tier) {
        float[] out = new float[4];
        for (int i = 0; i < out.length; i++) out[i] = (float) Math.sin(doc.hashCode() * 0.001 + chunk * 1.7 + i) * 0.37f;
        boolean skipped = tier == 3;
        return new ChunkScore(doc, chunk, chunk, 16, chunk == 0 ? -1 : 0, tier, GateDecision.ALLOW, GateReason.NONE,
                1000 + 37 * chunk + doc.length(), 990, 10, false, 0, skipped, skipped, skipped ? 0 : 2,
                skipped ? 0 : 5000 + 11 * chunk, 6000, 128, 1.5 + chunk * 0.25, 99, chunk == 2, false, out);
    }
}
