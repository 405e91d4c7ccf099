package dev.mcgt.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcgt.gate.GatePacket;
import dev.mcgt.gate.SpikePacket;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/** After warm-up, inference allocates nothing: 200 calls per path, measured by the JVM's per-thread counter. */
class AllocationTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private static long allocated() {
        return THREADS.getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    /**
     * Bytes allocated by 200 calls once the JIT has settled: after a warm-up, up to five windows of 200 calls, the
     * first window without allocation wins. A per-call allocation shows in every window (at least 200 × 16
     * bytes); a JIT recompilation or deoptimization can allocate a few hundred bytes once, which is not the
     * forward pass allocating. Returns 0 or the smallest window's bytes.
     */
    private static long bytesFor200Calls(GatedTransformer m, InferInput in, InferState s) {
        InferBuffers b = m.newBuffers();
        InferOutput o = m.newOutput();
        for (int i = 0; i < 200; i++) m.infer(in, s, b, o);
        allocated();
        long least = Long.MAX_VALUE;
        for (int window = 0; window < 5 && least > 0; window++) {
            long before = allocated();
            for (int i = 0; i < 200; i++) m.infer(in, s, b, o);
            least = Math.min(least, allocated() - before);
        }
        return least;
    }

    @Test
    void everyTierIsAllocationFree() {
        GatedTransformer m = Fixtures.model(Fixtures.MICRO);
        int[] tokens = Fixtures.tokens(12, 256, 1);
        for (GatePacket g : new GatePacket[] {Fixtures.NORMAL, Fixtures.REDUCED, Fixtures.SAFE, Fixtures.FLUSH,
                Fixtures.SKIP}) {
            assertThat(bytesFor200Calls(m, InferInput.of(tokens, g), m.newState())).as("gate %s", g).isZero();
        }
        // Skip tier with a cache hit.
        InferState s = m.newState();
        Fixtures.run(m, InferInput.of(tokens, Fixtures.NORMAL), s);
        assertThat(bytesFor200Calls(m, InferInput.of(tokens, Fixtures.SKIP), s)).isZero();
    }

    @Test
    void routingMasksAndEarlyExitAreAllocationFree() {
        int[] tokens = Fixtures.tokens(32, 256, 2);
        int[] parts = new int[32];
        for (int i = 16; i < 32; i++) parts[i] = 1;
        SpikePacket spikes = new SpikePacket(1, 1000, 20000, new int[] {0, 9}, new int[] {300, 200}, SpikePacket.FLAG_SPARSE_MASK);
        InferInput in = InferInput.of(tokens, new GatePacket(100, 98, 5, 10000, 3, 0)).withSpikes(spikes)
                .withPartitionOf(parts).withBoundaryTokens(new int[] {3, 17}).withTopBoundaryEdgeIds(new long[] {1, 2});
        GatedTransformer mod = Fixtures.model(Fixtures.MICRO, RuntimeOptions.defaults().withModRouting(ModRoutingConfig.defaults())
                .withSparseAttention(true).withRepresentationExitThreshold(0.5f).withSkipOnCacheHit(true));
        assertThat(bytesFor200Calls(mod, in.withoutSignature(), mod.newState())).isZero();
        GatedTransformer exit = Fixtures.model(Fixtures.MICRO, RuntimeOptions.defaults().withEarlyExit(EarlyExitConfig.aggressive()));
        assertThat(bytesFor200Calls(exit, in, exit.newState())).isZero();
    }

    @Test
    void theTierOneVariantsOfAnEncoderAreAllocationFree() {
        dev.mcgt.config.TransformerConfig c = dev.mcgt.config.TransformerConfig.micro().toBuilder()
                .attention(dev.mcgt.config.AttentionKind.BIDIRECTIONAL).normPlacement(dev.mcgt.config.NormPlacement.POST)
                .activation(dev.mcgt.config.Activation.GELU_ERF).logits(0).build();
        dev.mcgt.model.ModelWeights w = dev.mcgt.model.SyntheticWeights.generate(c, 5);
        int[] tokens = Fixtures.tokens(32, 256, 3);
        for (RuntimeOptions o : new RuntimeOptions[] {RuntimeOptions.defaults().withTokenPruning(new TokenPruning(1, 6)),
                RuntimeOptions.defaults().withTruncatedTier(new TruncatedTier(1, 32)),
                RuntimeOptions.defaults().withCrossChunkContext(CrossChunkContext.ON)}) {
            GatedTransformer m = Fixtures.model(w, o);
            assertThat(bytesFor200Calls(m, InferInput.of(tokens, Fixtures.REDUCED), m.newState())).as("%s", o).isZero();
        }
    }
}
