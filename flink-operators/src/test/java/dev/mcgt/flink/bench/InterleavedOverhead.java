package dev.mcgt.flink.bench;

import dev.mcgt.flink.functions.ChunkScore;
import dev.mcgt.flink.functions.DocumentChunk;
import dev.mcgt.flink.functions.GatedScoringFunction;
import dev.mcgt.flink.functions.ScoringSettings;
import dev.mcgt.flink.functions.SharedModels;
import dev.mcgt.flink.telemetry.OutputTags;
import dev.mcgt.scoring.DocumentScorer;
import dev.mcgt.stream.StreamState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;

/**
 * The overhead measurement that survives a busy, shared machine: direct scoring and the operator on the heap and
 * RocksDB backends take turns, one full pass over the {@link OverheadBenchmark} workload each (every document
 * starts and ends inside a pass), in one JVM; the report gives the median time per chunk of each path and the
 * median of the per-round ratios to direct scoring, so load that comes and goes hits all paths alike.
 *
 * <p>Usage: {@code InterleavedOverhead [model=micro] [rounds=15] [warmup=4] [documents=64] [chunks=8]
 * [managedMb=256]} (model as in {@link OverheadBenchmark}).
 */
public final class InterleavedOverhead {
    private InterleavedOverhead() { }

    /** One way of scoring a pass of chunks. */
    private interface Path {
        void run(List<DocumentChunk> pass) throws Exception;

        void close() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>(Map.of("model", "micro", "rounds", "15", "warmup", "4", "documents", "64",
                "chunks", "8", "managedMb", "256"));
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            if (kv.length != 2 || !a.containsKey(kv[0])) throw new IllegalArgumentException("unknown argument " + arg);
            a.put(kv[0], kv[1]);
        }
        ScoringSettings settings = ScoringSettings.of(OverheadBenchmark.source(a.get("model")));
        try (SharedModels.Lease lease = SharedModels.acquire(settings.model(), InterleavedOverhead.class.getClassLoader())) {
            var config = lease.model().weights().config();
            List<DocumentChunk> pass = OverheadBenchmark.workload(Integer.parseInt(a.get("documents")),
                    Integer.parseInt(a.get("chunks")), config.seqLenMax(), config.vocabSize());
            long managed = Long.parseLong(a.get("managedMb")) << 20;
            String[] names = {"direct", "heap", "rocksdb"};
            Path[] paths = {direct(settings.newScorer(lease.model())), operator(settings, new HashMapStateBackend(), managed),
                    operator(settings, new EmbeddedRocksDBStateBackend(), managed)};
            int warmup = Integer.parseInt(a.get("warmup"));
            int rounds = Integer.parseInt(a.get("rounds"));
            double[][] micros = new double[paths.length][rounds];
            for (int r = -warmup; r < rounds; r++) {
                for (int k = 0; k < paths.length; k++) {
                    int p = Math.floorMod(r + k, paths.length);   // rotate the order every round
                    long t0 = System.nanoTime();
                    paths[p].run(pass);
                    if (r >= 0) micros[p][r] = (System.nanoTime() - t0) / 1e3 / pass.size();
                }
            }
            for (Path p : paths) p.close();
            System.out.printf(Locale.ROOT, "model %s, %d chunks of %d tokens per pass, %d rounds after %d warm-up%n",
                    a.get("model"), pass.size(), config.seqLenMax(), rounds, warmup);
            System.out.printf(Locale.ROOT, "%-8s %12s %10s %16s%n", "path", "us/chunk", "chunks/s", "vs direct (med)");
            for (int p = 0; p < paths.length; p++) {
                double[] ratio = new double[rounds];
                for (int r = 0; r < rounds; r++) ratio[r] = micros[p][r] / micros[0][r];
                double med = median(micros[p]);
                System.out.printf(Locale.ROOT, "%-8s %12.1f %10.1f %+15.1f%%%n", names[p], med, 1e6 / med,
                        (median(ratio) - 1) * 100);
            }
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    private static Path direct(DocumentScorer scorer) {
        Map<String, StreamState> streams = new HashMap<>();
        return new Path() {
            @Override
            public void run(List<DocumentChunk> pass) {
                for (DocumentChunk c : pass) {
                    StreamState s = streams.computeIfAbsent(c.docId(), k -> scorer.newState());
                    scorer.scoreChunk(s, c.tokenIds());
                    if (c.endOfDocument()) streams.remove(c.docId());
                }
            }

            @Override
            public void close() { }
        };
    }

    private static Path operator(ScoringSettings settings, StateBackend backend, long managedBytes) throws Exception {
        MockEnvironment env = new MockEnvironmentBuilder().setTaskName("overhead").setManagedMemorySize(managedBytes).build();
        KeyedOneInputStreamOperatorTestHarness<String, DocumentChunk, ChunkScore> h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new GatedScoringFunction(settings)), DocumentChunk.KEY, Types.STRING, env);
        h.setStateBackend(backend);
        h.open();
        List<OutputTag<?>> tags = new ArrayList<>(List.of(OutputTags.ENERGY, OutputTags.TIER_TRANSITIONS,
                OutputTags.MODEL_UPGRADE, OutputTags.REJECTS));
        return new Path() {
            @Override
            public void run(List<DocumentChunk> pass) throws Exception {
                for (DocumentChunk c : pass) h.processElement(new StreamRecord<>(c));
                h.getOutput().clear();
                for (OutputTag<?> t : tags) {
                    var q = h.getSideOutput(t);
                    if (q != null) q.clear();
                }
            }

            @Override
            public void close() throws Exception {
                h.close();
                env.close();
            }
        };
    }
}
