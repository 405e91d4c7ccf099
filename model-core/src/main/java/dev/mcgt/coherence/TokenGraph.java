package dev.mcgt.coherence;

import dev.mcgt.McgtException;
import dev.mcgt.kernel.KernelProvider;
import dev.mcgt.kernel.Kernels;
import dev.mcgt.kernel.QuantizedMatrix;
import dev.mcgt.model.ModelWeights;

/**
 * The weighted token graph of one chunk: a dense symmetric {@code n × n} matrix (row-major, row length
 * {@code n}, zero diagonal) whose entry (i, j) is {@code max(0, cosine(v_i, v_j))} of the token vectors.
 * A zero vector has similarity 0 with everything.
 *
 * <p>Sparsification: with {@code topK > 0} each token keeps only the edges to its {@code topK} most
 * similar tokens (ties to the lower index) and the graph keeps an edge when either end kept it, so the
 * result stays symmetric. The default used by {@link CoherenceProbeConfig} is {@code 0}: dense, every
 * positive similarity is an edge.
 *
 * <p>A workspace sized once for up to {@code maxTokens} tokens; building a graph allocates nothing. Not
 * thread-safe. Arithmetic order is fixed (eight float partial sums per dot product, combined pairwise: the
 * order of {@link Kernels#dotsF32}, which computes the dot products of {@link #build(float[], int, int, int)}),
 * so the same vectors give bit-identical weights on every machine and with either kernel.
 */
public final class TokenGraph {
    /** {@code topK} value meaning "keep every edge". */
    public static final int DENSE = 0;
    /** Rows of the graph per {@link Kernels#dotsF32} call. */
    private static final int BLOCK = 8;

    private final int maxTokens;
    private final double[] weights;
    private final double[] invNorm;
    private final boolean[] keep;
    private final float[] dots;
    private final Kernels kernels;
    private int n;

    /** A workspace for chunks of up to {@code maxTokens} tokens (1..4096), on the default kernel. */
    public TokenGraph(int maxTokens) {
        this(maxTokens, KernelProvider.get());
    }

    /** A workspace for chunks of up to {@code maxTokens} tokens (1..4096) whose dot products run on {@code kernels}. */
    public TokenGraph(int maxTokens, Kernels kernels) {
        if (kernels == null) throw McgtException.badConfig("kernels are missing");
        this.kernels = kernels;
        if (maxTokens < 1 || maxTokens > 4096) {
            throw McgtException.badConfig("token graph size must be in 1..4096, got " + maxTokens);
        }
        this.maxTokens = maxTokens;
        this.weights = new double[maxTokens * maxTokens];
        this.invNorm = new double[maxTokens];
        this.keep = new boolean[maxTokens * maxTokens];
        this.dots = new float[maxTokens * BLOCK];
    }

    public int maxTokens() { return maxTokens; }

    /** Tokens in the current graph. */
    public int size() { return n; }

    /** Weight of edge (i, j) of the current graph. */
    public double weight(int i, int j) {
        if (i < 0 || i >= n || j < 0 || j >= n) {
            throw McgtException.badInput("edge (" + i + "," + j + ") outside a graph of " + n + " tokens");
        }
        return weights[i * n + j];
    }

    /** The weight matrix (shared workspace, row length {@link #size()}; valid until the next build). */
    public double[] weights() { return weights; }

