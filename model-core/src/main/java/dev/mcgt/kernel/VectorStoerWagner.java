package dev.mcgt.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Kernels#minCut} of the Vector API kernel: {@link StoerWagner#run} with each key update and its maximum in
 * one pass over 256-bit vectors, and the merge's row sum in vectors. Two sets of four lanes each keep the largest
 * key they have seen (strict comparison, so the first of equal keys stays) and its slot; the pass's maximum is the
 * largest of those, and its slot the lowest among the lanes that hold it: the slot of the reference's strict scan. Adds are the
 * reference's adds per element, so keys, cuts and sides are bit-identical. No vector crosses a method boundary
 * (see {@link VectorKernels}).
 */
final class VectorStoerWagner {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_256;
    private static final int DL = 4;
    private static final double[] IOTA = {0, 1, 2, 3};

    private VectorStoerWagner() { }

    static double run(double[] g, int n, double[] key, int[] owner, boolean[] side) {
        return StoerWagner.run(g, n, key, owner, side, STEPS);
    }

    private static final StoerWagner.Steps STEPS = new StoerWagner.Steps() {
        @Override
        public int addAndArgMax(double[] key, double[] g, int row, int m) {
            final DoubleVector ninf = DoubleVector.broadcast(D, Double.NEGATIVE_INFINITY);
            DoubleVector mx0 = ninf, mx1 = ninf, ix0 = ninf, ix1 = ninf;
            DoubleVector cur = DoubleVector.fromArray(D, IOTA, 0);
            int full = m - m % DL;
            int pairs = m - m % (2 * DL);
            int u = 0;
            for (; u < pairs; u += 2 * DL) {
                DoubleVector k0 = DoubleVector.fromArray(D, key, u).add(DoubleVector.fromArray(D, g, row + u));
                DoubleVector k1 = DoubleVector.fromArray(D, key, u + DL).add(DoubleVector.fromArray(D, g, row + u + DL));
                k0.intoArray(key, u);
                k1.intoArray(key, u + DL);
                VectorMask<Double> g0 = k0.compare(VectorOperators.GT, mx0);
                VectorMask<Double> g1 = k1.compare(VectorOperators.GT, mx1);
                DoubleVector cur1 = cur.add(DL);
                mx0 = mx0.blend(k0, g0);
                ix0 = ix0.blend(cur, g0);
                mx1 = mx1.blend(k1, g1);
                ix1 = ix1.blend(cur1, g1);
                cur = cur1.add(DL);
            }
            if (u < full) {
                DoubleVector k0 = DoubleVector.fromArray(D, key, u).add(DoubleVector.fromArray(D, g, row + u));
                k0.intoArray(key, u);
                VectorMask<Double> g0 = k0.compare(VectorOperators.GT, mx0);
                mx0 = mx0.blend(k0, g0);
                ix0 = ix0.blend(cur, g0);
                u += DL;
            }
            // the largest kept key, then the lowest slot holding it (lanes that hold none count as slot +∞)
            double best = mx0.max(mx1).reduceLanes(VectorOperators.MAX);
            int sel = -1;
            if (best > Double.NEGATIVE_INFINITY) {
                DoubleVector none = DoubleVector.broadcast(D, Double.POSITIVE_INFINITY);
                DoubleVector c0 = none.blend(ix0, mx0.compare(VectorOperators.EQ, best));
                DoubleVector c1 = none.blend(ix1, mx1.compare(VectorOperators.EQ, best));
                sel = (int) c0.min(c1).reduceLanes(VectorOperators.MIN);
            }
            for (; u < m; u++) { // the tail's slots come after every vector slot
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
            int u = 0;
            for (; u <= m - DL; u += DL) {
                DoubleVector.fromArray(D, g, rs + u).add(DoubleVector.fromArray(D, g, rt + u)).intoArray(g, rs + u);
            }
            for (; u < m; u++) g[rs + u] = g[rs + u] + g[rt + u];
        }
    };
}
