package dev.mcgt.coherence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcgt.McgtException;
import dev.mcgt.gate.GatePacket;
import dev.mcgt.kernel.QuantizedMatrix;
import dev.mcgt.model.ModelWeights;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CoherenceProbeTest {
    private static final int DIM = 48;

    /** Tokens near one of two orthogonal directions; cluster of token i is {@code inB[i]}. */
    static float[][] clusters(Random rnd, boolean[] inB, double noise) {
        float[] a = new float[DIM];
        float[] b = new float[DIM];
        for (int c = 0; c < DIM / 2; c++) a[c] = (float) rnd.nextGaussian();
        for (int c = DIM / 2; c < DIM; c++) b[c] = (float) rnd.nextGaussian();
        float[][] v = new float[inB.length][DIM];
        for (int i = 0; i < inB.length; i++) {
            float[] centre = inB[i] ? b : a;
            for (int c = 0; c < DIM; c++) v[i][c] = centre[c] + (float) (noise * rnd.nextGaussian());
        }
        return v;
    }

    static int countB(boolean[] inB) {
        int c = 0;
        for (boolean b : inB) if (b) c++;
        return c;
    }

    static double[] unitClique(int n, int[]... groups) {
        double[] w = new double[n * n];
        for (int[] g : groups) {
            for (int i : g) for (int j : g) if (i != j) w[i * n + j] = 1.0;
        }
        return w;
    }

    static CoherenceProbe probe(int maxTokens) {
        return new CoherenceProbe(CoherenceProbeConfig.defaults(), maxTokens);
    }

    @Test
    void twoClearClustersGiveTwoPartitionsWithTheBoundaryBetweenThem() {
        boolean[] inB = new boolean[24];
        Random rnd = new Random(7);
        for (int i = 0; i < inB.length; i++) inB[i] = rnd.nextBoolean();
        inB[0] = false;
        inB[1] = true;
        CoherenceReport r = probe(32).probe(clusters(new Random(8), inB, 0.1));

        assertThat(r.partitionCount()).isEqualTo(2);
        int[] part = r.partitionIds();
        boolean[] sides = r.sides();
        for (int i = 0; i < inB.length; i++) {
            assertThat(part[i]).as("partition of token %d", i).isEqualTo(inB[i] ? 1 : 0);
            assertThat(sides[i]).as("side of token %d", i).isEqualTo(inB[i]);
        }
        // Every boundary edge crosses between the clusters; the cut is light compared with a token's degree.
        for (int id : r.topBoundaryEdgeIds()) assertThat(inB[id / 24]).isNotEqualTo(inB[id % 24]);
        assertThat(r.cutWeight() / Math.min(r.partitionIds().length - countB(inB), countB(inB))).isLessThan(1.0);
        assertThat(r.lambda()).isEqualTo(Math.round(r.cutWeight() * 1000));
    }

    @Test
    void oneClusterIsOnePartitionWithAStrongCut() {
        boolean[] inB = new boolean[20];
        CoherenceReport r = probe(32).probe(clusters(new Random(9), inB, 0.1));
        assertThat(r.partitionCount()).isEqualTo(1);
        assertThat(r.partitionIds()).containsOnly(0);
        assertThat(r.cutWeight()).isGreaterThan(10.0); // one token against 19 very similar ones
        assertThat(r.boundaryEdges()).isPositive();
    }

    @Test
    void twoCliquesJoinedByOneLightEdge() {
        int n = 10;
        double[] w = unitClique(n, new int[] {0, 1, 2, 3, 4}, new int[] {5, 6, 7, 8, 9});
        w[4 * n + 7] = 0.25;
        w[7 * n + 4] = 0.25;
        CoherenceReport r = probe(16).probeWeights(w, n);

        assertThat(r.cutWeight()).isEqualTo(0.25);
        assertThat(r.lambda()).isEqualTo(250);
        assertThat(r.partitionCount()).isEqualTo(2);
        assertThat(r.partitionIds()).containsExactly(0, 0, 0, 0, 0, 1, 1, 1, 1, 1);
        assertThat(r.sides()).containsExactly(false, false, false, false, false, true, true, true, true, true);
        assertThat(r.boundaryEdges()).isEqualTo(1);
        assertThat(r.topBoundaryEdgeIds()).containsExactly(4 * n + 7);
        assertThat(r.boundaryTokens()).containsExactly(4, 7);
        assertThat(r.boundaryConcentrationQ15()).isEqualTo(32767); // all cut weight on one edge

        GatePacket p = r.toGatePacket(300);
        assertThat(p).isEqualTo(new GatePacket(250, 300, 1, 32767, 2, GatePacket.FLAG_BOUNDARY_IDS_AVAILABLE));
        assertThat(p.boundaryIdsAvailable()).isTrue();
    }

    @Test
    void pathGivesItsLightestEdgeAndSplitsThere() {
        double[] w = MinCutTest.fromEdges(7,
                new double[][] {{0, 1, 5}, {1, 2, 3}, {2, 3, 7}, {3, 4, 1.5}, {4, 5, 4}, {5, 6, 6}});
        CoherenceReport r = probe(8).probeWeights(w, 7);
        assertThat(r.lambda()).isEqualTo(1500);
        assertThat(r.partitionIds()).containsExactly(0, 0, 0, 0, 1, 1, 1);
        assertThat(r.boundaryTokens()).containsExactly(3, 4);
        assertThat(r.topBoundaryEdgeIds()).containsExactly(3 * 7 + 4);
    }

    @Test
    void starGivesItsLightestSpoke() {
        double[] w = MinCutTest.fromEdges(5, new double[][] {{0, 1, 3}, {0, 2, 2}, {0, 3, 0.5}, {0, 4, 4}});
        CoherenceReport r = probe(8).probeWeights(w, 5);
        assertThat(r.lambda()).isEqualTo(500);
        // The weak spoke (0.5 per token on the smaller side) splits leaf 3 off; the rest holds.
        assertThat(r.partitionCount()).isEqualTo(2);
        assertThat(r.partitionIds()).containsExactly(0, 0, 0, 1, 0);
    }

    @Test
    void completeUnitGraphIsOnePartAndConcentrationCountsTheTopFourEdges() {
        int n = 6;
        CoherenceReport r = probe(8).probeWeights(unitClique(n, new int[] {0, 1, 2, 3, 4, 5}), n);
        assertThat(r.lambda()).isEqualTo(5000);
        assertThat(r.partitionCount()).isEqualTo(1);
        assertThat(r.boundaryEdges()).isEqualTo(5);
        assertThat(r.boundaryTokens()).containsExactly(0, 1, 2, 3, 4, 5);
        assertThat(r.boundaryConcentrationQ15()).isEqualTo(26214); // 4 of 5 equal edges: 0.8 · 32768
        // Ties keep the lower ids first; all five edges touch the single cut-off token.
        int[] ids = r.topBoundaryEdgeIds();
        assertThat(ids).hasSize(5).isSorted();
    }

    @Test
    void recursiveCuttingStopsAtDepthAndPartitionCaps() {
        // Nothing is connected: every cut is weak and weighs 0. The first zero cut Stoer–Wagner meets peels
        // off the last token, so each split removes one token and the depth bounds the count.
        double[] zero = new double[40 * 40];
        assertThat(probe(64).probeWeights(zero, 40).partitionCount()).isEqualTo(5);
        CoherenceProbeConfig d = CoherenceProbeConfig.defaults();
        CoherenceProbeConfig depth2 = new CoherenceProbeConfig(1000, 0, 0.1, 1.0, 2, 16, 4, false);
        CoherenceProbeConfig cap3 = new CoherenceProbeConfig(1000, 0, 0.1, 1.0, 4, 3, 4, false);
        assertThat(new CoherenceProbe(depth2, 64).probeWeights(zero, 40).partitionCount()).isEqualTo(3);
        CoherenceReport r = new CoherenceProbe(cap3, 64).probeWeights(zero, 40);
        assertThat(r.partitionCount()).isEqualTo(3);
        assertThat(new CoherenceProbe(d.withWeakCutRatio(0), 64).probeWeights(zero, 40).partitionCount()).isEqualTo(1);
        // Four disconnected unit cliques of 8 split into exactly the cliques, whatever the order of the cuts.
        int[][] groups = new int[4][8];
        for (int i = 0; i < 32; i++) groups[i % 4][i / 4] = i;
        CoherenceReport q = probe(64).probeWeights(unitClique(32, groups), 32);
        assertThat(q.partitionCount()).isEqualTo(4);
        for (int i = 0; i < 32; i++) assertThat(q.partitionIds()[i]).isEqualTo(i % 4);
        // Parts are numbered in order of their first token.
        int[] ids = r.partitionIds();
        int seen = -1;
        for (int id : ids) {
            assertThat(id).isLessThanOrEqualTo(seen + 1);
            seen = Math.max(seen, id);
        }
        assertThat(seen).isEqualTo(2);
        assertThat(r.lambda()).isZero();
        assertThat(r.boundaryEdges()).isZero();
        assertThat(r.toGatePacket(0).flags()).isZero();
    }

    @Test
    void emptyAndSingleTokenChunks() {
        CoherenceProbe p = probe(4);
        CoherenceReport one = p.probe(new float[][] {{1f, 2f}});
        assertThat(one.hasCut()).isFalse();
        assertThat(one.lambda()).isZero();
        assertThat(one.partitionCount()).isEqualTo(1);
        assertThat(one.partitionIds()).containsExactly(0);
        assertThat(one.toGatePacket(5)).isEqualTo(new GatePacket(0, 5, 0, 0, 1, 0));
        CoherenceReport none = p.probe(new float[0], 0, 8);
        assertThat(none.partitionCount()).isZero();
        assertThat(none.tokens()).isZero();
    }

    @Test
    void deterministicAcrossProbesAndReuse() {
        Random rnd = new Random(21);
        int n = 48;
        float[] v = new float[n * 64];
        for (int i = 0; i < v.length; i++) v[i] = (float) rnd.nextGaussian();
        CoherenceProbe a = probe(64);
        CoherenceProbe b = probe(128);
        CoherenceReport first = a.probe(v, n, 64);
        a.probe(clusters(rnd, new boolean[] {false, true, true, false}, 0.2));
        assertThat(a.probe(v, n, 64)).isEqualTo(first);
        assertThat(b.probe(v, n, 64)).isEqualTo(first);
    }

    @Test
    void modelEmbeddingsAreDequantizedRowsWithOptionalPositions() {
        Random rnd = new Random(4);
        int vocab = 10;
        int d = 16;
        float[] tok = new float[vocab * d];
        float[] pos = new float[8 * d];
        for (int i = 0; i < tok.length; i++) tok[i] = (float) rnd.nextGaussian();
        for (int i = 0; i < pos.length; i++) pos[i] = (float) rnd.nextGaussian() * 0.5f;
        QuantizedMatrix tq = QuantizedMatrix.quantize(vocab, d, tok, null);
        QuantizedMatrix pq = QuantizedMatrix.quantize(8, d, pos, null);
        ModelWeights model = new ModelWeights(null, tq, pq, null, null, null, List.of(), null, null, null, null);
        int[] ids = {9, 3, 3, 0, 7};

        float[] out = new float[5 * d];
        assertThat(TokenGraph.embeddingVectors(model, ids, 0, 5, true, out)).isEqualTo(d);
        float[] expected = new float[5 * d];
        for (int p = 0; p < 5; p++) {
            for (int c = 0; c < d; c++) {
                expected[p * d + c] = tq.weights()[ids[p] * d + c] * tq.scales()[ids[p]]
                        + pq.weights()[p * d + c] * pq.scales()[p];
            }
        }
        assertThat(out).containsExactly(expected);

        // Without positions, the repeated token 3 has cosine 1 with itself.
        CoherenceProbe p = probe(8);
        CoherenceReport r = p.probe(model, ids);
        TokenGraph g = new TokenGraph(8);
        float[] plain = new float[5 * d];
        TokenGraph.embeddingVectors(model, ids, 0, 5, false, plain);
        g.build(plain, 5, d, 0);
        assertThat(g.weight(1, 2)).isEqualTo(1.0);
        assertThat(r).isEqualTo(probe(8).probe(plain, 5, d));
        // A sub-range of the id array is a chunk of its own.
        assertThat(p.probe(model, new int[] {1, 9, 3, 3, 0, 7, 2}, 1, 5)).isEqualTo(r);

        assertThatThrownBy(() -> p.probe(model, new int[] {1, 10})).isInstanceOf(McgtException.class)
                .hasMessageContaining("token id 10 at position 1");
        assertThatThrownBy(() -> p.probe(model, new int[9])).isInstanceOf(McgtException.class)
                .hasMessageContaining("at most 8");
    }

    @Test
    void hotPathAnalysisAllocatesNothingAfterWarmUp() {
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        Random rnd = new Random(2);
        boolean[] inB = new boolean[64];
        for (int i = 0; i < inB.length; i++) inB[i] = i % 3 == 0;
        float[][] rows = clusters(rnd, inB, 0.05);
        float[] flat = new float[64 * DIM];
        for (int i = 0; i < 64; i++) System.arraycopy(rows[i], 0, flat, i * DIM, DIM);
        CoherenceProbe p = probe(64);
        int[] top = new int[8];
        long sink = 0;
        // the Vector API parts allocate until C2 has compiled them, which in a fresh JVM can take longer than one
        // warm-up round: warm up again (at most 20 times) until a round of 100 analyses allocates nothing; code that
        // allocates once compiled does so in every round and fails
        long allocated = Long.MAX_VALUE;
        for (int attempt = 0; attempt < 20 && allocated > 0; attempt++) {
            for (int k = 0; k < 2_000; k++) sink += p.analyze(flat, 64, DIM) + p.copyTopBoundaryEdgeIds(top);
            long before = bean.getThreadAllocatedBytes(id);
            for (int k = 0; k < 100; k++) sink += p.analyze(flat, 64, DIM) + p.copyTopBoundaryEdgeIds(top) + p.partitionOf(5);
            allocated = Math.min(allocated, bean.getThreadAllocatedBytes(id) - before);
        }
        assertThat(allocated).as("bytes allocated by 100 analyses").isZero();
        assertThat(sink).isPositive();
        assertThat(p.partitionCount()).isEqualTo(2);
        assertThat(p.report().toGatePacket(1)).isEqualTo(p.gatePacket(1));
    }

    @Test
    void gatePacketClampsToFieldRanges() {
        CoherenceReport r = new CoherenceReport(2, 1e12, 0xFFFF_FFFFL, new boolean[] {false, true}, 70_000, 32767,
                70_000, new int[] {1}, new int[] {0, 1}, new int[] {0, 1});
        GatePacket p = r.toGatePacket(0xFFFF_FFFFL);
        assertThat(p).isEqualTo(new GatePacket(0xFFFF_FFFFL, 0xFFFF_FFFFL, 65535, 32767, 65535, 4));
        assertThat(CoherenceProbe.scaleLambda(1e12, 1000)).isEqualTo(0xFFFF_FFFFL);
        assertThat(CoherenceProbe.scaleLambda(0.0004, 1000)).isZero();
        assertThat(CoherenceProbe.scaleLambda(0.0005, 1000)).isEqualTo(1);
    }

    @Test
    void badConfigAndInputAreRejected() {
        assertThatThrownBy(() -> new CoherenceProbeConfig(0, 0, 0.1, 1, 4, 16, 4, false))
                .isInstanceOf(McgtException.class).hasMessageContaining("lambda scale");
        assertThatThrownBy(() -> CoherenceProbeConfig.defaults().withTopK(-1)).hasMessageContaining("top-k");
        assertThatThrownBy(() -> CoherenceProbeConfig.defaults().withWeakCutRatio(Double.NaN))
                .hasMessageContaining("weak cut ratio");
        assertThatThrownBy(() -> new CoherenceProbeConfig(1000, 0, 0.1, 1, 4, 0, 4, false))
                .hasMessageContaining("max partitions");
        assertThatThrownBy(() -> new CoherenceProbeConfig(1000, 0, 0.1, 1, 4, 16, 17, false))
                .hasMessageContaining("concentration edges");
        CoherenceProbe p = probe(4);
        assertThatThrownBy(() -> p.probe(new float[][] {{1, 2}, {1}})).isInstanceOf(McgtException.class)
                .hasMessageContaining("token vector 1");
        assertThatThrownBy(() -> p.probe(new float[][] {{1, Float.NaN}})).hasMessageContaining("not finite");
        assertThatThrownBy(() -> p.probe(new float[10], 5, 2)).hasMessageContaining("at most 4");
    }
}
