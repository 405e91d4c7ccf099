package dev.mcgt.coherence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.mcgt.McgtException;
import java.lang.management.ManagementFactory;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MinCutTest {

    /** Random symmetric graph; about 30 % of the edges are zero. Integer weights keep sums exact. */
    static double[] randomGraph(Random rnd, int n, boolean integerWeights) {
        double[] w = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double x = rnd.nextDouble() < 0.3 ? 0.0 : integerWeights ? 1 + rnd.nextInt(9) : rnd.nextDouble();
                w[i * n + j] = x;
                w[j * n + i] = x;
            }
        }
        return w;
    }

    static double cutOf(double[] w, int n, boolean[] side) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) if (side[i] != side[j]) s += w[i * n + j];
        }
        return s;
    }

    /** Minimum over all 2^(n−1) − 1 bipartitions (vertex n−1 fixed on one side). */
    static double bruteForce(double[] w, int n) {
        double best = Double.POSITIVE_INFINITY;
        boolean[] side = new boolean[n];
        for (int mask = 1; mask < (1 << (n - 1)); mask++) {
            for (int v = 0; v < n; v++) side[v] = v < n - 1 && (mask >>> v & 1) != 0;
            best = Math.min(best, cutOf(w, n, side));
        }
        return best;
    }

    static double[] fromEdges(int n, double[][] edges) {
        double[] w = new double[n * n];
        for (double[] e : edges) {
            int i = (int) e[0];
            int j = (int) e[1];
            w[i * n + j] = e[2];
            w[j * n + i] = e[2];
        }
        return w;
    }

    static boolean[] sides(MinCut mc) {
        boolean[] s = new boolean[mc.vertexCount()];
        mc.copySides(s);
        return s;
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 42, 1234, 987654321})
    void equalsBruteForceOnRandomSmallGraphs(long seed) {
        Random rnd = new Random(seed);
        MinCut mc = new MinCut(12);
        for (int trial = 0; trial < 60; trial++) {
            int n = 2 + rnd.nextInt(11);
            boolean integers = trial % 2 == 0;
            double[] w = randomGraph(rnd, n, integers);
            double expected = bruteForce(w, n);
            double got = mc.compute(w, n);
            boolean[] side = sides(mc);
            if (integers) {
                assertThat(got).as("n=%d trial=%d", n, trial).isEqualTo(expected);
            } else {
                assertThat(got).as("n=%d trial=%d", n, trial).isCloseTo(expected, within(1e-9));
            }
            // The reported partition really is a cut of that weight, with both sides non-empty.
            assertThat(cutOf(w, n, side)).isCloseTo(got, within(1e-9));
            assertThat(mc.sideTrueCount()).isBetween(1, n - 1);
            assertThat(side[0]).isFalse();
        }
    }

    @Test
    void twoCliquesJoinedByOneLightEdge() {
        // Clique A = even vertices, clique B = odd vertices, unit weights; one light edge 4–7.
        int n = 10;
        double[] w = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) if (i != j && i % 2 == j % 2) w[i * n + j] = 1.0;
        }
        w[4 * n + 7] = 0.25;
        w[7 * n + 4] = 0.25;
        MinCut mc = new MinCut(n);
        assertThat(mc.compute(w, n)).isEqualTo(0.25);
        for (int v = 0; v < n; v++) assertThat(mc.side(v)).as("vertex %d", v).isEqualTo(v % 2 == 1);
        assertThat(mc.smallerSideSize()).isEqualTo(5);
    }

    @Test
    void pathCutsItsLightestEdge() {
        double[] w = fromEdges(7, new double[][] {{0, 1, 5}, {1, 2, 3}, {2, 3, 7}, {3, 4, 1.5}, {4, 5, 4}, {5, 6, 6}});
        MinCut mc = new MinCut(16);
        assertThat(mc.compute(w, 7)).isEqualTo(1.5);
        assertThat(sides(mc)).containsExactly(false, false, false, false, true, true, true);
    }

    @Test
    void starCutsItsLightestSpoke() {
        double[] w = fromEdges(5, new double[][] {{0, 1, 3}, {0, 2, 2}, {0, 3, 0.5}, {0, 4, 4}});
        MinCut mc = new MinCut(5);
        assertThat(mc.compute(w, 5)).isEqualTo(0.5);
        assertThat(sides(mc)).containsExactly(false, false, false, true, false);
    }

    @ParameterizedTest(name = "K{0}")
    @ValueSource(ints = {2, 3, 4, 7, 12, 40})
    void completeUnitGraphHasCutNMinusOne(int n) {
        double[] w = new double[n * n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) if (i != j) w[i * n + j] = 1.0;
        MinCut mc = new MinCut(64);
        assertThat(mc.compute(w, n)).isEqualTo(n - 1.0);
        assertThat(mc.smallerSideSize()).isEqualTo(1);
    }

    @Test
    void fewerThanTwoVerticesHaveNoCut() {
        MinCut mc = new MinCut(4);
        assertThat(mc.compute(new double[] {7.0}, 1)).isZero();
        assertThat(mc.hasCut()).isFalse();
        assertThat(mc.side(0)).isFalse();
        assertThat(mc.smallerSideSize()).isZero();
        assertThat(mc.compute(new double[0], 0)).isZero();
        assertThat(mc.hasCut()).isFalse();
    }

    @Test
    void disconnectedGraphCutsBetweenComponentsAtZero() {
        // Components {0, 2, 4} and {1, 3} (triangle and an edge).
        double[] w = fromEdges(5, new double[][] {{0, 2, 1}, {2, 4, 2}, {0, 4, 3}, {1, 3, 0.5}});
        MinCut mc = new MinCut(5);
        assertThat(mc.compute(w, 5)).isZero();
        assertThat(sides(mc)).containsExactly(false, true, false, true, false);
    }

    @Test
    void allZeroWeightsGiveAZeroCutWithTwoNonEmptySides() {
        MinCut mc = new MinCut(6);
        assertThat(mc.compute(new double[36], 6)).isZero();
        assertThat(mc.sideTrueCount()).isBetween(1, 5);
    }

    @Test
    void theDiagonalIsIgnoredAndTheInputIsNotModified() {
        double[] w = fromEdges(3, new double[][] {{0, 1, 2}, {1, 2, 1}, {0, 2, 4}});
        w[0] = 100;
        w[4] = 100;
        double[] copy = w.clone();
        MinCut mc = new MinCut(3);
        assertThat(mc.compute(w, 3)).isEqualTo(3.0);
        assertThat(w).containsExactly(copy);
    }

    @Test
    void deterministicPartitionsWithManyTies() {
        // A ring of unit edges: every pair of edges is a minimum cut; the answer must not vary.
        int n = 9;
        double[] w = new double[n * n];
        for (int i = 0; i < n; i++) {
            int j = (i + 1) % n;
            w[i * n + j] = 1;
            w[j * n + i] = 1;
        }
        MinCut a = new MinCut(n);
        MinCut b = new MinCut(32);
        a.compute(w, n);
        boolean[] first = sides(a);
        Random rnd = new Random(5);
        a.compute(randomGraph(rnd, 8, false), 8); // reuse in between must not leak state
        assertThat(a.compute(w, n)).isEqualTo(2.0);
        assertThat(sides(a)).containsExactly(first);
        assertThat(b.compute(w, n)).isEqualTo(2.0);
        assertThat(sides(b)).containsExactly(first);
    }

    @Test
    void subgraphEqualsExtractedCopy() {
        Random rnd = new Random(11);
        int n = 12;
        double[] w = randomGraph(rnd, n, false);
        int[] list = {99, 7, 2, 9, 3, 11, 0, 99};
        int m = 6;
        double[] sub = new double[m * m];
        for (int a = 0; a < m; a++) for (int b = 0; b < m; b++) sub[a * m + b] = w[list[1 + a] * n + list[1 + b]];
        MinCut mc = new MinCut(n);
        double direct = mc.compute(sub, m);
        boolean[] directSides = sides(mc);
        assertThat(mc.compute(w, n, list, 1, m)).isEqualTo(direct);
        assertThat(sides(mc)).containsExactly(directSides);
        assertThat(direct).isCloseTo(bruteForce(sub, m), within(1e-12));
    }

    @Test
    void repeatedCallsAllocateNothing() {
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        int n = 64;
        double[] w = randomGraph(new Random(3), n, false);
        int[] all = new int[n];
        for (int i = 0; i < n; i++) all[i] = i;
        MinCut mc = new MinCut(n);
        boolean[] out = new boolean[n];
        double sink = 0;
        for (int k = 0; k < 300; k++) {
            sink += mc.compute(w, n) + mc.compute(w, n, all, 8, 40);
            mc.copySides(out);
        }
        long before = bean.getThreadAllocatedBytes(id);
        for (int k = 0; k < 100; k++) {
            sink += mc.compute(w, n) + mc.compute(w, n, all, 8, 40);
            mc.copySides(out);
        }
        long after = bean.getThreadAllocatedBytes(id);
        assertThat(after - before).as("bytes allocated by 100 calls").isZero();
        assertThat(sink).isPositive();
    }

    @Test
    void badInputIsRejectedWithOneClearLine() {
        MinCut mc = new MinCut(4);
        assertThatThrownBy(() -> mc.compute(new double[25], 5)).isInstanceOf(McgtException.class)
                .hasMessageContaining("at most 4");
        assertThatThrownBy(() -> mc.compute(fromEdges(3, new double[][] {{0, 1, -1}}), 3))
                .isInstanceOf(McgtException.class).hasMessageContaining("non-negative");
        assertThatThrownBy(() -> mc.compute(fromEdges(3, new double[][] {{0, 1, Double.NaN}}), 3))
                .isInstanceOf(McgtException.class).hasMessageContaining("non-negative");
        double[] asym = new double[9];
        asym[1] = 1;
        assertThatThrownBy(() -> mc.compute(asym, 3)).isInstanceOf(McgtException.class)
                .hasMessageContaining("not symmetric");
        assertThatThrownBy(() -> mc.compute(new double[3], 2)).isInstanceOf(McgtException.class);
        assertThatThrownBy(() -> new MinCut(0)).isInstanceOf(McgtException.class).hasMessageContaining("1..4096");
    }

    /**
     * The selection rule written out as the textbook strict scan (first slot with the largest key), with the
     * same merge order: the optimised selection must give the same cut weight (bits) and the same sides.
     */
    private static double referenceCut(double[] weights, int n, boolean[] sidesOut) {
        double[] g = new double[n * n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) g[i * n + j] = i == j ? 0.0 : weights[i * n + j];
        int[] owner = new int[n];
        for (int v = 0; v < n; v++) owner[v] = v;
        double[] key = new double[n];
        boolean[] best = new boolean[n];
        double bestCut = Double.POSITIVE_INFINITY;
        for (int m = n; m > 1; m--) {
            key[0] = Double.NEGATIVE_INFINITY;
            System.arraycopy(g, 1, key, 1, m - 1);
            int s = 0;
            int t = 0;
            double cut = 0.0;
            for (int added = 1; added < m; added++) {
                int sel = 1;
                double sk = Double.NEGATIVE_INFINITY;
                for (int u = 0; u < m; u++) {
                    if (key[u] > sk) {
                        sk = key[u];
                        sel = u;
                    }
                }
                if (added == m - 1) {
                    t = sel;
                    cut = sk;
                } else {
                    s = sel;
                    key[sel] = Double.NEGATIVE_INFINITY;
                    for (int u = 0; u < m; u++) key[u] += g[sel * n + u];
                }
            }
            if (cut < bestCut) {
                bestCut = cut;
                for (int v = 0; v < n; v++) best[v] = owner[v] == t;
                if (bestCut == 0.0) break;
            }
            for (int u = 0; u < m; u++) {
                double w = g[s * n + u] + g[t * n + u];
                g[s * n + u] = w;
                g[u * n + s] = w;
            }
            g[s * n + s] = 0.0;
            int last = m - 1;
            if (t != last) {
                for (int u = 0; u < m; u++) g[t * n + u] = g[last * n + u];
                for (int u = 0; u < m; u++) g[u * n + t] = g[u * n + last];
                g[t * n + t] = 0.0;
            }
            int merged = s == last ? t : s;
            for (int v = 0; v < n; v++) {
                int o = owner[v];
                if (o == t || o == s) owner[v] = merged;
                else if (o == last) owner[v] = t;
            }
        }
        if (best[0]) for (int v = 0; v < n; v++) best[v] = !best[v];
        System.arraycopy(best, 0, sidesOut, 0, n);
        return bestCut;
    }

    @Test
    void sameCutAndSidesAsTheStrictScanOnTiesSignedZerosAndHugeWeights() {
        Random rnd = new Random(99);
        MinCut vectorOrDefault = new MinCut(40);
        MinCut scalar = new MinCut(40, dev.mcgt.kernel.KernelProvider.scalar());
        for (int t = 0; t < 600; t++) {
            MinCut mc = t % 2 == 0 ? vectorOrDefault : scalar;
            int n = 2 + rnd.nextInt(39);
            int kind = t % 4;
            double[] w = new double[n * n];
            for (int i = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++) {
                    double x = switch (kind) {
                        case 0 -> rnd.nextDouble();
                        case 1 -> rnd.nextInt(3) * 0.5;                                  // many ties
                        case 2 -> rnd.nextInt(4) == 0 ? -0.0 : rnd.nextInt(2);           // signed zeros
                        default -> rnd.nextInt(3) == 0 ? Double.MAX_VALUE / 3 : rnd.nextDouble(); // sums overflow
                    };
                    w[i * n + j] = x;
                    w[j * n + i] = x;
                }
            }
            boolean[] expectedSides = new boolean[n];
            double expected = referenceCut(w, n, expectedSides);
            double actual = mc.compute(w, n);
            assertThat(Double.doubleToRawLongBits(actual)).as("kind %d n %d", kind, n)
                    .isEqualTo(Double.doubleToRawLongBits(expected));
            for (int v = 0; v < n; v++) assertThat(mc.side(v)).as("kind %d n %d side %d", kind, n, v).isEqualTo(expectedSides[v]);
        }
    }
}
