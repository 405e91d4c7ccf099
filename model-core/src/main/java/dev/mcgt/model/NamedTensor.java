package dev.mcgt.model;

import dev.mcgt.kernel.QuantizedMatrix;
import java.util.List;

/**
 * One tensor of the native file with its name: either a quantized matrix or an f32 vector (exactly one is
 * non-null).
 */
record NamedTensor(String name, QuantizedMatrix matrix, float[] vector) {

    static NamedTensor matrix(String name, QuantizedMatrix m) {
        return new NamedTensor(name, m, null);
    }

    static NamedTensor vector(String name, float[] v) {
        return new NamedTensor(name, null, v);
    }

    boolean isMatrix() { return matrix != null; }

    /** Payload bytes in the file: int8 weights + f32 scales (+ f32 bias), or the f32 values. */
    long payloadBytes() {
        if (matrix == null) return 4L * vector.length;
        long rows = matrix.rows();
        return rows * matrix.cols() + 4L * rows + (matrix.bias() == null ? 0 : 4L * rows);
    }

    TensorInfo info() {
        if (matrix == null) {
            return new TensorInfo(name, "f32", List.of(vector.length), false, payloadBytes());
        }
        return new TensorInfo(name, "int8", List.of(matrix.rows(), matrix.cols()), matrix.bias() != null,
                payloadBytes());
    }
}