    /**
     * Builds the graph from {@code n} token vectors of width {@code dim}, stored row-major in
     * {@code vectors} (token i at {@code i · dim}).
     *
     * @param topK edges kept per token, or {@link #DENSE}
     */
    public void build(float[] vectors, int n, int dim, int topK) {
        checkCount(n);
        if (dim < 1) throw McgtException.badInput("token vector width must be positive, got " + dim);
        if (vectors == null || vectors.length < (long) n * dim) {
            throw McgtException.badInput("token vectors hold fewer than " + n + "×" + dim + " values");
        }
        if (topK < 0) throw McgtException.badInput("top-k must be 0 (dense) or positive, got " + topK);
        this.n = n;
        for (int i = 0; i < n; i++) {
            kernels.dotsF32(1, 1, dim, vectors, i * dim, dim, vectors, i * dim, dim, dots, 0, 1);
            double sq = dots[0];
            if (!Double.isFinite(sq)) throw McgtException.badInput("token vector " + i + " is not finite");
            invNorm[i] = sq > 0.0 ? 1.0 / Math.sqrt(sq) : 0.0;
        }
        for (int i0 = 0; i0 < n; i0 += BLOCK) {
            // rows i0 .. i0 + rows against every row from i0 on in one call: the upper triangle plus a few dot
            // products below the diagonal of the block, which are not used
            int rows = Math.min(BLOCK, n - i0);
            int cols = n - i0;
            kernels.dotsF32(rows, cols, dim, vectors, i0 * dim, dim, vectors, i0 * dim, dim, dots, 0, cols);
            for (int r = 0; r < rows; r++) {
                int i = i0 + r;
                weights[i * n + i] = 0.0;
                int o = r * cols - i0;
                for (int j = i + 1; j < n; j++) {
                    double c = (double) dots[o + j] * invNorm[i] * invNorm[j];
                    double w = c > 0.0 ? Math.min(c, 1.0) : 0.0;
                    weights[i * n + j] = w;
                    weights[j * n + i] = w;
                }
            }
        }
        if (topK > 0 && topK < n - 1) sparsify(topK);
    }

    /** Builds the graph from {@code vectors.length} token vectors of equal width. */
    public void build(float[][] vectors, int topK) {
        if (vectors == null) throw McgtException.badInput("token vectors are missing");
        checkCount(vectors.length);
        if (topK < 0) throw McgtException.badInput("top-k must be 0 (dense) or positive, got " + topK);
        int count = vectors.length;
        int dim = count == 0 ? 1 : vectors[0].length;
        for (int i = 0; i < count; i++) {
            if (vectors[i] == null || vectors[i].length != dim || dim == 0) {
                throw McgtException.badInput("token vector " + i + " is missing or its width differs from token 0");
            }
        }
        this.n = count;
        for (int i = 0; i < count; i++) {
            double sq = dotF32(vectors[i], vectors[i], dim);
            if (!Double.isFinite(sq)) throw McgtException.badInput("token vector " + i + " is not finite");
            invNorm[i] = sq > 0.0 ? 1.0 / Math.sqrt(sq) : 0.0;
        }
        for (int i = 0; i < count; i++) {
            weights[i * count + i] = 0.0;
            for (int j = i + 1; j < count; j++) {
                double c = dotF32(vectors[i], vectors[j], dim) * invNorm[i] * invNorm[j];
                double w = c > 0.0 ? Math.min(c, 1.0) : 0.0;
                weights[i * count + j] = w;
                weights[j * count + i] = w;
            }
        }
        if (topK > 0 && topK < count - 1) sparsify(topK);
    }

