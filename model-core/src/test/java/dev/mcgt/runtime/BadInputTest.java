package dev.mcgt.runtime;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcgt.McgtException;
import dev.mcgt.config.GatePolicy;
import dev.mcgt.config.TransformerConfig;
import dev.mcgt.model.ModelWeights;
import dev.mcgt.model.SyntheticWeights;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

/** Invalid input, state, output and weights fail with one clear line. */
class BadInputTest {
    private final GatedTransformer micro = Fixtures.model(Fixtures.MICRO);

    private AbstractThrowableAssert<?, ? extends Throwable> infer(InferInput in) {
        return assertThatThrownBy(() -> Fixtures.run(micro, in, micro.newState())).isInstanceOf(McgtException.class);
    }

    @Test
    void badTokens() {
        infer(InferInput.of(new int[0], Fixtures.NORMAL)).hasMessage("Bad input: tokens must not be empty");
        infer(InferInput.of(null, Fixtures.NORMAL)).hasMessage("Bad input: tokens must not be empty");
        infer(InferInput.of(new int[] {1, 256}, Fixtures.NORMAL))
                .hasMessage("Bad input: token id 256 at position 1 is outside the vocabulary [0, 256)");
        infer(InferInput.of(new int[] {-1}, Fixtures.NORMAL)).hasMessageContaining("token id -1 at position 0");
        infer(InferInput.of(new int[33], Fixtures.NORMAL)).hasMessage("Bad input: too many tokens: 33 > seq_len_max 32");
        infer(InferInput.of(new int[] {1}, null)).hasMessage("Bad input: a gate packet is required");
        // Bad input is rejected on the skip path too.
        infer(InferInput.of(new int[] {999}, Fixtures.SKIP)).hasMessageContaining("outside the vocabulary");
    }

    @Test
    void badSideChannels() {
        infer(InferInput.of(new int[] {1, 2}, Fixtures.NORMAL).withTokenTypes(new int[] {0, 0}))
                .hasMessage("Bad input: token type 0 at position 0 is outside [0, 0)");
        infer(InferInput.of(new int[] {1, 2}, Fixtures.NORMAL).withTokenTypes(new int[] {0}))
                .hasMessageContaining("token types must match the tokens in length");
        infer(InferInput.of(new int[] {1, 2}, Fixtures.NORMAL).withBoundaryTokens(new int[] {2}))
                .hasMessage("Bad input: boundary token position 2 is outside the chunk [0, 2)");
        infer(InferInput.of(new int[] {1, 2}, Fixtures.NORMAL).withPartitionOf(new int[] {0}))
                .hasMessageContaining("partitionOf must have one entry per token");
    }

    @Test
    void outputTooSmallAndForeignBuffers() {
        InferInput in = InferInput.of(new int[] {1}, Fixtures.NORMAL);
        assertThatThrownBy(() -> micro.infer(in, micro.newState(), micro.newBuffers(), new InferOutput(10)))
                .hasMessage("Output buffer too small: need 256, got 10");
        assertThatThrownBy(() -> micro.infer(in, micro.newState(), new InferBuffers(TransformerConfig.baseline()),
                micro.newOutput())).hasMessageContaining("buffers were made for a model of another shape");
    }

    @Test
    void badWeightsAreRejectedAtConstruction() {
        ModelWeights w = SyntheticWeights.generate(TransformerConfig.micro(), 3);
        w.layers().get(1).wk().scales()[5] = Float.NaN;
        assertThatThrownBy(() -> new GatedTransformer(w, GatePolicy.defaults(), RuntimeOptions.defaults(), Fixtures.scalar()))
                .isInstanceOf(McgtException.class)
                .hasMessage("Bad weights: layers.1.attention.k scales holds a NaN or infinite value at index 5");
        ModelWeights mismatch = new ModelWeights(TransformerConfig.baseline(), Fixtures.MICRO.tokenEmbedding(),
                Fixtures.MICRO.positionEmbedding(), null, null, null, Fixtures.MICRO.layers(), null, null, null, null);
        assertThatThrownBy(() -> Fixtures.model(mismatch)).hasMessageStartingWith("Bad weights: ");
    }

    @Test
    void badOptionsAreRejected() {
        assertThatThrownBy(() -> Fixtures.model(Fixtures.MICRO, RuntimeOptions.defaults().withRepresentationExitThreshold(-1f)))
                .hasMessageContaining("representation exit threshold");
        assertThatThrownBy(() -> Fixtures.model(Fixtures.MICRO, RuntimeOptions.defaults().withLayerSelection(null)))
                .hasMessage("Bad configuration: layer selection must be set");
    }
}
