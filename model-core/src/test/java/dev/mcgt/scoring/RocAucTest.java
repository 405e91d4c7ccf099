package dev.mcgt.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class RocAucTest {
    @Test
    void perfectInverseAndRandom() {
        boolean[] y = {false, false, true, true};
        assertThat(RocAuc.of(new double[] {0.1, 0.2, 0.8, 0.9}, y)).isEqualTo(1.0);
        assertThat(RocAuc.of(new double[] {0.9, 0.8, 0.2, 0.1}, y)).isEqualTo(0.0);
        assertThat(RocAuc.of(new double[] {0.5, 0.5, 0.5, 0.5}, y)).isEqualTo(0.5);
    }

    @Test
    void handComputedWithTies() {
        // positives 0.8, 0.4, 0.4; negatives 0.4, 0.2. Pairs (pos > neg = 1, tie = ½):
        // 0.8: 1 + 1; 0.4: ½ + 1; 0.4: ½ + 1  → 5 of 6
        double[] s = {0.8, 0.4, 0.4, 0.4, 0.2};
        boolean[] y = {true, true, true, false, false};
        assertThat(RocAuc.of(s, y)).isCloseTo(5.0 / 6.0, within(1e-12));
        // one misordered pair of four: 3/4
        assertThat(RocAuc.of(new double[] {0.3, 0.6, 0.5, 0.9}, new boolean[] {false, false, true, true}))
                .isCloseTo(0.75, within(1e-12));
    }

    @Test
    void needsBothClasses() {
        assertThatThrownBy(() -> RocAuc.of(new double[] {1, 2}, new boolean[] {true, true}))
                .hasMessageContaining("both positive and negative");
        assertThatThrownBy(() -> RocAuc.of(new double[] {1}, new boolean[] {true, false})).hasMessageContaining("one class");
        assertThatThrownBy(() -> RocAuc.of(new double[] {Double.NaN, 1}, new boolean[] {true, false}))
                .hasMessageContaining("not finite");
    }

    @Test
    void evaluationHelpers() {
        assertThat(Evaluation.positiveLabel(List.of("ham", "spam", "ham"), null)).isEqualTo("spam");
        assertThat(Evaluation.positiveLabel(List.of("a", "c", "b"), null)).isEqualTo("c");
        assertThat(Evaluation.positiveLabel(List.of("a", "c"), "a")).isEqualTo("a");
        assertThatThrownBy(() -> Evaluation.positiveLabel(List.of("a", "c"), "x")).hasMessageContaining("'x' is not among");
        double[] sorted = new double[100];
        for (int i = 0; i < 100; i++) sorted[i] = i;
        assertThat(Evaluation.percentile(sorted, 5)).isEqualTo(4.0);
        Evaluation.CosineStats c = Evaluation.cosines(List.of(new float[] {1, 0}, new float[] {1, 0}),
                List.of(new float[] {1, 0}, new float[] {0, 1}));
        assertThat(c.mean()).isEqualTo(0.5);
        assertThat(c.min()).isEqualTo(0.0);
        assertThat(c.p5()).isEqualTo(0.0);
    }

    @Test
    void nearestCentroidFitsEvenAndScoresOdd() {
        // even indices train: a=(1,0), b=(0,1); odd indices test: one right, one wrong
        List<String> labels = List.of("a", "a", "b", "b");
        List<float[]> v = List.of(new float[] {1, 0}, new float[] {0.9f, 0.1f}, new float[] {0, 1}, new float[] {1, 0.2f});
        Evaluation.Classification c = Evaluation.nearestCentroid("fp", labels, v, "b");
        assertThat(c.train()).isEqualTo(2);
        assertThat(c.test()).isEqualTo(2);
        assertThat(c.accuracy()).isEqualTo(0.5);
        // margins for b: test a (0.9,0.1) → ~-0.78, test b (1,0.2) → ~-0.78+… lower than a's? compute: b has the
        // higher b-margin (0.196-0.981 = -0.785 vs 0.110-0.994 = -0.884), so AUC 1
        assertThat(c.auc()).isEqualTo(1.0);
    }

    @Test
    void aPositiveLabelWithoutTrainingDocumentsGivesAccuracyAndNoAuc() {
        List<String> labels = List.of("a", "a", "b", "c", "a", "b");
        List<float[]> v = List.of(new float[] {1, 0}, new float[] {0.9f, 0.1f}, new float[] {0, 1}, new float[] {0, 1},
                new float[] {1, 0.1f}, new float[] {0.1f, 1});
        Evaluation.Classification c = Evaluation.nearestCentroid("fp", labels, v, "c");
        assertThat(c.test()).isEqualTo(3);
        assertThat(c.accuracy()).isEqualTo(2.0 / 3);
        assertThat(c.auc()).isNaN();
    }
}
