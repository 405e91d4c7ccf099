package dev.mcgt.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The depth-aware pooling rule and the document figures. */
class DocumentAccumulatorTest {
    private static final float[] A = {1, 0, 0};
    private static final float[] B = {0, 1, 0};
    private static final float[] C = {0, 0, 1};

    private static void computed(DocumentAccumulator acc, int tier, float[] out) {
        acc.add(tier, false, false, 10, 100, 200, 1.0, out);
    }

    @Test
    void fullDepthVectorsWinAndCheapChunksStandForTheLastOne() {
        DocumentAccumulator acc = new DocumentAccumulator(3);
        computed(acc, 1, C);                                  // reduced depth: not pooled while a tier 0 exists
        computed(acc, 0, A);
        acc.add(3, true, false, 5, 0, 200, 0.0, B);           // cheap score: stands for A
        computed(acc, 0, B);
        acc.add(3, true, true, 7, 0, 200, 0.0, B);            // cache hit on the tier-0 output B
        float[] e = acc.embedding();
        double n = Math.sqrt(2 * 2 + 2 * 2);
        assertThat(e).containsExactly((float) (2 / n), (float) (2 / n), 0f);
        assertThat(acc.chunks()).isEqualTo(5);
        assertThat(acc.tierCounts()).containsExactly(2, 1, 0, 2);
        assertThat(acc.skippedChunks()).isEqualTo(2);
        assertThat(acc.cacheHits()).isEqualTo(1);
        assertThat(acc.lambdaMin()).isEqualTo(5);
        assertThat(acc.lambdaMax()).isEqualTo(10);
        assertThat(acc.lambdaMean()).isEqualTo(8.4);
        assertThat(acc.macs()).isEqualTo(300);
        assertThat(acc.ungatedMacs()).isEqualTo(1000);
    }

    @Test
    void withoutAFullDepthChunkTheReducedOnesAreUsedThenTheCheapOnes() {
        DocumentAccumulator reduced = new DocumentAccumulator(3);
        reduced.add(3, true, false, 1, 0, 0, 0.0, A);         // cheap, nothing computed yet
        computed(reduced, 2, C);
        reduced.add(3, true, true, 1, 0, 0, 0.0, C);          // cache hit on a reduced-depth output
        assertThat(reduced.embedding()).containsExactly(0f, 0f, 1f);

        DocumentAccumulator cheap = new DocumentAccumulator(3);
        cheap.add(3, true, false, 1, 0, 0, 0.0, A);
        cheap.add(3, true, false, 1, 0, 0, 0.0, B);
        float s = (float) (1 / Math.sqrt(2));
        assertThat(cheap.embedding()).containsExactly(s, s, 0f);
        assertThat(new DocumentAccumulator(3).embedding()).containsExactly(0f, 0f, 0f);
        assertThatThrownBy(() -> cheap.add(0, false, false, 1, 0, 0, 0, new float[2]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
