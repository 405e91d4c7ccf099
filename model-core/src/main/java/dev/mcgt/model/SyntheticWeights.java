package dev.mcgt.model;

import dev.mcgt.config.NormPlacement;
import dev.mcgt.config.TransformerConfig;
import dev.mcgt.kernel.QuantizedMatrix;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded random weights for any config, for tests, benchmarks and the synthetic presets (micro, baseline). Every
 * value comes from one {@link SplittableRandom} in a fixed order, so the same config and seed give identical
 * bytes on every JVM.
 *
 * <p>Values are uniform with a chosen standard deviation σ (range ±σ√3), then quantized per row. The init
 * keeps activations healthy through the blocks: token embeddings σ 1 and position embeddings σ 0.3 (the token
 * dominates, so outputs vary with the input); Q, K, V, W1 and the head σ 1/√fanIn (attention logits of order 1,
 * logits of order 1 after the final norm); O and W2 additionally scaled by 1/√(2L) (GPT-2's residual scaling);
 * small biases (±0.02); norm gains 1 ± 0.1 and shifts ±0.05. Layout follows the config: an embedding norm for
 * POST models (BERT), a final norm for PRE models, type embeddings when typeVocabSize > 0, an output head for
 * decoders.
 */
public final class SyntheticWeights {
    private static final double SQRT3 = Math.sqrt(3.0);
    private static final double BIAS_RANGE = 0.02;

    private SyntheticWeights() { }

    /** Deterministic weights for {@code cfg} (validated first). */
    public static ModelWeights generate(TransformerConfig cfg, long seed) {
        cfg.validate();
        SplittableRandom rnd = new SplittableRandom(seed);
        int d = cfg.hidden();
        int f = cfg.ffnIntermediate();
        double residualScale = 1.0 / Math.sqrt(2.0 * cfg.layers());
        QuantizedMatrix tok = matrix(rnd, cfg.vocabSize(), d, 1.0, false);
        QuantizedMatrix pos = matrix(rnd, cfg.maxPositions(), d, 0.3, false);
        QuantizedMatrix type = cfg.typeVocabSize() > 0 ? matrix(rnd, cfg.typeVocabSize(), d, 0.3, false) : null;
        boolean post = cfg.normPlacement() == NormPlacement.POST;
        float[] embG = post ? gains(rnd, d) : null;
        float[] embB = post ? shifts(rnd, d) : null;
        List<LayerWeights> layers = new ArrayList<>(cfg.layers());
        double inD = 1.0 / Math.sqrt(d);
        double inF = 1.0 / Math.sqrt(f);
        for (int l = 0; l < cfg.layers(); l++) {
            QuantizedMatrix wq = matrix(rnd, d, d, inD, true);
            QuantizedMatrix wk = matrix(rnd, d, d, inD, true);
            QuantizedMatrix wv = matrix(rnd, d, d, inD, true);
            QuantizedMatrix wo = matrix(rnd, d, d, inD * residualScale, true);
            QuantizedMatrix w1 = matrix(rnd, f, d, inD, true);
            QuantizedMatrix w2 = matrix(rnd, d, f, inF * residualScale, true);
            layers.add(new LayerWeights(wq, wk, wv, wo, w1, w2, gains(rnd, d), shifts(rnd, d), gains(rnd, d),
                    shifts(rnd, d)));
        }
        float[] finG = post ? null : gains(rnd, d);
        float[] finB = post ? null : shifts(rnd, d);
        QuantizedMatrix head = cfg.isEncoder() ? null : matrix(rnd, cfg.logits(), d, inD, true);
        return new ModelWeights(cfg, tok, pos, type, embG, embB, List.copyOf(layers), finG, finB, head, null)
                .validate();
    }

    private static QuantizedMatrix matrix(SplittableRandom rnd, int rows, int cols, double sigma, boolean bias) {
        float[] w = new float[rows * cols];
        double a = sigma * SQRT3;
        for (int i = 0; i < w.length; i++) w[i] = (float) ((rnd.nextDouble() * 2.0 - 1.0) * a);
        float[] b = null;
        if (bias) {
            b = new float[rows];
            for (int i = 0; i < rows; i++) b[i] = (float) ((rnd.nextDouble() * 2.0 - 1.0) * BIAS_RANGE);
        }
        return QuantizedMatrix.quantize(rows, cols, w, b);
    }

    private static float[] gains(SplittableRandom rnd, int d) {
        float[] g = new float[d];
        for (int i = 0; i < d; i++) g[i] = (float) (1.0 + (rnd.nextDouble() * 2.0 - 1.0) * 0.1);
        return g;
    }

    private static float[] shifts(SplittableRandom rnd, int d) {
        float[] b = new float[d];
        for (int i = 0; i < d; i++) b[i] = (float) ((rnd.nextDouble() * 2.0 - 1.0) * 0.05);
        return b;
    }
}
