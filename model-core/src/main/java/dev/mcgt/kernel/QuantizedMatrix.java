package dev.mcgt.kernel;

import dev.mcgt.McgtException;

import java.util.function.Function;

/**
 * An INT8 weight matrix with one symmetric f32 scale per output row and an optional f32 bias: row j holds
 * the {@code cols} input weights of output feature j, so {@code y[j] = scale[j] · Σ_k w[j][k] · x[k] + bias[j]}.
 *
 * <p>Immutable once built. A kernel may attach a prepared copy of the weights (widened, re-laid out); call
 * {@link Kernels#prepare(QuantizedMatrix)} at model load so that the copy exists before the first forward
 * pass (otherwise the first {@code gemm} prepares it). The copy is shared by every thread; a matrix keeps one copy
 * per kernel that asked.
 */
public final class QuantizedMatrix {
    private final int rows;
    private final int cols;
    private final byte[] weights;
    private final float[] scales;
    private final float[] bias;
    /** Prepared forms, one per kernel key that asked; replaced as a whole (copy on write). */
    private volatile Prepared[] prepared = new Prepared[0];

    /**
     * @param rows    output features
     * @param cols    input features
     * @param weights row-major, rows · cols values
     * @param scales  one per row, finite
     * @param bias    one per row, or null for none
     */
    public QuantizedMatrix(int rows, int cols, byte[] weights, float[] scales, float[] bias) {
        if (rows <= 0 || cols <= 0) throw McgtException.badWeights("matrix dimensions must be positive");
        if (weights == null || weights.length != (long) rows * cols) {
            throw McgtException.badWeights("weight matrix size mismatch");
        }
        if (scales == null || scales.length != rows) throw McgtException.badWeights("scale vector size mismatch");
        if (bias != null && bias.length != rows) throw McgtException.badWeights("bias vector size mismatch");
        for (float s : scales) {
            if (!Float.isFinite(s)) throw McgtException.badWeights("scale is NaN or infinite");
        }
        if (bias != null) {
            for (float b : bias) {
                if (!Float.isFinite(b)) throw McgtException.badWeights("bias is NaN or infinite");
            }
        }
        this.rows = rows;
        this.cols = cols;
        this.weights = weights;
        this.scales = scales;
        this.bias = bias;
    }

    /**
     * Quantizes a float matrix (row-major rows × cols) per row, symmetric: scale = absmax / 127, values
     * rounded with {@link Quantization#roundToInt8}.
     */
    public static QuantizedMatrix quantize(int rows, int cols, float[] w, float[] bias) {
        byte[] q = new byte[rows * cols];
        float[] s = new float[rows];
        Quantization.quantizeRows(w, 0, rows, cols, q, 0, s, 0);
        return new QuantizedMatrix(rows, cols, q, s, bias == null ? null : bias.clone());
    }

    public int rows() { return rows; }

    public int cols() { return cols; }

    /** The raw weights (shared, do not modify). */
    public byte[] weights() { return weights; }

    /** The per-row scales (shared, do not modify). */
    public float[] scales() { return scales; }

    /** The bias (shared, do not modify), or null. */
    public float[] bias() { return bias; }

    public byte weight(int row, int col) { return weights[row * cols + col]; }

    /** Bytes of weights a full GEMM reads: the int8 matrix, scales and bias. */
    public long byteSize() { return (long) rows * cols + 4L * rows + (bias == null ? 0 : 4L * rows); }

    /**
     * The kernel-specific prepared form of these weights (widened or re-laid out), or null when the kernel
     * identified by {@code key} has not prepared this matrix yet. One volatile read; never allocates.
     */
    Object preparedFor(Object key) {
        for (Prepared p : prepared) {
            if (p.key() == key) return p.data();
        }
        return null;
    }

    /**
     * Returns the prepared form for {@code key}, computing it with {@code factory} on first use. Thread-safe; a
     * matrix keeps the form of every kernel that asked (a JVM normally runs one kernel, tests compare several).
     */
    synchronized Object prepare(Object key, Function<QuantizedMatrix, Object> factory) {
        Object data = preparedFor(key);
        if (data == null) {
            data = factory.apply(this);
            Prepared[] old = prepared;
            Prepared[] next = java.util.Arrays.copyOf(old, old.length + 1);
            next[old.length] = new Prepared(key, data);
            prepared = next;
        }
        return data;
    }

    /** A prepared copy of the weights and the kernel key it belongs to. */
    private record Prepared(Object key, Object data) { }
}
