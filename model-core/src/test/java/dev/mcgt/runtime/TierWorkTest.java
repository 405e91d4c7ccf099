package dev.mcgt.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcgt.config.TransformerConfig;
import dev.mcgt.gate.GatePacket;
import dev.mcgt.model.ModelWeights;
import org.junit.jupiter.api.Test;

/**
 * The tiers, routing and early exit really reduce work: the counted MACs equal what the config implies,
 * computed here by hand from the rules of the forward pass:
 * <ul>
 *   <li>kept tokens k = min(n, effectiveSeqLen) (decoders keep the most recent);</li>
 *   <li>every block that runs projects K and V for all k tokens; Q, O, W1, W2 run for all k tokens except in the
 *       last block of a decoder, where only the last position needs them;</li>
 *   <li>query i (position in the chunk, no cache) sees min(i+1, window) keys per head, headDim MACs each;</li>
 *   <li>the decoder head is one logits×hidden GEMM row.</li>
 * </ul>
 */
class TierWorkTest {

    /** Expected int8 MACs and attention dots for {@code layers} blocks from layer 0 on a fresh state. */
    static long[] expected(TransformerConfig c, int n, int layers, int seq, int window, boolean lastOnlyInLastLayer) {
        long d = c.hidden(), f = c.ffnIntermediate(), h = c.heads();
        int keep = Math.min(n, seq);
        long macs = 0, dots = 0;
        for (int l = 0; l < layers; l++) {
            boolean last = lastOnlyInLastLayer && l == layers - 1;
            long queries = last ? 1 : keep;
            macs += 2L * keep * d * d + queries * (2 * d * d + 2 * d * f);
            for (int i = last ? keep - 1 : 0; i < keep; i++) dots += h * Math.min(i + 1, window);
        }
        macs += (long) c.logits() * d + dots * c.headDim();
        return new long[] {macs, dots};
    }

    private static InferStats stats(ModelWeights w, GatePacket g, int n) {
        return stats(Fixtures.model(w), g, n);
    }

    private static InferStats stats(GatedTransformer m, GatePacket g, int n) {
        int[] tokens = Fixtures.tokens(n, m.config().vocabSize(), 77);
        return Fixtures.run(m, InferInput.of(tokens, g), m.newState()).stats().copy();
    }

    @Test
    void microTiersRunExactlyTheConfiguredWork() {
        TransformerConfig c = TransformerConfig.micro();
        InferStats t0 = stats(Fixtures.MICRO, Fixtures.NORMAL, 32);
        InferStats t1 = stats(Fixtures.MICRO, Fixtures.REDUCED, 32);
        InferStats t2 = stats(Fixtures.MICRO, Fixtures.SAFE, 32);
        long[] e0 = expected(c, 32, 2, 32, 8, true);
        long[] e1 = expected(c, 32, 1, 16, 4, true);
        long[] e2 = expected(c, 32, 1, 4, 4, true);
        assertThat(t0.macs()).isEqualTo(e0[0]);
        assertThat(t0.attentionDots()).isEqualTo(e0[1]).isEqualTo(4 * 228 + 4 * 8);
        assertThat(t1.macs()).isEqualTo(e1[0]);
        assertThat(t1.attentionDots()).isEqualTo(e1[1]);
        assertThat(t2.macs()).isEqualTo(e2[0]);
        assertThat(t2.attentionDots()).isEqualTo(e2[1]);
        assertThat(t0.gemmCalls()).isEqualTo(13);
        assertThat(t1.gemmCalls()).isEqualTo(7);
        assertThat(t2.gemmCalls()).isEqualTo(7);
        assertThat(new int[] {t0.layersExecuted(), t1.layersExecuted(), t2.layersExecuted()}).containsExactly(2, 1, 1);
        assertThat(t0.tokensComputed()).isEqualTo(64);
        assertThat(t1.tokensComputed()).isEqualTo(16);
        assertThat(t2.tokensComputed()).isEqualTo(4);
        // Tier 1 does well under half the MACs of tier 0 (the 2.7× wall-clock target needs at least that).
        assertThat((double) t0.macs() / t1.macs()).isGreaterThan(2.7);
        assertThat(t0.estimatedEnergyPicojoules()).isGreaterThan(t1.estimatedEnergyPicojoules());
        assertThat(t1.estimatedEnergyPicojoules()).isGreaterThan(t2.estimatedEnergyPicojoules());
    }

