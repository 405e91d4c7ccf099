package dev.mcgt.model;

import dev.mcgt.McgtException;
import dev.mcgt.config.Pooling;
import dev.mcgt.config.TransformerConfig;
import dev.mcgt.kernel.QuantizedMatrix;
import java.util.List;

/**
 * Everything a forward pass reads, immutable and shared by all threads and streams: the config, INT8
 * embeddings (one scale per row), the blocks, the final norm (PRE models), the output head (decoders), and
 * the tokenizer definition of imported models.
 *
 * @param config             shape of the model
 * @param tokenEmbedding     vocabSize × hidden
 * @param positionEmbedding  maxPositions × hidden
 * @param typeEmbedding      typeVocabSize × hidden, or null
 * @param embeddingNormGamma LayerNorm after the embedding sum (BERT), or null
 * @param embeddingNormBeta  its beta, or null
 * @param layers             config.layers blocks
 * @param finalNormGamma     final LayerNorm (PRE models), or null
 * @param finalNormBeta      its beta, or null
 * @param outputHead         logits × hidden (decoders), or null (encoders output the pooled embedding)
 * @param tokenizerJson      the Hugging Face tokenizer.json of an imported model, or null
 * @param pooling            how an encoder pools its output ({@link Pooling#DEFAULT} for decoders and old files)
 */
public record ModelWeights(TransformerConfig config, QuantizedMatrix tokenEmbedding,
                           QuantizedMatrix positionEmbedding, QuantizedMatrix typeEmbedding,
                           float[] embeddingNormGamma, float[] embeddingNormBeta, List<LayerWeights> layers,
                           float[] finalNormGamma, float[] finalNormBeta, QuantizedMatrix outputHead,
                           String tokenizerJson, Pooling pooling) {

    /** Null pooling means {@link Pooling#DEFAULT}. */
    public ModelWeights {
        if (pooling == null) pooling = Pooling.DEFAULT;
    }

    /** Weights with the default pooling (mean, L2-normalised). */
    public ModelWeights(TransformerConfig config, QuantizedMatrix tokenEmbedding, QuantizedMatrix positionEmbedding,
                        QuantizedMatrix typeEmbedding, float[] embeddingNormGamma, float[] embeddingNormBeta,
                        List<LayerWeights> layers, float[] finalNormGamma, float[] finalNormBeta,
                        QuantizedMatrix outputHead, String tokenizerJson) {
        this(config, tokenEmbedding, positionEmbedding, typeEmbedding, embeddingNormGamma, embeddingNormBeta, layers,
                finalNormGamma, finalNormBeta, outputHead, tokenizerJson, Pooling.DEFAULT);
    }

    /** The same weights with another pooling. */
    public ModelWeights withPooling(Pooling p) {
        return new ModelWeights(config, tokenEmbedding, positionEmbedding, typeEmbedding, embeddingNormGamma,
                embeddingNormBeta, layers, finalNormGamma, finalNormBeta, outputHead, tokenizerJson, p);
    }

    /**
     * Checks everything a forward pass relies on, first failure wins, each with one clear BAD_WEIGHTS line:
     * the config; the layer count; every matrix's shape against the config (token vocabSize×hidden, position
     * maxPositions×hidden, type typeVocabSize×hidden or absent, Q/K/V/O hidden×hidden, W1 ffn×hidden, W2
     * hidden×ffn, head logits×hidden, required for decoders); every norm vector's length (pairs present
     * together); no NaN or infinite scale, bias or norm value.
     *
     * @return these weights
     * @throws McgtException BAD_WEIGHTS (or BAD_CONFIG for an invalid config)
     */
    public ModelWeights validate() {
        if (config == null) throw McgtException.badWeights("the weights carry no config");
        config.validate();
        int d = config.hidden();
        int f = config.ffnIntermediate();
        checkMatrix("embeddings.token", tokenEmbedding, config.vocabSize(), d, true);
        checkMatrix("embeddings.position", positionEmbedding, config.maxPositions(), d, true);
        if (config.typeVocabSize() > 0) {
            checkMatrix("embeddings.type", typeEmbedding, config.typeVocabSize(), d, true);
        } else if (typeEmbedding != null) {
            throw McgtException.badWeights("embeddings.type is present but the config has no token types");
        }
        checkNormPair("embeddings.norm", embeddingNormGamma, embeddingNormBeta, d, false);
        if (layers == null || layers.size() != config.layers()) {
            throw McgtException.badWeights("layer count mismatch: the config has " + config.layers() + " layers, the weights "
                    + (layers == null ? 0 : layers.size()));
        }
        for (int i = 0; i < layers.size(); i++) {
            LayerWeights l = layers.get(i);
            String p = "layers." + i + ".";
            if (l == null) throw McgtException.badWeights(p.substring(0, p.length() - 1) + " is missing");
            checkMatrix(p + "attention.q", l.wq(), d, d, true);
            checkMatrix(p + "attention.k", l.wk(), d, d, true);
            checkMatrix(p + "attention.v", l.wv(), d, d, true);
            checkMatrix(p + "attention.o", l.wo(), d, d, true);
            checkMatrix(p + "ffn.w1", l.w1(), f, d, true);
            checkMatrix(p + "ffn.w2", l.w2(), d, f, true);
            checkNormPair(p + "norm1", l.norm1Gamma(), l.norm1Beta(), d, true);
            checkNormPair(p + "norm2", l.norm2Gamma(), l.norm2Beta(), d, true);
        }
        checkNormPair("final_norm", finalNormGamma, finalNormBeta, d, false);
        checkMatrix("output_head", outputHead, config.logits(), d, !config.isEncoder());
        return this;
    }

    private static void checkMatrix(String name, QuantizedMatrix m, int rows, int cols, boolean required) {
        if (m == null) {
            if (required) throw McgtException.badWeights(name + " is missing");
            return;
        }
        if (m.rows() != rows || m.cols() != cols) {
            throw McgtException.badWeights(name + " has shape " + m.rows() + "x" + m.cols() + ", the config needs "
                    + rows + "x" + cols);
        }
        if (m.weights().length != rows * cols) throw McgtException.badWeights(name + " holds the wrong number of weights");
        checkFinite(name + " scales", m.scales());
        if (m.bias() != null) checkFinite(name + " bias", m.bias());
    }

    private static void checkNormPair(String name, float[] gamma, float[] beta, int d, boolean required) {
        if (gamma == null && beta == null) {
            if (required) throw McgtException.badWeights(name + " is missing");
            return;
        }
        if (gamma == null || beta == null) {
            throw McgtException.badWeights(name + " needs both gamma and beta");
        }
        if (gamma.length != d) throw McgtException.badWeights(name + ".gamma has length " + gamma.length + ", the config needs " + d);
        if (beta.length != d) throw McgtException.badWeights(name + ".beta has length " + beta.length + ", the config needs " + d);
        checkFinite(name + ".gamma", gamma);
        checkFinite(name + ".beta", beta);
    }

    private static void checkFinite(String name, float[] v) {
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) throw McgtException.badWeights(name + " holds a NaN or infinite value at index " + i);
        }
    }
}
