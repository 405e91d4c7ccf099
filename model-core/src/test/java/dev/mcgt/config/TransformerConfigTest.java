package dev.mcgt.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcgt.McgtException;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class TransformerConfigTest {

    @Test
    void presetsMatchTheReference() {
        TransformerConfig m = TransformerConfig.micro();
        assertThat(new int[] {m.seqLenMax(), m.hidden(), m.heads(), m.layers(), m.windowNormal(), m.windowDegraded(),
                m.ffnMult(), m.logits(), m.layersDegraded(), m.seqLenDegraded(), m.seqLenSafe()})
                .containsExactly(32, 128, 4, 2, 8, 4, 4, 256, 1, 16, 4);
        TransformerConfig b = TransformerConfig.baseline();
        assertThat(new int[] {b.seqLenMax(), b.hidden(), b.heads(), b.layers(), b.windowNormal(), b.windowDegraded(),
                b.ffnMult(), b.logits(), b.layersDegraded(), b.seqLenDegraded(), b.seqLenSafe()})
                .containsExactly(64, 256, 4, 4, 16, 8, 4, 1024, 2, 32, 8);
        assertThat(m.headDim()).isEqualTo(32);
        assertThat(b.headDim()).isEqualTo(64);
        assertThat(m.ffnIntermediate()).isEqualTo(512);
        assertThat(b.ffnIntermediate()).isEqualTo(1024);
        assertThat(m.kvCacheBytes()).isEqualTo(16384);
        assertThat(b.kvCacheBytes()).isEqualTo(131072);
        assertThat(m.totalBufferBytes()).isEqualTo(22560);
        assertThat(b.totalBufferBytes()).isEqualTo(153664);
        assertThat(m.layersSafe()).isEqualTo(1);
        assertThat(m.windowSafe()).isEqualTo(4);
        assertThat(TransformerConfig.preset("micro")).isEqualTo(m);
    }

    private static void rejects(UnaryOperator<TransformerConfig.Builder> change, String message) {
        TransformerConfig c = change.apply(TransformerConfig.baseline().toBuilder()).buildUnchecked();
        assertThatThrownBy(c::validate).isInstanceOf(McgtException.class)
                .hasMessage("Bad configuration: " + message)
                .satisfies(e -> assertThat(((McgtException) e).isConfigError()).isTrue());
    }

    @Test
    void referenceValidationOrderAndMessages() {
        rejects(b -> b.hidden(0), "hidden dimension must be positive");
        rejects(b -> b.heads(0), "head count must be positive");
        rejects(b -> b.heads(3), "hidden must be divisible by heads");
        rejects(b -> b.layers(0), "layer count must be positive");
        rejects(b -> b.seqLenMax(0), "sequence length must be positive");
        rejects(b -> b.windowNormal(0), "window size must be positive");
        rejects(b -> b.windowNormal(65), "window cannot exceed sequence length");
        rejects(b -> b.windowDegraded(17), "degraded window cannot exceed normal window");
        rejects(b -> b.layersDegraded(5), "degraded layers cannot exceed total layers");
        rejects(b -> b.seqLenDegraded(65), "degraded seq_len cannot exceed max");
        rejects(b -> b.seqLenSafe(33), "safe seq_len cannot exceed degraded");
        // First failure wins.
        rejects(b -> b.hidden(0).heads(0), "hidden dimension must be positive");
    }

    @Test
    void ourRulesForRealWeights() {
        rejects(b -> b.vocabSize(0), "vocabulary size must be positive");
        rejects(b -> b.layersSafe(0), "safe layers must be in 1..4, got 0");
        rejects(b -> b.windowSafe(100), "safe window must be in 1..64, got 100");
        rejects(b -> b.maxPositions(10), "max positions (10) cannot be below seq_len_max (64)");
        rejects(b -> b.layerNormEps(Float.NaN), "layer norm epsilon must be a positive number");
        rejects(b -> b.ffnMult(0), "ffn multiplier must be positive");
    }

    @Test
    void unknownPresetIsAClearError() {
        assertThatThrownBy(() -> TransformerConfig.preset("huge"))
                .hasMessage("Bad configuration: unknown preset 'huge' (expected micro or baseline)");
    }

    @Test
    void policyValidation() {
        assertThat(GatePolicy.defaults().validate()).isEqualTo(GatePolicy.preset("default"));
        assertThat(GatePolicy.conservative().lambdaMin()).isEqualTo(50);
        assertThat(GatePolicy.permissive().partitionsMax()).isEqualTo(20);
        GatePolicy d = GatePolicy.defaults();
        assertThatThrownBy(() -> new GatePolicy(30, 32768, 20, 20480, 10, 16384, 2048, true, false).validate())
                .hasMessage("Bad configuration: drop_ratio_q15_max exceeds Q15 range");
        assertThatThrownBy(() -> new GatePolicy(30, 12288, 20, 40000, 10, 16384, 2048, true, false).validate())
                .hasMessage("Bad configuration: boundary_concentration_q15_max exceeds Q15 range");
        assertThatThrownBy(() -> new GatePolicy(30, 12288, 20, 20480, 10, 40000, 2048, true, false).validate())
                .hasMessage("Bad configuration: spike_rate_q15_max exceeds Q15 range");
        assertThatThrownBy(() -> new GatePolicy(30, 12288, 20, 20480, 10, 16384, 40000, true, false).validate())
                .hasMessage("Bad configuration: spike_novelty_q15_min exceeds Q15 range");
        assertThat(d.allowKvWriteWhenUnstable()).isTrue();
        assertThatThrownBy(() -> GatePolicy.preset("lenient")).hasMessageContaining("unknown policy 'lenient'");
    }
}
