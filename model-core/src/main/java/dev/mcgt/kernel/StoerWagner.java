package dev.mcgt.kernel;

/**
 * The reference of {@link Kernels#minCut}: Stoer–Wagner on a dense working matrix, written out literally (the
 * scalar kernel runs it, and every other implementation must give its bits). The steps:
 *
 * <ol>
 *   <li>{@code owner[v] = v}, {@code side[v] = false} for v &lt; n; with n &lt; 2 the result is 0.</li>
 *   <li>For m = n, n − 1, …, 2 (one phase per m, slots 0..m−1 of the matrix, row length n): {@code key[0] = −∞},
 *       {@code key[u] = g[u]} for 0 &lt; u &lt; m (row 0), {@code sel} = the first maximal key of a strict scan
 *       (1 when no key is above −∞), {@code s = 0}. Then m − 2 times: {@code s = sel}, {@code key[sel] = −∞},
 *       {@code key[u] = key[u] + g[sel·n + u]} for u &lt; m (f64 adds, in that order), {@code sel} = the first
 *       maximal key (1 when none is above −∞), as {@link Kernels#addAndArgMax}. Then {@code t = sel} and the
 *       phase's cut is {@code key[t]}.</li>
 *   <li>When the phase's cut is below the best so far (strictly; the best starts at +∞), it becomes the best and
 *       {@code side[v] = owner[v] == t}; a best of 0 ends the search.</li>
 *   <li>Merge t into s: {@code g[s·n + u] = g[s·n + u] + g[t·n + u]} for u &lt; m, written to row s and column s
 *       in one loop over u (MinCut's original order), then {@code g[s·n + s] = 0}; when t is not the last slot (m − 1), the last slot's row and column are copied
 *       into t's ({@code g[t·n + t] = 0}); owners of s or t become the merged slot (t when s was the last slot, else
 *       s), owners of the last slot become t.</li>
 * </ol>
 * The result is the best phase cut (+∞ never remains: the first phase's cut is finite for finite weights).
 */
final class StoerWagner {
    private StoerWagner() { }

    /** The two inner loops of the algorithm; an implementation must give the reference's bits. */
    interface Steps {
        /**
         * {@code key[prev] = −∞} (when {@code prev >= 0}), then {@code key[u] = key[u] + g[row + u]} for u &lt; m, then
         * the first slot of the maximal key of a strict scan, or −1 when no key is above −∞
         * ({@link Kernels#addAndArgMax}). {@code g[row + prev]} is a diagonal entry, 0, so an implementation may
         * leave {@code key[prev]} at −∞ without the add.
         */
        int addAndArgMax(double[] key, double[] g, int row, int m, int prev);

        /** {@code g[rs + u] = g[rs + u] + g[rt + u]} for u &lt; m (rows s and t, distinct). */
        void addRow(double[] g, int rs, int rt, int m);
    }

    /** The loops written out literally: the scalar kernel's. */
    static final Steps SCALAR = new Steps() {
        @Override
        public int addAndArgMax(double[] key, double[] g, int row, int m, int prev) {
            if (prev >= 0) key[prev] = Double.NEGATIVE_INFINITY;
            int sel = -1;
            double best = Double.NEGATIVE_INFINITY;
            for (int u = 0; u < m; u++) {
                double k = key[u] + g[row + u];
                key[u] = k;
                if (k > best) {
                    best = k;
                    sel = u;
                }
            }
            return sel;
        }

        @Override
        public void addRow(double[] g, int rs, int rt, int m) {
            for (int u = 0; u < m; u++) g[rs + u] = g[rs + u] + g[rt + u];
        }
    };

    /** Runs the reference on {@code g} (overwritten) and returns the cut weight; see the class comment. */
    static double reference(double[] g, int n, double[] key, int[] owner, boolean[] side) {
        return run(g, n, key, owner, side, SCALAR);
    }

    /** The algorithm of the class comment with its inner loops on {@code steps}. */
    static double run(double[] g, int n, double[] key, int[] owner, boolean[] side, Steps steps) {
        for (int v = 0; v < n; v++) {
            owner[v] = v;
            side[v] = false;
        }
        if (n < 2) return 0.0;
        double best = Double.POSITIVE_INFINITY;
        for (int m = n; m > 1; m--) {
            key[0] = Double.NEGATIVE_INFINITY;
            System.arraycopy(g, 1, key, 1, m - 1);
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
                int next = steps.addAndArgMax(key, g, sel * n, m, sel);
                sel = next < 0 ? 1 : next;
            }
            int t = sel;
            double phaseCut = key[t];
            if (phaseCut < best) {
                best = phaseCut;
                for (int v = 0; v < n; v++) side[v] = owner[v] == t;
                if (best == 0.0) break;
            }
            merge(g, n, s, t, m, owner, steps);
        }
        return best;
    }

    /**
     * Step 4 of the class comment: folds slot t into slot s, then moves the last slot into t. Row s is summed first
     * and then copied into column s: the same bits as summing and writing both in one loop, since that loop's column
     * writes touch rows s and t only at column s of row t and at the diagonal of s, the first read back only as the
     * diagonal's addend, and the diagonal is reset to 0 either way.
     */
    private static void merge(double[] g, int n, int s, int t, int m, int[] owner, Steps steps) {
        int rs = s * n;
        int rt = t * n;
        steps.addRow(g, rs, rt, m);
        g[rs + s] = 0.0;
        for (int v = 0; v < m; v++) g[v * n + s] = g[rs + v];
        int last = m - 1;
        if (t != last) {
            System.arraycopy(g, last * n, g, rt, m);
            for (int v = 0; v < m; v++) g[v * n + t] = g[v * n + last];
            g[rt + t] = 0.0;
        }
        int merged = s == last ? t : s;
        for (int v = 0; v < n; v++) {
            int o = owner[v];
            if (o == t || o == s) owner[v] = merged;
            else if (o == last) owner[v] = t;
        }
    }
}
