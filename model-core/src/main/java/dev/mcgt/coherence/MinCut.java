package dev.mcgt.coherence;

import dev.mcgt.McgtException;
import dev.mcgt.kernel.KernelProvider;
import dev.mcgt.kernel.Kernels;

/**
 * Exact global minimum cut of an undirected graph with non-negative weights (Stoer–Wagner), on a dense
 * weight matrix, with a workspace sized once for graphs of up to {@code maxVertices} vertices.
 *
 * <p>Cost: O(n³) time with plain arrays; no allocation per call (the workspace is reused). Not
 * thread-safe: use one instance per thread.
 *
 * <p>Determinism: the same input gives the same cut weight and the same partition. Every phase starts
 * at the first remaining vertex slot, ties on the most-tightly-connected vertex go to the lowest slot,
 * and a phase replaces the best cut only when strictly lighter. The side holding vertex 0 is always
 * reported as side {@code false}.
 *
 * <p>Edge cases: with fewer than two vertices there is no cut ({@link #hasCut()} is false, the weight
 * is 0 and every vertex is on side {@code false}); a disconnected graph has a cut of weight 0 (the search
 * stops at the first zero cut); zero weights are ordinary edges of weight 0. The diagonal is ignored.
 * The input matrix is never modified.
 */
public final class MinCut {
    private final int maxVertices;
    private final Kernels kernels;
    /** Working matrix, stride = the current graph's vertex count; merged vertices are compacted away. */
    private final double[] g;
    private final double[] key;
    /** For each input vertex, the slot of the merged vertex that now holds it. */
    private final int[] owner;
    private final boolean[] bestSide;

    private int n;
    private double cutWeight;
    private int sideTrueCount;

    /** A workspace for graphs of up to {@code maxVertices} vertices (1..4096), on the default kernel. */
    public MinCut(int maxVertices) {
        this(maxVertices, KernelProvider.get());
    }

    /**
     * A workspace for graphs of up to {@code maxVertices} vertices (1..4096) whose Stoer–Wagner runs on
     * {@code kernels} ({@link Kernels#minCut}, one call per cut; every kernel gives the same bits, so results do not
     * depend on the choice).
     */
    public MinCut(int maxVertices, Kernels kernels) {
        if (kernels == null) throw McgtException.badConfig("kernels are missing");
        this.kernels = kernels;
        if (maxVertices < 1 || maxVertices > 4096) {
            throw McgtException.badConfig("min-cut size must be in 1..4096, got " + maxVertices);
        }
        this.maxVertices = maxVertices;
        this.g = new double[maxVertices * maxVertices];
        this.key = new double[maxVertices];
        this.owner = new int[maxVertices];
        this.bestSide = new boolean[maxVertices];
    }

    public int maxVertices() { return maxVertices; }

