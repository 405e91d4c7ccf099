package dev.mcgt.runtime;

import static dev.mcgt.runtime.Fixtures.cosine;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcgt.config.Activation;
import dev.mcgt.config.AttentionKind;
import dev.mcgt.config.NormPlacement;
import dev.mcgt.config.TransformerConfig;
import dev.mcgt.gate.GatePacket;
import dev.mcgt.model.ModelWeights;
import dev.mcgt.model.SyntheticWeights;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The INT8 forward pass against a plain double forward pass on the same (dequantized) weights: only the
 * activation quantization differs, so the outputs must agree closely (cosine ≥ 0.99).
 */
class ForwardAccuracyTest {

    private static void check(ModelWeights w, GatePacket gate, int n, long seed, int tier, double minCos) {
        TransformerConfig c = w.config();
        GatedTransformer m = Fixtures.model(w);
        int[] tokens = Fixtures.tokens(n, c.vocabSize(), seed);
        InferOutput out = Fixtures.run(m, InferInput.of(tokens, gate), m.newState());
        assertThat(out.stats().tier()).isEqualTo(tier);
        var t = m.controller().evaluate(gate, null);
        int keep = Math.min(n, t.effectiveSeqLen());
        int first = c.isEncoder() ? 0 : n - keep;
        int[] kept = tokens;
        double[] ref;
        if (c.isEncoder()) {
            kept = java.util.Arrays.copyOf(tokens, keep);
            ref = new FloatReference(w).forward(kept, null, 0, 0, t.layersToRun(), t.effectiveWindow());
        } else {
            ref = new FloatReference(w).forward(kept, null, first, 0, t.layersToRun(), t.effectiveWindow());
        }
        double cos = cosine(out.output(), ref);
        assertThat(cos).as("cosine vs float reference (tier %d, seed %d)", tier, seed).isGreaterThanOrEqualTo(minCos);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4})
    void microTier0MatchesFloatReference(long seed) {
        check(Fixtures.MICRO, Fixtures.NORMAL, 32, seed, 0, 0.99);
    }

    @ParameterizedTest
    @ValueSource(longs = {5, 6, 7})
    void microTier1MatchesFloatReference(long seed) {
        check(Fixtures.MICRO, Fixtures.REDUCED, 32, seed, 1, 0.99);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2})
    void baselineTier0MatchesFloatReference(long seed) {
        check(Fixtures.BASELINE, Fixtures.NORMAL, 64, seed, 0, 0.99);
    }

    @ParameterizedTest
    @ValueSource(longs = {4, 5})
    void baselineTier1MatchesFloatReference(long seed) {
        check(Fixtures.BASELINE, Fixtures.REDUCED, 64, seed, 1, 0.99);
    }

    @Test
    void shortInputsMatchToo() {
        check(Fixtures.MICRO, Fixtures.NORMAL, 5, 11, 0, 0.99);
        check(Fixtures.BASELINE, Fixtures.NORMAL, 1, 12, 0, 0.99);
    }

    @Test
    void bertStyleEncoderMatchesFloatReference() {
        TransformerConfig c = TransformerConfig.micro().toBuilder().attention(AttentionKind.BIDIRECTIONAL)
                .normPlacement(NormPlacement.POST).activation(Activation.GELU_ERF).typeVocabSize(2)
                .windowNormal(32).layerNormEps(1e-12f).build();
        ModelWeights w = SyntheticWeights.generate(c, 99);
        GatedTransformer m = Fixtures.model(w);
        int[] tokens = Fixtures.tokens(20, c.vocabSize(), 3);
        int[] types = new int[20];
        for (int i = 10; i < 20; i++) types[i] = 1;
        InferOutput out = Fixtures.run(m, InferInput.of(tokens, Fixtures.NORMAL).withTokenTypes(types), m.newState());
        double[] ref = new FloatReference(w).forward(tokens, types, 0, 0, c.layers(), 32);
        assertThat(out.output()).hasSize(c.hidden());
        assertThat(cosine(out.output(), ref)).isGreaterThanOrEqualTo(0.99);
        double norm = 0;
        for (float v : out.output()) norm += v * v;
        assertThat(norm).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
    }

    @Test
    void encoderTiersKeepTheFirstTokens() {
        TransformerConfig c = TransformerConfig.micro().toBuilder().attention(AttentionKind.BIDIRECTIONAL)
                .normPlacement(NormPlacement.POST).activation(Activation.GELU_ERF).build();
        ModelWeights w = SyntheticWeights.generate(c, 98);
        check(w, Fixtures.REDUCED, 32, 21, 1, 0.99);
        check(w, Fixtures.NORMAL, 32, 22, 0, 0.99);
    }

    @Test
    void logitsAreNonDegenerateAndVaryWithTheInput() {
        GatedTransformer m = Fixtures.model(Fixtures.MICRO);
        float[] a = Fixtures.run(m, InferInput.of(Fixtures.tokens(32, 256, 1), Fixtures.NORMAL), m.newState()).output().clone();
        float[] b = Fixtures.run(m, InferInput.of(Fixtures.tokens(32, 256, 2), Fixtures.NORMAL), m.newState()).output().clone();
        double mean = 0, var = 0;
        for (float v : a) mean += v / a.length;
        for (float v : a) var += (v - mean) * (v - mean) / a.length;
        assertThat(Math.sqrt(var)).as("logit spread").isBetween(0.2, 20.0);
        assertThat(cosine(a, b)).as("different inputs give different logits").isLessThan(0.95);
    }
}
