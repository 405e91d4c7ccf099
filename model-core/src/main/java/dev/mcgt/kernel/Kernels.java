package dev.mcgt.kernel;

import dev.mcgt.config.Activation;

/**
 * The compute primitives of the forward pass. Two implementations exist, {@code ScalarKernels} and the
 * Vector API one; {@link KernelProvider} picks one at start-up. Every method is specified down to the order
 * of floating-point operations, and both implementations must give bit-identical results for all inputs.
 *
 * <p>Integer work (int8 products, int32 sums) is exact in any order. Float reductions use the canonical
 * order of {@link #sum}: eight interleaved partial sums (lane l takes elements i ≡ l mod 8, in increasing
 * i), combined as ((l0+l1)+(l2+l3))+((l4+l5)+(l6+l7)).
 *
 * <p>Implementations are stateless and thread-safe; methods never allocate after a matrix was prepared (the
 * vector kernel's per-thread scratch grows only on a thread's first calls with larger shapes). {@link ScalarKernels}
 * is the whole reference; every implementation checks its arguments with the same checks before it touches an
 * array. docs/NATIVE-KERNELS.md describes the implementations and how they are chosen.
 */
public interface Kernels {

    /** Short name for logs and reports ({@code scalar} or {@code vector-256} and similar). */
    String name();

    /**
     * Builds this kernel's prepared copy of {@code w} (the vector kernel widens the weights to f32 in a panel
     * layout: 4 bytes per weight) if it needs one. Call it once per matrix at model load: {@link #gemm} prepares
     * lazily on first use otherwise, which allocates. Thread-safe; a no-op for kernels that read the raw int8
     * weights (the scalar kernel).
     */
    default void prepare(QuantizedMatrix w) { }

    /**
     * Quantized linear layer on {@code m} activation rows: for row i and output j,
     * {@code acc = Σ_k a[aOff + i·K + k] · W[j][k]} (exact int32), then
     * {@code out[outOff + i·N + j] = (float) acc * (aScales[sOff + i] * W.scale[j]) + W.bias[j]} (bias term
     * omitted when W has none), with K = W.cols and N = W.rows.
     */
    void gemm(int m, byte[] a, int aOff, float[] aScales, int sOff, QuantizedMatrix w, float[] out, int outOff);

    /**
     * Raw int8 matrix product with strides: {@code out[oOff + i·ldo + j] = Σ_k a[aOff + i·lda + k] · b[bOff + j·ldb + k]}
     * for i < m, j < n, k < kLen. Used for attention scores (Q·Kᵀ) and as the exact core of {@link #gemm}.
     */
    void gemmI32(int m, int n, int kLen, byte[] a, int aOff, int lda, byte[] b, int bOff, int ldb,
                 int[] out, int oOff, int ldo);

    /**
     * Per-row symmetric quantization exactly as {@link Quantization#quantizeRows}: scale = absmax/127 (1.0 for
     * a zero row), q = roundToInt8(x · (127f / absmax)).
     */
    void quantizeRows(float[] x, int xOff, int rows, int cols, byte[] q, int qOff, float[] scales, int sOff);

    /** Canonical-order sum of {@code len} floats (see the class comment). */
    float sum(float[] x, int off, int len);

    /**
     * LayerNorm of one row in place is allowed ({@code out == x}): mean = sum(x)/n; var = sum((x−mean)²)/n;
     * inv = 1/sqrt(var + eps) (f32 sqrt); out = (gamma·(x − mean))·inv + beta, each step an f32 operation.
     */
    void layerNorm(float[] x, int xOff, int n, float[] gamma, float[] beta, float eps, float[] out, int outOff);

    /**
     * GELU in place on {@code len} values, tanh or erf form, computed only from f32 +, −, ×, ÷ and the shared
     * polynomial exp of this package (no Math.tanh / Math.exp), so a vector lane can do exactly the same.
     */
    void gelu(float[] x, int off, int len, Activation kind);

    /** Softmax in place: subtract the max, the shared polynomial exp, then multiply by 1/(canonical sum). */
    void softmax(float[] x, int off, int len);

    /** y[yOff + d] += alpha · v[vOff + d] for d < len (f32 multiply, then f32 add, no fused multiply-add). */
    void addScaledInt8(float alpha, byte[] v, int vOff, float[] y, int yOff, int len);

