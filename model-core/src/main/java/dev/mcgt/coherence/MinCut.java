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
     * A workspace for graphs of up to {@code maxVertices} vertices (1..4096) whose key updates run on
     * {@code kernels} (every kernel picks the same vertices, so results do not depend on the choice).
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

    /** Stoer–Wagner on the working matrix {@code g} of {@code count} vertices (stride {@code count}). */
    private double run(int count) {
        this.n = count;
        for (int v = 0; v < count; v++) {
            owner[v] = v;
            bestSide[v] = false;
        }
        cutWeight = 0.0;
        sideTrueCount = 0;
        if (count < 2) return 0.0;

        final int stride = count;
        double best = Double.POSITIVE_INFINITY;
        for (int m = count; m > 1; m--) {
            // One phase: grow a set from slot 0, always adding the most tightly connected remaining slot.
            // Slots already in the set carry key -∞ (adding finite weights keeps them there).
            key[0] = Double.NEGATIVE_INFINITY;
            System.arraycopy(g, 1, key, 1, m - 1); // row 0 of the working matrix
            // The most tightly connected slot (ties to the lowest); afterwards found in the same pass that adds
            // the chosen slot's row to the keys. Added slots hold −∞ and are never chosen (−∞ + ∞ would be NaN,
            // which a strict comparison never picks either).
            int sel = 1;
            double sk = Double.NEGATIVE_INFINITY;
            for (int u = 0; u < m; u++) {
                if (key[u] > sk) {
                    sk = key[u];
                    sel = u;
                }
            }
            int s = 0;
            for (int added = 1; added < m - 1; added++) {
                s = sel;
                key[sel] = Double.NEGATIVE_INFINITY;
                int row = sel * stride;
                sel = kernels.addAndArgMax(key, g, row, m);
                if (sel < 0) sel = 1; // unreachable with finite weights: an unadded slot has a finite key
            }
            sk = key[sel];
            int t = sel;
            double phaseCut = sk;
            if (phaseCut < best) {
                best = phaseCut;
                for (int v = 0; v < count; v++) bestSide[v] = owner[v] == t;
                if (best == 0.0) break; // weights are non-negative: nothing lighter exists
            }
            merge(s, t, m, stride, count);
        }
        cutWeight = best;
        if (bestSide[0]) {
            for (int v = 0; v < count; v++) bestSide[v] = !bestSide[v];
        }
        int c = 0;
        for (int v = 0; v < count; v++) if (bestSide[v]) c++;
        sideTrueCount = c;
        return best;
    }

    /** Folds slot t into slot s, then moves the last slot into t so slots stay 0..m−2. */
    private void merge(int s, int t, int m, int stride, int count) {
        int rs = s * stride;
        int rt = t * stride;
        for (int u = 0; u < m; u++) {
            double w = g[rs + u] + g[rt + u];
            g[rs + u] = w;
            g[u * stride + s] = w;
        }
        g[rs + s] = 0.0;
        int last = m - 1;
        if (t != last) {
            int rl = last * stride;
            for (int u = 0; u < m; u++) g[rt + u] = g[rl + u];
            for (int u = 0; u < m; u++) g[u * stride + t] = g[u * stride + last];
            g[rt + t] = 0.0;
        }
        int merged = s == last ? t : s; // where the merged vertex ends up
        for (int v = 0; v < count; v++) {
            int o = owner[v];
            if (o == t || o == s) owner[v] = merged;
            else if (o == last) owner[v] = t;
        }
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
