package dev.mcgt.coherence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class TokenGraphTest {

    @Test
    void weightsArePositiveCosinesWithAZeroDiagonal() {
        float[][] v = {{1, 0, 0}, {1, 1, 0}, {-1, 0, 0}, {0, 0, 0}, {2, 0, 0}};
        TokenGraph g = new TokenGraph(8);
        g.build(v, TokenGraph.DENSE);
        assertThat(g.size()).isEqualTo(5);
        assertThat(g.weight(0, 1)).isCloseTo(Math.sqrt(0.5), within(1e-6));
        assertThat(g.weight(0, 2)).isZero();   // negative cosine clipped
        assertThat(g.weight(0, 3)).isZero();   // zero vector
        assertThat(g.weight(0, 4)).isEqualTo(1.0);
        assertThat(g.weight(2, 2)).isZero();
        for (int i = 0; i < 5; i++) for (int j = 0; j < 5; j++) assertThat(g.weight(i, j)).isEqualTo(g.weight(j, i));
    }

    @Test
    void scalarAndVectorKernelsGiveTheSameWeightsAndLambda() {
        org.junit.jupiter.api.Assumptions.assumeTrue(dev.mcgt.kernel.KernelProvider.vector().isPresent(),
                "vector kernel unavailable");
        dev.mcgt.kernel.Kernels scalar = dev.mcgt.kernel.KernelProvider.scalar();
        dev.mcgt.kernel.Kernels vector = dev.mcgt.kernel.KernelProvider.vector().orElseThrow();
        Random rnd = new Random(5);
        for (int[] shape : new int[][] {{1, 5}, {2, 3}, {9, 7}, {17, 37}, {33, 128}, {64, 385}, {128, 384}}) {
            int n = shape[0];
            int d = shape[1];
            float[] flat = new float[n * d];
            float[][] topic = new float[3][d];
            for (float[] t : topic) for (int c = 0; c < d; c++) t[c] = (float) rnd.nextGaussian();
            for (int i = 0; i < n; i++) {
                float[] t = topic[rnd.nextInt(3)];
                for (int c = 0; c < d; c++) flat[i * d + c] = t[c] + 0.5f * (float) rnd.nextGaussian();
            }
            if (n > 3) java.util.Arrays.fill(flat, 2 * d, 3 * d, 0f); // a zero vector
            TokenGraph a = new TokenGraph(n, scalar);
            TokenGraph b = new TokenGraph(n, vector);
            a.build(flat, n, d, TokenGraph.DENSE);
            b.build(flat, n, d, TokenGraph.DENSE);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    assertThat(Double.doubleToRawLongBits(b.weight(i, j))).as("%dx%d (%d,%d)", n, d, i, j)
                            .isEqualTo(Double.doubleToRawLongBits(a.weight(i, j)));
                    if (i < j) {
                        // the historical formula: one scalar dot product per pair
                        double c = referenceDot(flat, i * d, flat, j * d, d)
                                * invNorm(flat, i, d) * invNorm(flat, j, d);
                        assertThat(a.weight(i, j)).isEqualTo(c > 0.0 ? Math.min(c, 1.0) : 0.0);
                    }
                }
            }
            CoherenceProbe ps = new CoherenceProbe(CoherenceProbeConfig.defaults(), n, scalar);
            CoherenceProbe pv = new CoherenceProbe(CoherenceProbeConfig.defaults(), n, vector);
            assertThat(pv.analyze(flat, n, d)).isEqualTo(ps.analyze(flat, n, d));
            assertThat(pv.report()).isEqualTo(ps.report());
        }
    }

    /** The historical formula, written out as the test's oracle: eight float partial sums combined pairwise. */
    private static double referenceDot(float[] a, int ao, float[] b, int bo, int len) {
        float[] s = new float[8];
        int k = 0;
        for (; k + 8 <= len; k += 8) {
            for (int l = 0; l < 8; l++) s[l] += a[ao + k + l] * b[bo + k + l];
        }
        for (; k < len; k++) s[0] += a[ao + k] * b[bo + k];
        return (double) (((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7])));
    }

    private static double invNorm(float[] v, int i, int d) {
        double sq = referenceDot(v, i * d, v, i * d, d);
        return sq > 0.0 ? 1.0 / Math.sqrt(sq) : 0.0;
    }

    @Test
    void flatAndRowFormsAgreeBitForBit() {
        Random rnd = new Random(1);
        int n = 17;
        int d = 37; // not a multiple of 8: the tail path runs too
        float[][] rows = new float[n][d];
        float[] flat = new float[n * d];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < d; c++) {
                rows[i][c] = (float) rnd.nextGaussian();
                flat[i * d + c] = rows[i][c];
            }
        }
        TokenGraph a = new TokenGraph(n);
        TokenGraph b = new TokenGraph(32);
        a.build(rows, 0);
        b.build(flat, n, d, 0);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) assertThat(a.weight(i, j)).isEqualTo(b.weight(i, j));
        }
    }

    @Test
    void topKKeepsTheUnionOfEachTokensNearestNeighbours() {
        // Points on a line at 0°, 10°, 20°, 90° (as 2-d unit vectors): token 3 is far from all.
        float[][] v = new float[4][];
        double[] deg = {0, 10, 20, 90};
        for (int i = 0; i < 4; i++) {
            v[i] = new float[] {(float) Math.cos(Math.toRadians(deg[i])), (float) Math.sin(Math.toRadians(deg[i]))};
        }
        TokenGraph g = new TokenGraph(4);
        g.build(v, 1);
        // Nearest of 0 is 1, of 1 is 0 or 2 (tie: lower index 0), of 2 is 1, of 3 is 2.
        assertThat(g.weight(0, 1)).isPositive();
        assertThat(g.weight(1, 2)).isPositive();
        assertThat(g.weight(2, 3)).isPositive();
        assertThat(g.weight(0, 2)).isZero();
        assertThat(g.weight(0, 3)).isZero();
        assertThat(g.weight(1, 3)).isZero();
        // A top-k at least n − 1 keeps everything.
        TokenGraph dense = new TokenGraph(4);
        dense.build(v, 3);
        assertThat(dense.weight(0, 2)).isPositive();
    }
}