    /**
     * Weighted sum of rows: for i = 0..n−1 in order, with {@code row = vOff + rows[rOff + i] · ldv},
     * {@code y[yOff + d] = y[yOff + d] + alpha[aOff + i] · v[row + d]} for d &lt; len (f32 multiply, then f32
     * add, no fused multiply-add). With v holding int8 values widened to f32 this is {@link #addScaledInt8}
     * applied n times; attention uses it for P·V.
     */
    void addScaledRows(int n, float[] alpha, int aOff, int[] rows, int rOff, float[] v, int vOff, int ldv,
                               float[] y, int yOff, int len);

    /**
     * Float dot products of rows (token similarity graphs): {@code out[oOff + i·ldo + j] = dot(a row i, b row j)}
     * for i &lt; m, j &lt; n, rows of {@code len} values at {@code aOff + i·lda} and {@code bOff + j·ldb}. Each dot
     * product is computed in a fixed order: eight f32 partial sums, lane l taking the products of k ≡ l (mod 8)
     * for k &lt; len − len mod 8 in increasing k (f32 multiply, then f32 add, no fused multiply-add); the last
     * len mod 8 products are added to lane 0 in increasing k; the lanes are combined with
     * {@link FloatMath#combine8}.
     */
    void dotsF32(int m, int n, int len, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                         float[] out, int oOff, int ldo);

    /**
     * One step of a maximum-adjacency ordering (Stoer–Wagner min cut): {@code key[u] = key[u] + w[wOff + u]} for
     * u &lt; m (f64 adds), then the slot a strict scan in slot order picks: the first u whose key is greater than
     * every key before it and not less than any key after it, i.e. the first maximal key (NaN is never picked;
     * +0.0 and −0.0 compare equal). Returns −1 when no key is greater than −∞.
     */
    int addAndArgMax(double[] key, double[] w, int wOff, int m);

    /**
     * The global minimum cut of a dense graph (Stoer–Wagner), one call per cut: the steps of the reference
     * {@code StoerWagner} (its class comment gives them down to the order of every f64 add; the key updates are
     * {@link #addAndArgMax} steps). {@code g} is the working matrix, row-major {@code n × n} (row length n), symmetric
     * with a zero diagonal, finite non-negative weights; it is overwritten. {@code key} and {@code owner} are scratch
     * of at least n values; {@code side[v]} (v &lt; n) is set to whether input vertex v ends on the side of the
     * lightest phase's last vertex. Returns the cut weight (0 when n &lt; 2, with every side false). The default
     * runs the reference.
     */
    default double minCut(double[] g, int n, double[] key, int[] owner, boolean[] side) {
        KernelChecks.checkMinCut(g, n, key, owner, side);
        return StoerWagner.reference(g, n, key, owner, side);
    }

    /** y[yOff + d] += x[xOff + d] for d < len. */
    void add(float[] x, int xOff, float[] y, int yOff, int len);

    /**
     * {@link #layerNorm} on {@code rows} consecutive rows of {@code n} values: row r reads {@code x[xOff + r·n ..]}
     * and writes {@code out[outOff + r·n ..]} ({@code out == x} with the same offset is allowed).
     */
    void layerNormRows(float[] x, int xOff, int rows, int n, float[] gamma, float[] beta, float eps,
                               float[] out, int outOff);

    /**
     * Multi-head attention of one block of {@code qb} queries over the keys each of them sees, for every head
     * (see {@link AttentionBlock} for the operands). For query r and head h, with keys j = its visible keys in
     * list order and their count n:
     * <ol>
     *   <li>{@code s_j = Σ_t q[r][h][t] · k[j][h][t]} (exact int32);</li>
     *   <li>{@code p_j = ((float) s_j · (qScale[r][h] · keyScale[j][h])) · scoreScale}, then, when the block has a
     *       key bias, {@code p_j = p_j + keyBias[j]};</li>
     *   <li>{@link #softmax} of p over the n keys, then {@code p_j = p_j · valueScale[j][h]};</li>
     *   <li>{@code out[r][h][t] = y} where y starts at 0f and, for the keys in list order, {@code y = y + p_j ·
     *       (float) v[j][h][t]} (f32 multiply, then f32 add).</li>
     * </ol>
     * A query that sees no key gets zeros. Every head's output slice of the block's rows is overwritten.
     */
    void attendBlock(AttentionBlock at);
}