    /**
     * Minimum cut of the graph whose weights are the row-major {@code n × n} matrix {@code weights}
     * (symmetric, finite, non-negative; diagonal ignored).
     *
     * @return the cut weight (0 when {@code n < 2})
     */
    public double compute(double[] weights, int n) {
        checkSize(n);
        if (weights == null || weights.length < n * n) {
            throw McgtException.badInput("weight matrix holds fewer than " + n + "×" + n + " values");
        }
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double w = weights[i * n + j];
                checkWeight(w, i, j);
                if (w != weights[j * n + i]) throw notSymmetric(i, j);
                g[i * n + j] = w;
                g[j * n + i] = w;
            }
            g[i * n + i] = 0.0;
        }
        return run(n);
    }

    /**
     * Minimum cut of the subgraph induced by vertices {@code vertices[offset .. offset + count)} of the
     * graph whose weights are the row-major matrix {@code weights} with row length {@code stride}. Results
     * ({@link #side(int)}) are indexed by position in that list: local vertex {@code k} is input vertex
     * {@code vertices[offset + k]}.
     *
     * @return the cut weight (0 when {@code count < 2})
     */
    public double compute(double[] weights, int stride, int[] vertices, int offset, int count) {
        checkSize(count);
        if (vertices == null || offset < 0 || offset + count > vertices.length) {
            throw McgtException.badInput("vertex list too short for offset " + offset + " and count " + count);
        }
        if (weights == null || stride < 0 || weights.length < stride * stride) {
            throw McgtException.badInput("weight matrix smaller than its stride " + stride + " squared");
        }
        for (int a = 0; a < count; a++) {
            int va = vertices[offset + a];
            if (va < 0 || va >= stride) throw McgtException.badInput("vertex " + va + " outside 0.." + (stride - 1));
            for (int b = a + 1; b < count; b++) {
                int vb = vertices[offset + b];
                double w = weights[va * stride + vb];
                checkWeight(w, va, vb);
                if (w != weights[vb * stride + va]) throw notSymmetric(va, vb);
                g[a * count + b] = w;
                g[b * count + a] = w;
            }
            g[a * count + a] = 0.0;
        }
        return run(count);
    }

    /**
     * {@link #compute(double[], int)} for a matrix known to be valid (symmetric, finite, non-negative): the token
     * graph's own weights, which {@link TokenGraph} builds or checks. Skips the checks; the same result.
     */
    double computeValid(double[] weights, int n) {
        checkSize(n);
        // the upper triangle, mirrored, as compute copies it (a loaded matrix may hold −0.0 against 0.0)
        for (int i = 0; i < n; i++) {
            int ri = i * n;
            g[ri + i] = 0.0;
            for (int j = i + 1; j < n; j++) {
                double w = weights[ri + j];
                g[ri + j] = w;
                g[j * n + i] = w;
            }
        }
        return run(n);
    }

    /** {@link #compute(double[], int, int[], int, int)} for a matrix known to be valid (see {@link #computeValid}). */
    double computeValid(double[] weights, int stride, int[] vertices, int offset, int count) {
        checkSize(count);
        for (int a = 0; a < count; a++) {
            int ra = vertices[offset + a] * stride;
            int ga = a * count;
            g[ga + a] = 0.0;
            for (int b = a + 1; b < count; b++) {
                double w = weights[ra + vertices[offset + b]];
                g[ga + b] = w;
                g[b * count + a] = w;
            }
        }
        return run(count);
    }

    private void checkSize(int count) {
        if (count < 0 || count > maxVertices) {
            throw McgtException.badInput("graph has " + count + " vertices, workspace holds at most " + maxVertices);
        }
    }

    private static void checkWeight(double w, int i, int j) {
        if (!(w >= 0.0) || w == Double.POSITIVE_INFINITY) {
            throw McgtException.badInput("edge weight (" + i + "," + j + ") must be finite and non-negative, got " + w);
        }
    }

    private static McgtException notSymmetric(int i, int j) {
        return McgtException.badInput("weight matrix is not symmetric at (" + i + "," + j + ")");
    }

    /** Stoer–Wagner on the working matrix {@code g} of {@code count} vertices (stride {@code count}): one kernel call. */
    private double run(int count) {
        this.n = count;
        double best = kernels.minCut(g, count, key, owner, bestSide);
        cutWeight = count < 2 ? 0.0 : best;
        if (count >= 2 && bestSide[0]) {
            for (int v = 0; v < count; v++) bestSide[v] = !bestSide[v];
        }
        int c = 0;
        for (int v = 0; v < count; v++) if (bestSide[v]) c++;
        sideTrueCount = c;
        return cutWeight;
    }

    /** Vertex count of the last computed graph. */
    public int vertexCount() { return n; }

    /** Whether the last graph had a cut at all (at least two vertices). */
    public boolean hasCut() { return n >= 2; }

    /** Weight of the last minimum cut (0 when there was no cut). */
    public double cutWeight() { return cutWeight; }

    /** Side of vertex {@code v} in the last cut; vertex 0 is always on side {@code false}. */
    public boolean side(int v) {
        if (v < 0 || v >= n) throw McgtException.badInput("vertex " + v + " outside 0.." + (n - 1));
        return bestSide[v];
    }

    /** Vertices on side {@code true}, i.e. the side without vertex 0. */
    public int sideTrueCount() { return sideTrueCount; }

    /** Size of the smaller side of the last cut (0 when there was no cut). */
    public int smallerSideSize() { return Math.min(sideTrueCount, n - sideTrueCount); }

    /** Copies the side of each vertex of the last cut into {@code out[0 .. vertexCount())}. */
    public void copySides(boolean[] out) {
        if (out == null || out.length < n) throw McgtException.outputTooSmall(n, out == null ? 0 : out.length);
        System.arraycopy(bestSide, 0, out, 0, n);
    }
}
