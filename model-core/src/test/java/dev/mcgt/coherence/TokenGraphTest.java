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
