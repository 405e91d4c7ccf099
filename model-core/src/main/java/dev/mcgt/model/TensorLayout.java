package dev.mcgt.model;

import dev.mcgt.McgtException;
import dev.mcgt.config.TransformerConfig;
import dev.mcgt.kernel.QuantizedMatrix;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The mapping between {@link ModelWeights} and the named tensors of the native file, in one canonical order
 * (so writing is deterministic), and the shape every name must have for a given config.
 *
 * <p>Names: {@code embeddings.token|position|type}, {@code embeddings.norm.gamma|beta},
 * {@code layers.N.attention.q|k|v|o}, {@code layers.N.ffn.w1|w2}, {@code layers.N.norm1|norm2.gamma|beta},
 * {@code final_norm.gamma|beta}, {@code output_head}. Optional tensors are simply absent.
 */
final class TensorLayout {
    private TensorLayout() { }

    /** The tensors of a model in canonical file order. */
    static List<NamedTensor> flatten(ModelWeights w) {
        List<NamedTensor> out = new ArrayList<>();
        addMatrix(out, "embeddings.token", w.tokenEmbedding());
        addMatrix(out, "embeddings.position", w.positionEmbedding());
        addMatrix(out, "embeddings.type", w.typeEmbedding());
        addVector(out, "embeddings.norm.gamma", w.embeddingNormGamma());
        addVector(out, "embeddings.norm.beta", w.embeddingNormBeta());
        List<LayerWeights> layers = w.layers() == null ? List.of() : w.layers();
        for (int i = 0; i < layers.size(); i++) {
            LayerWeights l = layers.get(i);
            if (l == null) throw McgtException.badWeights("layer " + i + " is missing");
            String p = "layers." + i + ".";
            addMatrix(out, p + "attention.q", l.wq());
            addMatrix(out, p + "attention.k", l.wk());
            addMatrix(out, p + "attention.v", l.wv());
            addMatrix(out, p + "attention.o", l.wo());
            addMatrix(out, p + "ffn.w1", l.w1());
            addMatrix(out, p + "ffn.w2", l.w2());
            addVector(out, p + "norm1.gamma", l.norm1Gamma());
            addVector(out, p + "norm1.beta", l.norm1Beta());
            addVector(out, p + "norm2.gamma", l.norm2Gamma());
            addVector(out, p + "norm2.beta", l.norm2Beta());
        }
        addVector(out, "final_norm.gamma", w.finalNormGamma());
        addVector(out, "final_norm.beta", w.finalNormBeta());
        addMatrix(out, "output_head", w.outputHead());
        return out;
    }

    private static void addMatrix(List<NamedTensor> out, String name, QuantizedMatrix m) {
        if (m != null) out.add(NamedTensor.matrix(name, m));
    }

    private static void addVector(List<NamedTensor> out, String name, float[] v) {
        if (v != null) out.add(NamedTensor.vector(name, v));
    }

    /**
     * Builds the weights from the tensors read from a file, checking that every name is known, present when
     * required and of the right shape for the config.
     */
    static ModelWeights assemble(TransformerConfig c, List<NamedTensor> tensors, String tokenizerJson) {
        Map<String, NamedTensor> byName = new HashMap<>();
        for (NamedTensor t : tensors) {
            if (byName.put(t.name(), t) != null) throw McgtException.badWeights("duplicate tensor '" + t.name() + "'");
        }
        Taker take = new Taker(byName);
        int d = c.hidden();
        QuantizedMatrix tok = take.matrix("embeddings.token", c.vocabSize(), d, true);
        QuantizedMatrix pos = take.matrix("embeddings.position", c.maxPositions(), d, true);
        QuantizedMatrix type = take.matrix("embeddings.type", c.typeVocabSize(), d, c.typeVocabSize() > 0);
        float[] embG = take.vector("embeddings.norm.gamma", d, false);
        float[] embB = take.vector("embeddings.norm.beta", d, embG != null);
        List<LayerWeights> layers = new ArrayList<>(c.layers());
        for (int i = 0; i < c.layers(); i++) {
            String p = "layers." + i + ".";
            layers.add(new LayerWeights(
                    take.matrix(p + "attention.q", d, d, true), take.matrix(p + "attention.k", d, d, true),
                    take.matrix(p + "attention.v", d, d, true), take.matrix(p + "attention.o", d, d, true),
                    take.matrix(p + "ffn.w1", c.ffnIntermediate(), d, true),
                    take.matrix(p + "ffn.w2", d, c.ffnIntermediate(), true),
                    take.vector(p + "norm1.gamma", d, true), take.vector(p + "norm1.beta", d, true),
                    take.vector(p + "norm2.gamma", d, true), take.vector(p + "norm2.beta", d, true)));
        }
        float[] finG = take.vector("final_norm.gamma", d, false);
        float[] finB = take.vector("final_norm.beta", d, finG != null);
        QuantizedMatrix head = take.matrix("output_head", c.logits(), d, !c.isEncoder());
        if (embB != null && embG == null) throw McgtException.badWeights("tensor 'embeddings.norm.gamma' is missing");
        if (finB != null && finG == null) throw McgtException.badWeights("tensor 'final_norm.gamma' is missing");
        if (!byName.isEmpty()) {
            String first = byName.keySet().stream().sorted().findFirst().orElseThrow();
            throw McgtException.badWeights("unexpected tensor '" + first + "' (model has " + c.layers() + " layers)");
        }
        return new ModelWeights(c, tok, pos, type, embG, embB, layers, finG, finB, head, tokenizerJson);
    }

    /** Removes tensors by name from the map while checking kind and shape. */
    private record Taker(Map<String, NamedTensor> byName) {

        QuantizedMatrix matrix(String name, int rows, int cols, boolean required) {
            NamedTensor t = byName.remove(name);
            if (t == null) {
                if (required) throw McgtException.badWeights("tensor '" + name + "' is missing");
                return null;
            }
            if (!t.isMatrix()) throw McgtException.badWeights("tensor '" + name + "' must be an int8 matrix");
            QuantizedMatrix m = t.matrix();
            if (m.rows() != rows || m.cols() != cols) {
                throw McgtException.badWeights("tensor '" + name + "' has shape " + m.rows() + "x" + m.cols()
                        + ", the config needs " + rows + "x" + cols);
            }
            return m;
        }

        float[] vector(String name, int len, boolean required) {
            NamedTensor t = byName.remove(name);
            if (t == null) {
                if (required) throw McgtException.badWeights("tensor '" + name + "' is missing");
                return null;
            }
            if (t.isMatrix()) throw McgtException.badWeights("tensor '" + name + "' must be an f32 vector");
            if (t.vector().length != len) {
                throw McgtException.badWeights("tensor '" + name + "' has length " + t.vector().length
                        + ", the config needs " + len);
            }
            return t.vector();
        }
    }
}