    @Test
    void baselineTiersRunExactlyTheConfiguredWork() {
        TransformerConfig c = TransformerConfig.baseline();
        assertThat(stats(Fixtures.BASELINE, Fixtures.NORMAL, 64).macs()).isEqualTo(expected(c, 64, 4, 64, 16, true)[0]);
        assertThat(stats(Fixtures.BASELINE, Fixtures.REDUCED, 64).macs()).isEqualTo(expected(c, 64, 2, 32, 8, true)[0]);
        assertThat(stats(Fixtures.BASELINE, Fixtures.SAFE, 64).macs()).isEqualTo(expected(c, 64, 1, 8, 4, true)[0]);
        InferStats shortInput = stats(Fixtures.BASELINE, Fixtures.NORMAL, 10);
        assertThat(shortInput.macs()).isEqualTo(expected(c, 10, 4, 64, 16, true)[0]);
        assertThat(shortInput.gemmCalls()).isEqualTo(25);
    }

    @Test
    void lateLayerSelectionRunsTheLastBlocks() {
        GatedTransformer late = Fixtures.model(Fixtures.BASELINE,
                RuntimeOptions.defaults().withLayerSelection(LayerSelection.LATE_LAYERS));
        GatedTransformer early = Fixtures.model(Fixtures.BASELINE);
        InferStats l = stats(late, Fixtures.REDUCED, 64);
        InferStats e = stats(early, Fixtures.REDUCED, 64);
        assertThat(l.macs()).isEqualTo(e.macs());
        int[] tokens = Fixtures.tokens(64, 1024, 77);
        InferState s = late.newState();
        Fixtures.run(late, InferInput.of(tokens, Fixtures.REDUCED), s);
        assertThat(new int[] {s.kvCache().length(0), s.kvCache().length(1), s.kvCache().length(2),
                s.kvCache().length(3)}).containsExactly(0, 0, 32, 32);
    }

    @Test
    void skipTierRunsOnlyTheCheapScorerOrNothing() {
        GatedTransformer m = Fixtures.model(Fixtures.MICRO);
        InferState s = m.newState();
        int[] tokens = Fixtures.tokens(32, 256, 5);
        InferOutput cheap = Fixtures.run(m, InferInput.of(tokens, Fixtures.SKIP), s);
        assertThat(cheap.stats().skipped()).isTrue();
        assertThat(cheap.stats().cacheHit()).isFalse();
        assertThat(cheap.stats().layersExecuted()).isZero();
        assertThat(cheap.stats().gemmCalls()).isEqualTo(1);
        assertThat(cheap.stats().macs()).isEqualTo(256L * 128);
        assertThat(cheap.stats().attentionDots()).isZero();
        float[] cheapScore = cheap.output().clone();
        assertThat(cheapScore).as("a real, non-zero score").isNotEqualTo(new float[256]);

        Fixtures.run(m, InferInput.of(tokens, Fixtures.NORMAL), s);
        InferOutput hit = Fixtures.run(m, InferInput.of(tokens, Fixtures.SKIP), s);
        assertThat(hit.stats().cacheHit()).isTrue();
        assertThat(hit.stats().macs()).isZero();
        assertThat(hit.stats().gemmCalls()).isZero();
        assertThat(hit.stats().weightBytesRead()).isZero();
        assertThat(hit.stats().estimatedEnergyPicojoules()).isZero();
        assertThat(hit.output()).isNotEqualTo(cheapScore);
    }

    @Test
    void mixtureOfDepthsComputesFewerTokens() {
        GatedTransformer mod = Fixtures.model(Fixtures.MICRO, RuntimeOptions.defaults().withModRouting(ModRoutingConfig.defaults()));
        InferStats full = stats(Fixtures.MICRO, Fixtures.NORMAL, 32);
        InferStats routed = stats(mod, Fixtures.NORMAL, 32);
        // The reference's counts for 32 tokens under a stable packet: 15 compute, 17 skip per block.
        assertThat(routed.tokensComputed()).isEqualTo(30);
        assertThat(routed.tokensSkipped()).isEqualTo(34);
        assertThat(routed.macs()).isLessThan(full.macs() * 6 / 10);
        assertThat(routed.attentionDots()).isLessThan(full.attentionDots());
        assertThat(routed.layersExecuted()).isEqualTo(2);
    }

