package dev.mcgt.flink.bench;

import dev.mcgt.flink.functions.ChunkScore;
import dev.mcgt.flink.functions.DocumentChunk;
import dev.mcgt.flink.functions.GatedScoringFunction;
import dev.mcgt.flink.functions.ModelSource;
import dev.mcgt.flink.functions.ScoringSettings;
import dev.mcgt.flink.functions.SharedModels;
import dev.mcgt.flink.state.StreamStateSerializer;
import dev.mcgt.flink.telemetry.OutputTags;
import dev.mcgt.scoring.ChunkResult;
import dev.mcgt.scoring.DocumentScorer;
import dev.mcgt.stream.StreamState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Chunks per second through the Flink operator (keyed state on the heap or in RocksDB, the state serializer,
 * side outputs, metrics) versus calling {@link DocumentScorer#scoreChunk} directly with the streams in a plain
 * map, on the same chunks: the difference is what Flink state and serialization cost (parallelism 1, one
 * thread, no network). Run from the test classpath, see {@code flink-operators/BENCHMARK.md}.
 *
 * <p>Workload: {@code documents} documents of {@code chunksPerDocument} chunks, interleaved (so every chunk
 * reads and writes another key's state), random tokens, chunk 3 of each document repeating chunk 2 (a skip),
 * the last chunk ending the document (state cleared); the sequence repeats.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx2g"})
public class OverheadBenchmark {

    /** {@code micro}, {@code baseline} (synthetic, seed 7) or {@code file:PATH} (a native model file). */
    @Param({"micro", "baseline"})
    public String model;

    /**
     * {@code direct} (no Flink), {@code heap} or {@code rocksdb} (the operator on that backend), or
     * {@code state-heap} / {@code state-rocksdb}: only the operator's state traffic — read the key's stream state,
     * write it back — with the states the real run holds (what Flink adds per chunk, without the scoring).
     */
    @Param({"direct", "heap", "rocksdb", "state-heap", "state-rocksdb"})
    public String path;

    @Param({"64"})
    public int documents;

    @Param({"8"})
    public int chunksPerDocument;

    /**
     * Managed memory of the mock task, MB (RocksDB sizes its write buffers and block cache from it). The harness's
     * own default is 3 MB, which makes RocksDB flush and compact all the time; a TaskManager slot has hundreds.
     */
    @Param({"256"})
    public int managedMemoryMb;

    /** Tokens per chunk; 0 for the model's seqLenMax. */
    @Param({"0"})
    public int chunkTokens;

    private List<DocumentChunk> chunks;
    private int next;
    private long processed;

    private SharedModels.Lease lease;
    private DocumentScorer scorer;
    private final Map<String, StreamState> streams = new HashMap<>();
    private KeyedOneInputStreamOperatorTestHarness<String, DocumentChunk, ?> harness;
    private MockEnvironment environment;

    static ModelSource source(String model) {
        return model.startsWith("file:") ? ModelSource.file(model.substring(5)) : ModelSource.synthetic(model, 7);
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        ScoringSettings settings = ScoringSettings.of(source(model));
        lease = SharedModels.acquire(settings.model(), OverheadBenchmark.class.getClassLoader());
        var config = lease.model().weights().config();
        int n = chunkTokens > 0 ? Math.min(chunkTokens, config.seqLenMax()) : config.seqLenMax();
        chunks = workload(documents, chunksPerDocument, n, config.vocabSize());
        if (path.equals("direct")) {
            scorer = settings.newScorer(lease.model());
            return;
        }
        boolean stateOnly = path.startsWith("state-");
        KeyedProcessFunction<String, DocumentChunk, ChunkScore> fn = stateOnly
                ? new StateTraffic(settings, statesAfterEachChunk(settings.newScorer(lease.model()), chunks))
                : new GatedScoringFunction(settings);
        environment = new MockEnvironmentBuilder().setTaskName("overhead")
                .setManagedMemorySize((long) managedMemoryMb << 20).build();
        harness = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(fn), DocumentChunk.KEY,
                Types.STRING, environment);
        harness.setStateBackend(switch (stateOnly ? path.substring(6) : path) {
            case "heap" -> new HashMapStateBackend();
            case "rocksdb" -> new EmbeddedRocksDBStateBackend();
            default -> throw new IllegalArgumentException("unknown path " + path);
        });
        harness.open();
    }

    /** The stream state after each chunk of the workload, as the real run stores it. */
    static List<StreamState> statesAfterEachChunk(DocumentScorer s, List<DocumentChunk> chunks) {
        Map<String, StreamState> open = new HashMap<>();
        List<StreamState> after = new ArrayList<>();
        for (DocumentChunk c : chunks) {
            StreamState st = open.computeIfAbsent(c.docId(), k -> s.newState());
            s.scoreChunk(st, c.tokenIds());
            after.add(c.endOfDocument() ? null : st.copy());
            if (c.endOfDocument()) open.remove(c.docId());
        }
        return after;
    }

    /** Reads the key's state and writes the next recorded state (or clears it): the operator's state traffic. */
    static final class StateTraffic extends KeyedProcessFunction<String, DocumentChunk, ChunkScore> {
        private static final long serialVersionUID = 1L;
        private final ScoringSettings settings;
        private final transient List<StreamState> states;
        private transient ValueState<StreamState> state;
        private transient int next;

        StateTraffic(ScoringSettings settings, List<StreamState> states) {
            this.settings = settings;
            this.states = states;
        }

        @Override
        public void open(OpenContext ctx) {
            state = getRuntimeContext().getState(GatedScoringFunction.stateDescriptor(settings,
                    StreamStateSerializer.CURRENT_FORMAT));
        }

        @Override
        public void processElement(DocumentChunk c, Context ctx, Collector<ChunkScore> out) throws Exception {
            StreamState before = state.value();
            if (before == null && c.chunkIndex() != 0) throw new IllegalStateException("lost state of " + c.docId());
            StreamState after = states.get(next);
            if (++next == states.size()) next = 0;
            if (after == null) state.clear();
            else state.update(after);
        }
    }

    static List<DocumentChunk> workload(int documents, int chunksPerDocument, int tokens, int vocab) {
        SplittableRandom r = new SplittableRandom(11);
        List<DocumentChunk> all = new ArrayList<>();
        int[][] previous = new int[documents][];
        for (int k = 0; k < chunksPerDocument; k++) {
            for (int d = 0; d < documents; d++) {
                int[] ids = new int[tokens];
                for (int i = 0; i < tokens; i++) ids[i] = r.nextInt(vocab);
                if (k == 3) ids = previous[d].clone();
                previous[d] = ids;
                all.add(new DocumentChunk("doc-" + d, k, ids, k == chunksPerDocument - 1));
            }
        }
        return all;
    }

    @Benchmark
    public Object chunk() throws Exception {
        DocumentChunk c = chunks.get(next);
        if (++next == chunks.size()) next = 0;
        if (scorer != null) {
            StreamState s = streams.computeIfAbsent(c.docId(), k -> scorer.newState());
            ChunkResult r = scorer.scoreChunk(s, c.tokenIds());
            if (c.endOfDocument()) streams.remove(c.docId());
            return r;
        }
        harness.processElement(new StreamRecord<>(c));
        if ((++processed & 255) == 0) clearOutputs();
        return harness;
    }

    /** The harness keeps every output otherwise. */
    private void clearOutputs() {
        harness.getOutput().clear();
        for (OutputTag<?> tag : List.of(OutputTags.ENERGY, OutputTags.TIER_TRANSITIONS, OutputTags.MODEL_UPGRADE,
                OutputTags.REJECTS)) {
            var q = harness.getSideOutput(tag);
            if (q != null) q.clear();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        if (harness != null) harness.close();
        if (environment != null) environment.close();
        lease.close();
    }
}
