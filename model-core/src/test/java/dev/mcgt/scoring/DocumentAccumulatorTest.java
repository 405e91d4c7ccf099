package dev.mcgt.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The pooling rule (every chunk's vector with weight 1) and the document figures. */
class DocumentAccumulatorTest {
    private static final float[] A = {1, 0, 0};
    private static final float[] B = {0, 1, 0};
    private static final float[] C = {0, 0, 1};
    private static final float[] ZERO = {0, 0, 0};

    private static void computed(DocumentAccumulator acc, int tier, float[] out) {
        acc.add(tier, false, false, 10, 100, 200, 1.0, out);
    }

    @Test
    void everyChunkVectorCountsOnceWhateverItsTier() {
        DocumentAccumulator acc = new DocumentAccumulator(3);
        computed(acc, 1, C);                                  // tier 1: its vector is in the final space
        computed(acc, 0, A);
        acc.add(3, true, false, 5, 0, 200, 0.0, A);           // skipped: the scorer put its nearest chunk's vector
        computed(acc, 0, B);
        acc.add(3, true, true, 7, 0, 200, 0.0, ZERO);         // skipped under the "none" rule: zeros
        float[] e = acc.embedding();
        double n = Math.sqrt(2 * 2 + 1 + 1);
        assertThat(e).containsExactly((float) (2 / n), (float) (1 / n), (float) (1 / n));
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
    void aZeroSumGivesZerosAndWidthsAreChecked() {
        DocumentAccumulator none = new DocumentAccumulator(3);
        none.add(3, true, false, 1, 0, 0, 0.0, ZERO);
        assertThat(none.embedding()).containsExactly(0f, 0f, 0f);
        assertThat(new DocumentAccumulator(3).embedding()).containsExactly(0f, 0f, 0f);
        assertThatThrownBy(() -> none.add(0, false, false, 1, 0, 0, 0, new float[2]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
