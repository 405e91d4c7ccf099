package dev.mcgt.bench;

import dev.mcgt.coherence.CoherenceProbe;
import dev.mcgt.coherence.CoherenceProbeConfig;
import dev.mcgt.coherence.MinCut;
import dev.mcgt.coherence.TokenGraph;
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
 *   <li>{@code minCut}: Stoer–Wagner alone on a prebuilt dense graph of {@code tokens} vertices.</li>
 * </ul>
 * Compare with a tier-0 inference of a chunk of the same size (TierLatencyBenchmark).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
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

        CoherenceProbe probe;
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
            probe = new CoherenceProbe(CoherenceProbeConfig.defaults(), tokens);
        }
    }

    /** A prebuilt dense token graph and a min-cut workspace. */
    @State(Scope.Thread)
    public static class Graph {
        @Param({"32", "64", "128"})
        public int tokens;

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
            minCut = new MinCut(tokens);
        }
    }

    @Benchmark
    public long probe(Chunk c) {
        return c.probe.analyze(c.vectors, c.tokens, c.width) + c.probe.partitionCount();
    }

    @Benchmark
    public double minCut(Graph g) {
        return g.minCut.compute(g.weights, g.tokens);
    }
}
