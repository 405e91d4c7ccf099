package dev.mcgt.bench;

import dev.mcgt.bench.Workloads.Kind;
import dev.mcgt.config.GatePolicy;
import dev.mcgt.config.TransformerConfig;
import dev.mcgt.kernel.KernelProvider;
import dev.mcgt.model.SyntheticWeights;
import dev.mcgt.runtime.GatedTransformer;
import dev.mcgt.runtime.RuntimeOptions;
import java.util.Map;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How a tier-0 inference grows with the chunk length n and the attention window W, one thread, on a small
 * synthetic decoder ({@link Workloads#scalingConfig}: hidden 64, 4 heads, 2 layers, no KV cache). A point
 * {@code n<N>-w<W>} uses a sliding window of W keys; {@code n<N>-full} full causal attention (W = n). Window
 * attention needs O(n·W) query-key dot products, full attention O(n²); the projections and FFN grow as O(n)
 * in both. The recorded work ({@link WorkRecorder}) holds the exact dot-product counts.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class ScalingBenchmark {

    /** Sequence sweep at W = 16 and full; window sweep at n = 1024. */
    @Param({"n64-w16", "n128-w16", "n256-w16", "n512-w16", "n1024-w16",
            "n64-full", "n128-full", "n256-full", "n512-full", "n1024-full",
            "n1024-w4", "n1024-w8", "n1024-w32"})
    public String point;

    @Param({"auto"})
    public String kernel;

    private RequestStream stream;

    /** Sequence length of a point name such as {@code n256-w16}. */
    public static int seqLen(String point) {
        return Integer.parseInt(point.substring(1, point.indexOf('-')));
    }

    /** Window of a point name, the sequence length for {@code full}. */
    public static int window(String point) {
        String w = point.substring(point.indexOf('-') + 1);
        return w.equals("full") ? seqLen(point) : Integer.parseInt(w.substring(1));
    }

    @Setup(Level.Trial)
    public void setUp() {
        TransformerConfig cfg = Workloads.scalingConfig(seqLen(point), window(point));
        GatedTransformer model = new GatedTransformer(SyntheticWeights.generate(cfg, 7), GatePolicy.defaults(),
                RuntimeOptions.defaults(), KernelProvider.choose(kernel));
        stream = new RequestStream(model, Workloads.chunks(cfg, 2), new Kind[] {Kind.TIER0}).prime();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        WorkRecorder.write(ScalingBenchmark.class, Map.of("point", point, "kernel", kernel), stream.model(),
                WorkRecorder.mixWork(stream));
    }

    @Benchmark
    public float infer() {
        stream.next();
        return stream.firstOutput();
    }
}
