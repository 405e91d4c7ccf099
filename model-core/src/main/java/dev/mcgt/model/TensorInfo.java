package dev.mcgt.model;

import java.util.List;

/**
 * One tensor of a native model file as {@code mcgt model info} reports it.
 *
 * @param name    stable tensor name, e.g. {@code layers.0.attention.q}
 * @param type    {@code int8} (a quantized matrix with f32 row scales) or {@code f32} (a vector)
 * @param shape   [rows, cols] for a matrix, [length] for a vector
 * @param hasBias whether a matrix carries an f32 bias (always false for vectors)
 * @param bytes   payload bytes of the tensor in the file (weights, scales and bias; no header)
 */
public record TensorInfo(String name, String type, List<Integer> shape, boolean hasBias, long bytes) {

    /** Defensive copy of the shape. */
    public TensorInfo {
        shape = List.copyOf(shape);
    }
}
