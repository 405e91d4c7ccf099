package dev.mcgt.model.onnx;

import java.util.List;

/**
 * Where one ONNX initializer went in the native model.
 *
 * @param onnxName   the initializer's name in the ONNX graph (e.g. {@code onnx::MatMul_787})
 * @param target     the native tensor it fills (e.g. {@code layers.0.attention.q}, {@code layers.0.attention.q.bias})
 * @param onnxShape  its ONNX dimensions
 * @param transposed true for MatMul weights, stored [in, out] in ONNX and [out, in] (one row per output) natively
 */
public record TensorMapping(String onnxName, String target, List<Long> onnxShape, boolean transposed) {
    public TensorMapping {
        onnxShape = List.copyOf(onnxShape);
    }
}
