package dev.mcgt.bench;

import dev.mcgt.bench.Workloads.Mix;
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
 * Per-request latency of a workload mix on one stream, one thread: each call is the next request of a seeded
 * sequence whose tiers follow the mix's shares of skip (tier 3, cache hit), tier 1 and tier 0
 * ({@link Workloads#sequence}); {@code tier0} (all requests at tier 0) is the reference for speedups. Sample
 * time gives mean, p50 and p99 over the sampled requests. {@code model=minilm} runs all-MiniLM-L6-v2 (128-token
 * chunks) from {@code $MCGT_MINILM_MODEL}, {@code models/minilm.mcgt}, or an in-process import.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx2g"})
public class WorkloadMixBenchmark {

    @Param({"micro", "baseline", "minilm"})
    public String model;

    @Param({"streaming", "interactive", "continuous", "safety", "tier0"})
    public String mix;

    @Param({"auto"})
    public String kernel;

    private RequestStream stream;

    @Setup(Level.Trial)
    public void setUp() {
        GatedTransformer m = Workloads.model(model, kernel);
        stream = new RequestStream(m, Workloads.chunks(m.config(), Workloads.CHUNKS),
                Workloads.sequence(Mix.of(mix))).prime();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        WorkRecorder.write(WorkloadMixBenchmark.class, Map.of("model", model, "mix", mix, "kernel", kernel), stream.model(),
                WorkRecorder.mixWork(stream));
    }

    @Benchmark
    public float request() {
        stream.next();
        return stream.firstOutput();
    }
}
