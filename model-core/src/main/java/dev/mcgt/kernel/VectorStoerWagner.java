package dev.mcgt.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Kernels#minCut} of the Vector API kernel: {@link StoerWagner#run} with {@link VectorKernels#addAndArgMax}'s
 * step (adds, the maximum, then its first slot, on 256-bit vectors) and the merge's row sum in vectors, in one call
 * per cut. A two-pass step with a lane mask for the chosen slot (mincut.c's) was tried here: JDK 17's C2 compiled it
 * well in some JVMs and badly in others (3 of 8 JMH forks ran the probe 7–12× slower, without allocating), so the
 * step stays the one that was already in use. No vector crosses a method boundary (see {@link VectorKernels}).
 */
final class VectorStoerWagner {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_256;
    private static final int DL = 4;

    private VectorStoerWagner() { }

    static double run(double[] g, int n, double[] key, int[] owner, boolean[] side) {
        return StoerWagner.run(g, n, key, owner, side, STEPS);
    }

    private static final StoerWagner.Steps STEPS = new StoerWagner.Steps() {
        @Override
        public int addAndArgMax(double[] key, double[] g, int row, int m, int prev) {
            if (prev >= 0) key[prev] = Double.NEGATIVE_INFINITY;
            return VectorKernels.argMaxStep(key, g, row, m);
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