    /**
     * Loads an explicit weight matrix (row-major {@code n × n}, symmetric, finite, non-negative; the
     * diagonal is set to 0). For tests and for callers with their own similarity.
     */
    public void load(double[] w, int n) {
        checkCount(n);
        if (w == null || w.length < n * n) throw McgtException.badInput("weight matrix holds fewer than n×n values");
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                double x = w[i * n + j];
                if (!(x >= 0.0) || x == Double.POSITIVE_INFINITY) {
                    throw McgtException.badInput("edge weight (" + i + "," + j + ") must be finite and non-negative");
                }
                if (x != w[j * n + i]) throw McgtException.badInput("weight matrix is not symmetric at (" + i + "," + j + ")");
            }
        }
        this.n = n;
        System.arraycopy(w, 0, weights, 0, n * n);
        for (int i = 0; i < n; i++) weights[i * n + i] = 0.0;
    }

    private void checkCount(int count) {
        if (count < 0 || count > maxTokens) {
            throw McgtException.badInput("chunk has " + count + " tokens, the graph holds at most " + maxTokens);
        }
    }

    /** Keeps edge (i, j) when j is among i's top-k neighbours or i among j's. */
    private void sparsify(int topK) {
        int count = n;
        java.util.Arrays.fill(keep, 0, count * count, false);
        for (int i = 0; i < count; i++) {
            int row = i * count;
            // k rounds of "heaviest not yet kept", lowest index on ties: O(k·n) per token.
            for (int r = 0; r < topK; r++) {
                int sel = -1;
                double sw = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < count; j++) {
                    if (j != i && !keep[row + j] && weights[row + j] > sw) {
                        sw = weights[row + j];
                        sel = j;
                    }
                }
                if (sel < 0) break;
                keep[row + sel] = true;
            }
        }
        for (int i = 0; i < count; i++) {
            for (int j = i + 1; j < count; j++) {
                if (!keep[i * count + j] && !keep[j * count + i]) {
                    weights[i * count + j] = 0.0;
                    weights[j * count + i] = 0.0;
                }
            }
        }
    }

    /** One dot product of two rows on the graph's kernels (the order of {@link Kernels#dotsF32}). */
    private double dotF32(float[] a, float[] b, int dim) {
        kernels.dotsF32(1, 1, dim, a, 0, dim, b, 0, dim, dots, 0, 1);
        return dots[0];
    }

    /**
     * Writes the embedding-layer vectors of a chunk into {@code out} (token p at {@code p · hidden}):
     * the dequantized token embedding row of {@code tokenIds[offset + p]} ({@code w[id·cols + c] ·
     * scale[id]}), plus, when {@code withPositions}, the dequantized position embedding row {@code p}
     * (positions are relative to the chunk). Token-type embeddings and the embedding LayerNorm are not
     * applied: the probe measures how the chunk's tokens relate, not the model's normalisation.
     *
     * @return the vector width (the model's hidden size)
     */
    public static int embeddingVectors(ModelWeights model, int[] tokenIds, int offset, int length,
                                       boolean withPositions, float[] out) {
        if (model == null || model.tokenEmbedding() == null) throw McgtException.badInput("model has no token embedding");
        if (tokenIds == null || offset < 0 || length < 0 || offset + length > tokenIds.length) {
            throw McgtException.badInput("token range " + offset + "+" + length + " outside the token array");
        }
        QuantizedMatrix tok = model.tokenEmbedding();
        int d = tok.cols();
        if (out == null || out.length < (long) length * d) {
            throw McgtException.outputTooSmall(length * d, out == null ? 0 : out.length);
        }
        QuantizedMatrix pos = withPositions ? model.positionEmbedding() : null;
        if (withPositions) {
            if (pos == null) throw McgtException.badInput("model has no position embedding");
            if (pos.cols() != d) throw McgtException.badWeights("position embedding width differs from token embedding");
            if (length > pos.rows()) {
                throw McgtException.badInput("chunk of " + length + " tokens exceeds " + pos.rows() + " positions");
            }
        }
        byte[] tw = tok.weights();
        float[] ts = tok.scales();
        for (int p = 0; p < length; p++) {
            int id = tokenIds[offset + p];
            if (id < 0 || id >= tok.rows()) {
                throw McgtException.badInput("token id " + id + " at position " + p + " outside vocabulary 0.." + (tok.rows() - 1));
            }
            int src = id * d;
            int dst = p * d;
            float s = ts[id];
            for (int c = 0; c < d; c++) out[dst + c] = tw[src + c] * s;
            if (pos != null) {
                byte[] pw = pos.weights();
                float ps = pos.scales()[p];
                int psrc = p * d;
                for (int c = 0; c < d; c++) out[dst + c] += pw[psrc + c] * ps;
            }
        }
        return d;
    }
}
