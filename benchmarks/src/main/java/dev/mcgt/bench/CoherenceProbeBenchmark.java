package dev.mcgt.bench;

import dev.mcgt.coherence.CoherenceProbe;
import dev.mcgt.coherence.CoherenceProbeConfig;
import dev.mcgt.coherence.MinCut;
import dev.mcgt.coherence.TokenGraph;
import dev.mcgt.config.GatePolicy;
import dev.mcgt.config.TransformerConfig;
import dev.mcgt.gate.GatePacket;
import dev.mcgt.kernel.KernelProvider;
import dev.mcgt.kernel.Kernels;
import dev.mcgt.model.ModelWeights;
import dev.mcgt.model.SyntheticWeights;
import dev.mcgt.model.onnx.OnnxImportOptions;
import dev.mcgt.model.onnx.OnnxImporter;
import dev.mcgt.runtime.GatedTransformer;
import dev.mcgt.runtime.InferBuffers;
import dev.mcgt.runtime.InferInput;
import dev.mcgt.runtime.InferOutput;
import dev.mcgt.runtime.InferState;
import dev.mcgt.runtime.RuntimeOptions;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of the coherence probe per chunk, one thread, default probe settings (dense graph).
 *
 * <ul>
 *   <li>{@code probe}: the whole hot-path analysis of {@code tokens} vectors of width {@code width} —
 *       cosine graph, global minimum cut, boundary figures and recursive cutting. {@code random}: Gaussian
 *       vectors (near-orthogonal; one strong part, so only the global cut runs); {@code topics}: four topic
 *       directions plus noise (weak cuts, so recursive cutting runs too).</li>
 *   <li>{@code graph}: the cosine graph alone (dot products, norms, weights) of the same vectors; {@code probe}
 *       minus {@code graph} is the minimum cuts, boundary figures and recursive cutting.</li>
 *   <li>{@code minCut}: Stoer–Wagner alone on a prebuilt dense graph of {@code tokens} vertices.</li>
 *   <li>{@code modelProbe} and {@code modelTier0}: the probe as the scorer runs it (the chunk's embedding-layer
 *       vectors from the model, then the analysis) and a tier-0 inference of the same full chunk (gate passing,
 *       fresh stream state), on the {@code baseline} preset (64 tokens, hidden 256) and on all-MiniLM-L6-v2
 *       ({@code minilm}, 128 tokens, hidden 384). Both run in the same JMH run with the same kernel, so
 *       modelProbe / modelTier0 is the probe's share of the inference (target: at most 5 %). Their secondary
 *       counters cpuNanos / calls give the thread's CPU time per call, steadier on a shared machine.</li>
 * </ul>
 *
 * <p>{@code kernel} ({@code auto}, {@code native}, {@code vector}, {@code scalar}: {@link KernelProvider#choose})
 * picks the kernel of every state, so one run compares them (the probe gives the same bits on each). Every
 * benchmark has the cpuNanos / calls counters.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx2g"})
public class CoherenceProbeBenchmark {

    /** A chunk of token vectors and a probe sized for it. */
    @State(Scope.Thread)
    public static class Chunk {
        @Param({"32", "64", "128"})
        public int tokens;

        @Param({"128", "256", "384"})
        public int width;

        /** {@code random} or {@code topics}. */
        @Param({"random", "topics"})
        public String data;

        @Param({"auto"})
        public String kernel;

        CoherenceProbe probe;
        TokenGraph graph;
        float[] vectors;

        @Setup(Level.Trial)
        public void setUp() {
            SplittableRandom rnd = new SplittableRandom(42);
            vectors = new float[tokens * width];
            float[][] topics = new float[4][width];
            for (float[] t : topics) for (int c = 0; c < width; c++) t[c] = (float) rnd.nextGaussian();
            for (int i = 0; i < tokens; i++) {
                float[] topic = topics[rnd.nextInt(4)];
                for (int c = 0; c < width; c++) {
                    float noise = (float) rnd.nextGaussian();
                    vectors[i * width + c] = switch (data) {
                        case "random" -> noise;
                        case "topics" -> topic[c] + 0.3f * noise;
                        default -> throw new IllegalArgumentException("data must be random or topics: " + data);
                    };
                }
            }
            Kernels k = KernelProvider.choose(kernel);
            probe = new CoherenceProbe(CoherenceProbeConfig.defaults(), tokens, k);
            graph = new TokenGraph(tokens, k);
        }
    }

    /** A prebuilt dense token graph and a min-cut workspace. */
    @State(Scope.Thread)
    public static class Graph {
        @Param({"32", "64", "128"})
        public int tokens;

        @Param({"auto"})
        public String kernel;

        MinCut minCut;
        double[] weights;

        @Setup(Level.Trial)
        public void setUp() {
            SplittableRandom rnd = new SplittableRandom(7);
            int width = 256;
            float[] v = new float[tokens * width];
            for (int i = 0; i < v.length; i++) v[i] = (float) rnd.nextGaussian();
            TokenGraph g = new TokenGraph(tokens);
            g.build(v, tokens, width, TokenGraph.DENSE);
            weights = g.weights().clone();
            minCut = new MinCut(tokens, KernelProvider.choose(kernel));
        }
    }

    /** A model, one full chunk of its token ids, a probe and inference buffers. */
    @State(Scope.Thread)
    public static class ModelChunk {
        private static final GatePacket PASS = new GatePacket(100, 95, 5, 8192, 3, 0);

        /** {@code baseline} (synthetic preset) or {@code minilm} (all-MiniLM-L6-v2 from ONNX). */
        @Param({"baseline", "minilm"})
        public String model;

        @Param({"auto"})
        public String kernel;

        ModelWeights weights;
        GatedTransformer transformer;
        InferBuffers buffers;
        InferOutput output;
        InferState state;
        CoherenceProbe probe;
        int[] ids;

        @Setup(Level.Trial)
        public void setUp() {
            Kernels kernels = KernelProvider.choose(kernel);
            weights = switch (model) {
                case "baseline" -> SyntheticWeights.generate(TransformerConfig.baseline(), 7);
                case "minilm" -> OnnxImporter.importBytes(Workloads.resource("/all-minilm-l6-v2.onnx"),
                        new String(Workloads.resource("/all-minilm-l6-v2-tokenizer.json"), StandardCharsets.UTF_8),
                        OnnxImportOptions.defaults()).weights();
                default -> throw new IllegalArgumentException("model must be baseline or minilm: " + model);
            };
            TransformerConfig cfg = weights.config();
            int n = cfg.seqLenMax();
            SplittableRandom r = new SplittableRandom(42);
            ids = new int[n];
            if (cfg.isEncoder()) {
                ids[0] = 101;
                for (int i = 1; i < n - 1; i++) ids[i] = 1000 + r.nextInt(28000);
                ids[n - 1] = 102;
            } else {
                for (int i = 0; i < n; i++) ids[i] = r.nextInt(cfg.vocabSize());
            }
            transformer = new GatedTransformer(weights, GatePolicy.defaults(), RuntimeOptions.defaults(), kernels);
            buffers = transformer.newBuffers();
            output = transformer.newOutput();
            state = transformer.newState();
            probe = new CoherenceProbe(CoherenceProbeConfig.defaults(), n, kernels);
        }

    }

    @Benchmark
    public long modelProbe(ModelChunk c, CpuTime cpu) {
        cpu.calls++;
        return c.probe.analyze(c.weights, c.ids, 0, c.ids.length) + c.probe.partitionCount();
    }

    @Benchmark
    public float modelTier0(ModelChunk c, CpuTime cpu) {
        cpu.calls++;
        c.state.reset();
        c.transformer.infer(InferInput.of(c.ids, ModelChunk.PASS), c.state, c.buffers, c.output);
        return c.output.output()[0];
    }

    @Benchmark
    public long probe(Chunk c, CpuTime cpu) {
        cpu.calls++;
        return c.probe.analyze(c.vectors, c.tokens, c.width) + c.probe.partitionCount();
    }

    @Benchmark
    public double graph(Chunk c, CpuTime cpu) {
        cpu.calls++;
        c.graph.build(c.vectors, c.tokens, c.width, TokenGraph.DENSE);
        return c.graph.weights()[1];
    }

    @Benchmark
    public double minCut(Graph g, CpuTime cpu) {
        cpu.calls++;
        return g.minCut.compute(g.weights, g.tokens);
    }

}
