package dev.mcgt.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Kernels#minCut} of the Vector API kernel: {@link StoerWagner#run} with 256-bit vectors. Each step adds the
 * chosen row to the keys and takes their maximum in one pass (strict comparisons, so NaN never enters), then finds
 * the first slot holding it: the slot of the reference's strict scan. The chosen slot's key becomes −∞ by a lane
 * mask in that pass, not by a scalar store before it, which a vector load of the same bytes would wait for (see
 * mincut.c). Adds are the reference's adds per element, so keys, cuts and sides are bit-identical. No vector
 * crosses a method boundary (see {@link VectorKernels}).
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
        public int addAndArgMax(double[] key, double[] g, int row, int m, int prev) {
            int full = m - m % DL;
            double best = addAndMax(key, g, row, full, prev);
            for (int u = full; u < m; u++) {
                double k = u == prev ? Double.NEGATIVE_INFINITY : key[u] + g[row + u];
                key[u] = k;
                if (k > best) best = k;
            }
            if (!(best > Double.NEGATIVE_INFINITY)) return -1;
            int v = firstEqual(key, full, best);
            if (v >= 0) return v;
            for (v = full; v < m; v++) {
                if (key[v] == best) return v;
            }
            throw new IllegalStateException("maximum key not found"); // unreachable: best is one of the keys
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

    /**
     * Pass 1 over the slots below {@code full} (a multiple of 4): the adds, slot {@code prev} set to −∞ by a lane
     * mask, and their maximum (strict comparisons: NaN never enters), over four accumulators. Small methods with no
     * vector crossing their boundaries, so that C2 compiles each as one unit.
     */
    private static double addAndMax(double[] key, double[] g, int row, int full, int prev) {
        final DoubleVector ninf = DoubleVector.broadcast(D, Double.NEGATIVE_INFINITY);
        final DoubleVector sp = DoubleVector.broadcast(D, (double) prev);
        DoubleVector a0 = ninf, a1 = ninf, a2 = ninf, a3 = ninf;
        DoubleVector c0 = DoubleVector.fromArray(D, IOTA, 0);
        int u = 0;
        for (; u <= full - 4 * DL; u += 4 * DL) {
            DoubleVector c1 = c0.add(DL), c2 = c0.add(2 * DL), c3 = c0.add(3 * DL);
            DoubleVector k0 = DoubleVector.fromArray(D, key, u).add(DoubleVector.fromArray(D, g, row + u));
            DoubleVector k1 = DoubleVector.fromArray(D, key, u + DL).add(DoubleVector.fromArray(D, g, row + u + DL));
            DoubleVector k2 = DoubleVector.fromArray(D, key, u + 2 * DL)
                    .add(DoubleVector.fromArray(D, g, row + u + 2 * DL));
            DoubleVector k3 = DoubleVector.fromArray(D, key, u + 3 * DL)
                    .add(DoubleVector.fromArray(D, g, row + u + 3 * DL));
            k0 = k0.blend(ninf, c0.compare(VectorOperators.EQ, sp));
            k1 = k1.blend(ninf, c1.compare(VectorOperators.EQ, sp));
            k2 = k2.blend(ninf, c2.compare(VectorOperators.EQ, sp));
            k3 = k3.blend(ninf, c3.compare(VectorOperators.EQ, sp));
            k0.intoArray(key, u);
            k1.intoArray(key, u + DL);
            k2.intoArray(key, u + 2 * DL);
            k3.intoArray(key, u + 3 * DL);
            a0 = a0.blend(k0, k0.compare(VectorOperators.GT, a0));
            a1 = a1.blend(k1, k1.compare(VectorOperators.GT, a1));
            a2 = a2.blend(k2, k2.compare(VectorOperators.GT, a2));
            a3 = a3.blend(k3, k3.compare(VectorOperators.GT, a3));
            c0 = c3.add(DL);
        }
        for (; u < full; u += DL) {
            DoubleVector k0 = DoubleVector.fromArray(D, key, u).add(DoubleVector.fromArray(D, g, row + u));
            k0 = k0.blend(ninf, c0.compare(VectorOperators.EQ, sp));
            k0.intoArray(key, u);
            a0 = a0.blend(k0, k0.compare(VectorOperators.GT, a0));
            c0 = c0.add(DL);
        }
        return a0.max(a1).max(a2.max(a3)).reduceLanes(VectorOperators.MAX);
    }

    /** Pass 2: the first slot below {@code full} whose key equals {@code best} (+0.0 equals −0.0), or −1. */
    private static int firstEqual(double[] key, int full, double best) {
        for (int v = 0; v < full; v += DL) {
            VectorMask<Double> eq = DoubleVector.fromArray(D, key, v).compare(VectorOperators.EQ, best);
            if (eq.anyTrue()) return v + eq.firstTrue();
        }
        return -1;
    }
}
