package dev.mcgt.model.onnx;

import dev.mcgt.model.ModelWeights;
import java.util.List;

/**
 * The result of an ONNX import: the quantized native weights and an account of how they were obtained.
 *
 * @param weights            the validated native weights (INT8 per-row matrices, f32 norms and biases, tokenizer)
 * @param mappings           one entry per ONNX initializer used, in native tensor order
 * @param unusedInitializers ONNX initializers the encoder does not read (e.g. {@code embeddings.position_ids})
 * @param headsSource        how the head count was found: {@code "graph"} (the attention Reshape constants) or
 *                           {@code "default"} (no readable Reshape; the documented default for the width)
 * @param producer           the exporting tool and version recorded in the file, e.g. {@code pytorch 2.0.1}
 * @param opsetVersion       the default-domain operator set version (0 when the file records none)
 */
public record OnnxImport(ModelWeights weights, List<TensorMapping> mappings, List<String> unusedInitializers,
                         String headsSource, String producer, long opsetVersion) {
    public OnnxImport {
        mappings = List.copyOf(mappings);
        unusedInitializers = List.copyOf(unusedInitializers);
    }
}
