package dev.mcgt.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcgt.McgtException;
import dev.mcgt.config.Activation;
import dev.mcgt.config.AttentionKind;
import dev.mcgt.config.NormPlacement;
import dev.mcgt.config.TransformerConfig;
import dev.mcgt.kernel.QuantizedMatrix;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Seeded synthetic weights and {@link ModelWeights#validate()}. */
class SyntheticWeightsTest {

    /** Every byte and float of the weights, in a fixed order. */
    static byte[] bytes(ModelWeights w) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<QuantizedMatrix> ms = new ArrayList<>(List.of(w.tokenEmbedding(), w.positionEmbedding()));
        List<float[]> vs = new ArrayList<>();
        for (LayerWeights l : w.layers()) {
            ms.addAll(List.of(l.wq(), l.wk(), l.wv(), l.wo(), l.w1(), l.w2()));
            vs.addAll(List.of(l.norm1Gamma(), l.norm1Beta(), l.norm2Gamma(), l.norm2Beta()));
        }
        if (w.outputHead() != null) ms.add(w.outputHead());
        if (w.finalNormGamma() != null) vs.addAll(List.of(w.finalNormGamma(), w.finalNormBeta()));
        for (QuantizedMatrix m : ms) {
            out.writeBytes(m.weights());
            vs.add(m.scales());
            if (m.bias() != null) vs.add(m.bias());
        }
        for (float[] v : vs) {
            ByteBuffer b = ByteBuffer.allocate(4 * v.length);
            for (float f : v) b.putFloat(f);
            out.writeBytes(b.array());
        }
        return out.toByteArray();
    }

    @Test
    void sameSeedSameBytesOtherSeedOtherBytes() {
        TransformerConfig c = TransformerConfig.micro();
        byte[] a = bytes(SyntheticWeights.generate(c, 42));
        assertThat(bytes(SyntheticWeights.generate(c, 42))).isEqualTo(a);
        assertThat(bytes(SyntheticWeights.generate(c, 43))).isNotEqualTo(a);
    }

    @Test
    void layoutFollowsTheConfig() {
        ModelWeights dec = SyntheticWeights.generate(TransformerConfig.baseline(), 1);
        assertThat(dec.layers()).hasSize(4);
        assertThat(dec.outputHead().rows()).isEqualTo(1024);
        assertThat(dec.finalNormGamma()).hasSize(256);
        assertThat(dec.embeddingNormGamma()).isNull();
        assertThat(dec.typeEmbedding()).isNull();
        assertThat(dec.layers().get(0).w1().rows()).isEqualTo(1024);
        TransformerConfig bert = TransformerConfig.micro().toBuilder().attention(AttentionKind.BIDIRECTIONAL)
                .normPlacement(NormPlacement.POST).activation(Activation.GELU_ERF).typeVocabSize(2).build();
        ModelWeights enc = SyntheticWeights.generate(bert, 1);
        assertThat(enc.outputHead()).isNull();
        assertThat(enc.finalNormGamma()).isNull();
        assertThat(enc.embeddingNormGamma()).hasSize(128);
        assertThat(enc.typeEmbedding().rows()).isEqualTo(2);
    }

    @Test
    void weightsAreSpreadNotDegenerate() {
        QuantizedMatrix wq = SyntheticWeights.generate(TransformerConfig.micro(), 5).layers().get(0).wq();
        int zeros = 0;
        int extremes = 0;
        for (byte b : wq.weights()) {
            if (b == 0) zeros++;
            if (b == 127 || b == -127) extremes++;
        }
        assertThat(zeros).isLessThan(wq.weights().length / 50);
        assertThat(extremes).isPositive();
        float scale = wq.scales()[0];
        // Uniform with σ = 1/√128: absmax ≈ √3/√128 ≈ 0.153, so the scale is ≈ 0.0012.
        assertThat(scale).isBetween(0.0010f, 0.0013f);
    }

    private static ModelWeights withLayers(ModelWeights w, List<LayerWeights> layers) {
        return new ModelWeights(w.config(), w.tokenEmbedding(), w.positionEmbedding(), w.typeEmbedding(),
                w.embeddingNormGamma(), w.embeddingNormBeta(), layers, w.finalNormGamma(), w.finalNormBeta(),
                w.outputHead(), null);
    }

    @Test
    void validateNamesTheProblem() {
        ModelWeights w = SyntheticWeights.generate(TransformerConfig.micro(), 9);
        assertThat(w.validate()).isSameAs(w);
        assertThatThrownBy(() -> withLayers(w, w.layers().subList(0, 1)).validate()).isInstanceOf(McgtException.class)
                .hasMessage("Bad weights: layer count mismatch: the config has 2 layers, the weights 1");
        LayerWeights l = w.layers().get(1);
        LayerWeights badShape = new LayerWeights(l.wq(), l.wk(), l.wv(), l.wo(), l.w2(), l.w2(), l.norm1Gamma(),
                l.norm1Beta(), l.norm2Gamma(), l.norm2Beta());
        assertThatThrownBy(() -> withLayers(w, List.of(w.layers().get(0), badShape)).validate())
                .hasMessage("Bad weights: layers.1.ffn.w1 has shape 128x512, the config needs 512x128");
        LayerWeights shortNorm = new LayerWeights(l.wq(), l.wk(), l.wv(), l.wo(), l.w1(), l.w2(), new float[3],
                l.norm1Beta(), l.norm2Gamma(), l.norm2Beta());
        assertThatThrownBy(() -> withLayers(w, List.of(w.layers().get(0), shortNorm)).validate())
                .hasMessage("Bad weights: layers.1.norm1.gamma has length 3, the config needs 128");
        float[] nanGamma = l.norm2Gamma().clone();
        nanGamma[7] = Float.POSITIVE_INFINITY;
        LayerWeights infNorm = new LayerWeights(l.wq(), l.wk(), l.wv(), l.wo(), l.w1(), l.w2(), l.norm1Gamma(),
                l.norm1Beta(), nanGamma, l.norm2Beta());
        assertThatThrownBy(() -> withLayers(w, List.of(w.layers().get(0), infNorm)).validate())
                .hasMessage("Bad weights: layers.1.norm2.gamma holds a NaN or infinite value at index 7");
        ModelWeights noHead = new ModelWeights(w.config(), w.tokenEmbedding(), w.positionEmbedding(), null, null, null,
                w.layers(), w.finalNormGamma(), w.finalNormBeta(), null, null);
        assertThatThrownBy(noHead::validate).hasMessage("Bad weights: output_head is missing");
        ModelWeights halfNorm = new ModelWeights(w.config(), w.tokenEmbedding(), w.positionEmbedding(), null, null, null,
                w.layers(), w.finalNormGamma(), null, w.outputHead(), null);
        assertThatThrownBy(halfNorm::validate).hasMessage("Bad weights: final_norm needs both gamma and beta");
        ModelWeights wrongVocab = new ModelWeights(w.config(), w.positionEmbedding(), w.positionEmbedding(), null, null,
                null, w.layers(), w.finalNormGamma(), w.finalNormBeta(), w.outputHead(), null);
        assertThatThrownBy(wrongVocab::validate)
                .hasMessage("Bad weights: embeddings.token has shape 32x128, the config needs 256x128");
    }

    @Test
    void nanScalesAreRejected() {
        assertThatThrownBy(() -> new QuantizedMatrix(1, 2, new byte[2], new float[] {Float.NaN}, null))
                .isInstanceOf(McgtException.class).hasMessage("Bad weights: scale is NaN or infinite");
        ModelWeights w = SyntheticWeights.generate(TransformerConfig.micro(), 10);
        w.outputHead().scales()[3] = Float.NaN;
        assertThatThrownBy(w::validate).hasMessage("Bad weights: output_head scales holds a NaN or infinite value at index 3");
    }
}
