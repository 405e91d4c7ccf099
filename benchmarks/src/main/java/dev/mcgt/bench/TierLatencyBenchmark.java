package dev.mcgt.bench;

import dev.mcgt.bench.Workloads.Kind;
import dev.mcgt.runtime.GatedTransformer;
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
 * Latency of one gated inference per compute tier, one thread, on the synthetic presets with a full chunk of
 * tokens. Tier 0: a coherent gate packet; tier 1: boundary edges above the policy maximum (REDUCE_SCOPE);
 * tier 2: FORCE_SAFE; tier 3: a cache hit (the chunk just computed again, with the skip flag). Computed calls
 * cycle through a few fixed chunks ({@link RequestStream}); the KV cache is in its steady state (full ring).
 *
 * <p>Two modes: average time (the mean, without per-call timer overhead) and sample time (per-call latency
 * distribution: p50, p99). With {@link WorkRecorder#ENV} set, the trial also records the work of one call.
 */
@State(Scope.Thread)
@BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class TierLatencyBenchmark {

    @Param({"micro", "baseline"})
    public String preset;

    @Param({"0", "1", "2", "3"})
    public int tier;

    @Param({"auto"})
    public String kernel;

    private RequestStream stream;

    @Setup(Level.Trial)
    public void setUp() {
        GatedTransformer model = Workloads.model(preset, kernel);
        stream = new RequestStream(model, Workloads.chunks(model.config(), Workloads.CHUNKS),
                new Kind[] {Kind.ofTier(tier)}).prime();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        WorkRecorder.write(TierLatencyBenchmark.class, Map.of("preset", preset, "tier", Integer.toString(tier), "kernel", kernel),
                stream.model(), WorkRecorder.mixWork(stream));
    }

    @Benchmark
    public float infer() {
        stream.next();
        return stream.firstOutput();
    }
}