    @Test
    void boundaryTokensAlwaysComputeEvenBeyondCapacity() {
        GatedTransformer mod = Fixtures.model(Fixtures.MICRO, RuntimeOptions.defaults().withModRouting(ModRoutingConfig.defaults()));
        int[] tokens = Fixtures.tokens(32, 256, 77);
        int[] boundary = new int[20];
        for (int i = 0; i < 20; i++) boundary[i] = i;
        InferOutput out = Fixtures.run(mod, InferInput.of(tokens, Fixtures.NORMAL).withBoundaryTokens(boundary), mod.newState());
        // 20 boundary tokens + the last position (the decoder's output) in each of the 2 blocks.
        assertThat(out.stats().tokensComputed()).isEqualTo(42);
        assertThat(out.witness().tokensSkipped()).isEqualTo(22);
    }

    @Test
    void lambdaEarlyExitReallyStops() {
        GatePacket stable = new GatePacket(100, 98, 5, 10000, 3, 0);
        GatedTransformer exit = Fixtures.model(Fixtures.BASELINE, RuntimeOptions.defaults().withEarlyExit(EarlyExitConfig.defaults()));
        InferOutput out = Fixtures.run(exit, InferInput.of(Fixtures.tokens(32, 1024, 1), stable), exit.newState());
        assertThat(out.stats().layersExecuted()).isEqualTo(1);
        assertThat(out.stats().earlyExitLayer()).isEqualTo(1);
        assertThat(out.witness().earlyExitLayer()).isEqualTo(1);
        assertThat(out.witness().layersRun()).isEqualTo(1);
        assertThat(out.stats().gemmCalls()).isEqualTo(7);
        assertThat(out.stats().macs()).isEqualTo(expected(TransformerConfig.baseline(), 32, 1, 64, 16, true)[0]);

        // λ below min_lambda_for_exit: no exit, all four layers.
        InferOutput noExit = Fixtures.run(exit, InferInput.of(Fixtures.tokens(32, 1024, 1), new GatePacket(50, 48, 5, 10000, 3, 0)),
                exit.newState());
        assertThat(noExit.stats().layersExecuted()).isEqualTo(4);
        assertThat(noExit.stats().earlyExitLayer()).isEqualTo(-1);

        // Micro with the aggressive preset exits before layer 1 (the default preset is invalid for 2 layers).
        GatedTransformer micro = Fixtures.model(Fixtures.MICRO, RuntimeOptions.defaults().withEarlyExit(EarlyExitConfig.aggressive()));
        InferOutput m = Fixtures.run(micro, InferInput.of(Fixtures.tokens(32, 256, 1), stable), micro.newState());
        assertThat(m.stats().layersExecuted()).isEqualTo(1);
        assertThat(m.stats().earlyExitLayer()).isEqualTo(1);
    }

    @Test
    void representationEarlyExitReallyStops() {
        GatedTransformer loose = Fixtures.model(Fixtures.BASELINE, RuntimeOptions.defaults().withRepresentationExitThreshold(10f));
        GatedTransformer tight = Fixtures.model(Fixtures.BASELINE, RuntimeOptions.defaults().withRepresentationExitThreshold(1e-9f));
        int[] tokens = Fixtures.tokens(64, 1024, 3);
        InferOutput a = Fixtures.run(loose, InferInput.of(tokens, Fixtures.NORMAL), loose.newState());
        InferOutput b = Fixtures.run(tight, InferInput.of(tokens, Fixtures.NORMAL), tight.newState());
        assertThat(a.stats().layersExecuted()).isEqualTo(1);
        assertThat(a.stats().earlyExitLayer()).isEqualTo(1);
        // Layer 0 ran fully (the rule needs every token's state), then the head.
        assertThat(a.stats().macs()).isEqualTo(expected(TransformerConfig.baseline(), 64, 1, 64, 16, false)[0]);
        assertThat(b.stats().layersExecuted()).isEqualTo(4);
        assertThat(b.stats().earlyExitLayer()).isEqualTo(-1);
        assertThat(a.stats().macs()).isLessThan(b.stats().macs() / 2);
    }

    @Test
    void statsCountBytesAndEnergyConsistently() {
        InferStats s = stats(Fixtures.MICRO, Fixtures.NORMAL, 32);
        assertThat(s.weightBytesRead()).isGreaterThan(2L * (4 * 128 * 128 + 2 * 128 * 512));
        assertThat(s.kvBytesWritten()).isEqualTo(2L * 32 * (2 * 128 + 8 * 4));
        assertThat(s.kvBytesRead()).isZero();
        assertThat(s.estimatedEnergyPicojoules()).isEqualTo(EnergyModel.estimatePicojoules(s));
        assertThat(s.estimatedEnergyPicojoules()).isGreaterThan(s.macs() * EnergyModel.INT8_MAC_PJ);
    }
}
