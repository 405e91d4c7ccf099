package dev.mcgt.bench;

import dev.mcgt.config.GatePolicy;
import dev.mcgt.config.TransformerConfig;
import dev.mcgt.gate.GatePacket;
import dev.mcgt.kernel.KernelProvider;
import dev.mcgt.kernel.Kernels;
import dev.mcgt.model.ModelWeights;
import dev.mcgt.model.SyntheticWeights;
import dev.mcgt.runtime.GatedTransformer;
import dev.mcgt.runtime.InferBuffers;
import dev.mcgt.runtime.InferInput;
import dev.mcgt.runtime.InferOutput;
import dev.mcgt.runtime.InferState;
import dev.mcgt.runtime.RuntimeOptions;
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
 * Latency of one gated inference per compute tier, one thread, on the synthetic presets with a full chunk of
 * tokens. Tier 0: a coherent gate packet; tier 1: boundary edges above the policy maximum (REDUCE_SCOPE);
 * tier 2: FORCE_SAFE; tier 3: a cache hit (the same chunk again with the skip flag). The KV cache is in its
 * steady state (full ring) after warm-up.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
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

    private GatedTransformer model;
    private InferState state;
    private InferBuffers buffers;
    private InferOutput output;
    private InferInput input;

    @Setup(Level.Trial)
    public void setUp() {
        TransformerConfig cfg = TransformerConfig.preset(preset);
        ModelWeights weights = SyntheticWeights.generate(cfg, 7);
        Kernels k = KernelProvider.choose(kernel);
        model = new GatedTransformer(weights, GatePolicy.defaults(), RuntimeOptions.defaults(), k);
        state = model.newState();
        buffers = model.newBuffers();
        output = model.newOutput();
        int[] tokens = new SplittableRandom(42).ints(cfg.seqLenMax(), 0, cfg.vocabSize()).toArray();
        GatePacket coherent = new GatePacket(100, 95, 5, 8192, 3, 0);
        input = switch (tier) {
            case 0 -> InferInput.of(tokens, coherent);
            case 1 -> InferInput.of(tokens, new GatePacket(100, 95, 30, 8192, 3, 0));
            case 2 -> InferInput.of(tokens, coherent.withFlags(GatePacket.FLAG_FORCE_SAFE));
            case 3 -> InferInput.of(tokens, coherent.withFlags(GatePacket.FLAG_SKIP));
            default -> throw new IllegalArgumentException("tier must be 0..3");
        };
        // Fill the KV ring and, for tier 3, cache the output of this chunk.
        for (int i = 0; i < 8; i++) model.infer(InferInput.of(tokens, coherent), state, buffers, output);
        model.infer(input, state, buffers, output);
        if (output.stats().tier() != tier) {
            throw new IllegalStateException("expected tier " + tier + ", gate gave " + output.stats().tier());
        }
        if (tier == 3 && !output.stats().cacheHit()) throw new IllegalStateException("tier 3 must be a cache hit");
    }

    @Benchmark
    public float infer() {
        model.infer(input, state, buffers, output);
        return output.output()[0];
    }
}
