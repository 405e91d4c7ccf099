package dev.mcgt.flink.functions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcgt.flink.telemetry.ChunkReject;
import dev.mcgt.flink.telemetry.EnergySample;
import dev.mcgt.flink.telemetry.OutputTags;
import dev.mcgt.flink.telemetry.TierTransition;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The function in a real (mini) cluster: the same results at parallelism 1 and 2, on the heap and RocksDB
 * backends, in STREAMING and BATCH execution (BATCH ignores the state backend and the TTL, and sorts by key).
 */
class GatedMiniClusterTest {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    /** Everything one run emitted, sorted by document and chunk. */
    private record Outputs(List<ChunkScore> scores, List<TierTransition> transitions, List<EnergySample> energy,
                           List<ChunkReject> rejects) { }

    private static List<DocumentChunk> input() {
        List<DocumentChunk> in = new ArrayList<>(Docs.interleave(Docs.documents(8, 6, 24, true)));
        in.add(3, new DocumentChunk("doc-1", 99, new int[] {7, 512}, false));
        in.add(new DocumentChunk("", 0, new int[] {1}, true));
        return in;
    }

    @SuppressWarnings("try")   // Flink's CloseableIterator.close() may throw InterruptedException
    private static Outputs run(int parallelism, String backend, RuntimeExecutionMode mode) throws Exception {
        Configuration conf = ScoringHarness.noGenericTypes();
        conf.set(StateBackendOptions.STATE_BACKEND, backend);
        conf.set(ExecutionOptions.RUNTIME_MODE, mode);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(parallelism);
        SingleOutputStreamOperator<ChunkScore> scores = env
                .fromData(input(), TypeInformation.of(DocumentChunk.class)).setParallelism(1).uid("chunks")
                .assignTimestampsAndWatermarks(DocumentChunk.chunkOrder()).setParallelism(1).uid("chunk-order")
                .keyBy(DocumentChunk.KEY, Types.STRING)
                .process(new GatedScoringFunction(Docs.settings())).uid("gated-scoring");
        try (CloseableIterator<ChunkScore> s = scores.collectAsync();
             CloseableIterator<TierTransition> t = scores.getSideOutput(OutputTags.TIER_TRANSITIONS).collectAsync();
             CloseableIterator<EnergySample> e = scores.getSideOutput(OutputTags.ENERGY).collectAsync();
             CloseableIterator<ChunkReject> r = scores.getSideOutput(OutputTags.REJECTS).collectAsync()) {
            env.execute("gated scoring p" + parallelism + " " + backend + " " + mode);
            List<ChunkScore> sl = drain(s);
            List<TierTransition> tl = drain(t);
            List<EnergySample> el = drain(e);
            List<ChunkReject> rl = drain(r);
            sl.sort(Comparator.comparing(ChunkScore::docId).thenComparingLong(ChunkScore::chunkIndex));
            tl.sort(Comparator.comparing(TierTransition::docId).thenComparingLong(TierTransition::chunkIndex));
            el.sort(Comparator.comparing(EnergySample::docId).thenComparingLong(EnergySample::chunkIndex));
            rl.sort(Comparator.comparing(ChunkReject::docId).thenComparingLong(ChunkReject::chunkIndex));
            return new Outputs(sl, tl, el, rl);
        }
    }

    private static <T> List<T> drain(CloseableIterator<T> it) {
        List<T> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    @Test
    void parallelismOneAndTwoGiveIdenticalResultsOnHeapAndRocksDbInStreamingAndBatchMode() throws Exception {
        Outputs p1 = run(1, "hashmap", RuntimeExecutionMode.STREAMING);
        Outputs p2 = run(2, "hashmap", RuntimeExecutionMode.STREAMING);
        Outputs p2rocks = run(2, "rocksdb", RuntimeExecutionMode.STREAMING);
        Outputs p2batch = run(2, "hashmap", RuntimeExecutionMode.BATCH);

        List<DocumentChunk> good = input().stream().filter(c -> !c.docId().isEmpty() && c.chunkIndex() != 99).toList();
        List<ChunkScore> expected = new ArrayList<>(new Docs.Direct(Docs.settings()).scoreAll(good));
        expected.sort(Comparator.comparing(ChunkScore::docId).thenComparingLong(ChunkScore::chunkIndex));

        assertThat(p1.scores()).hasSize(48).containsExactlyElementsOf(expected);
        assertThat(p1.energy()).hasSize(48);
        assertThat(p1.transitions()).isNotEmpty();
        assertThat(p1.rejects()).extracting(ChunkReject::reason)
                .containsExactly("document id is missing", "token id 512 at position 1 is outside the vocabulary [0, 256)");
        for (Outputs other : List.of(p2, p2rocks, p2batch)) {
            assertThat(other.scores()).containsExactlyElementsOf(p1.scores());
            assertThat(other.transitions()).containsExactlyElementsOf(p1.transitions());
            assertThat(other.energy()).containsExactlyElementsOf(p1.energy());
            assertThat(other.rejects()).containsExactlyElementsOf(p1.rejects());
        }
    }
}
