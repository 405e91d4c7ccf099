package dev.mcgt.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.mcgt.McgtException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The λ history ring with its running statistics, and the spike history's token sets and mean. */
class StreamHistoryTest {

    @Test
    void lambdaHistoryKeepsTheLastValuesAndStatisticsOfAll() {
        LambdaHistory h = new LambdaHistory(4);
        assertThat(h.last()).isZero();
        assertThat(h.isEmpty()).isTrue();
        long[] values = {100, 250, 40, 40, 900, 13, 7};
        for (long v : values) h.add(v);
        assertThat(h.size()).isEqualTo(4);
        assertThat(h.count()).isEqualTo(7);
        assertThat(h.last()).isEqualTo(7);
        assertThat(new long[] {h.get(0), h.get(1), h.get(2), h.get(3)}).containsExactly(40, 900, 13, 7);
        double mean = 0;
        for (long v : values) mean += v;
        mean /= values.length;
        double var = 0;
        for (long v : values) var += (v - mean) * (v - mean);
        var /= values.length;
        assertThat(h.mean()).isCloseTo(mean, within(1e-9));
        assertThat(h.variance()).isCloseTo(var, within(1e-6));
        assertThat(h.copy()).isEqualTo(h);
        LambdaHistory other = h.copy();
        other.add(1);
        assertThat(other).isNotEqualTo(h);
        assertThatThrownBy(() -> h.add(-1)).isInstanceOf(McgtException.class);
        assertThatThrownBy(() -> h.add(0x1_0000_0000L)).isInstanceOf(McgtException.class);
        assertThatThrownBy(() -> new LambdaHistory(0)).hasMessageContaining("capacity");
    }

    @Test
    void welfordStaysAccurateOnLargeValues() {
        LambdaHistory h = new LambdaHistory(8);
        SplittableRandom r = new SplittableRandom(3);
        double sum = 0;
        double sumSq = 0;
        int n = 10_000;
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            v[i] = 4_000_000_000L + r.nextInt(1000);
            h.add(v[i]);
            sum += v[i];
        }
        double mean = sum / n;
        for (long x : v) sumSq += (x - mean) * (x - mean);
        assertThat(h.mean()).isCloseTo(mean, within(1e-3));
        assertThat(h.variance()).isCloseTo(sumSq / n, within(1.0));
    }

    @Test
    void spikeHistoryRemembersTheLastChunksTokenSets() {
        SpikeHistory h = new SpikeHistory(2, 3, 4);
        assertThat(h.observed()).isZero();
        assertThat(h.seen(5)).isFalse();
        h.record(new int[] {1, 5, 9}, 3, new float[] {1, 0, 0}, true, 100);
        h.record(new int[] {2, 3, 4, 6, 7, 8}, 6, new float[] {0, 1, 0}, false, 90);
        assertThat(h.seen(5)).isTrue();
        assertThat(h.seen(7)).isTrue();
        assertThat(h.seen(10)).isFalse();
        h.record(new int[] {10}, 1, new float[] {0, 0, 1}, true, 80);
        assertThat(h.seen(5)).as("evicted with the oldest chunk").isFalse();
        assertThat(h.seen(10)).isTrue();
        assertThat(h.size()).isEqualTo(2);
        assertThat(h.tokenSet(0)).containsExactly(2, 3, 4, 6, 7, 8);
        assertThat(h.observed()).isEqualTo(3);
        assertThat(h.fired()).isEqualTo(2);
        assertThat(h.rateQ15()).isEqualTo(80);
        assertThat(h.mean(2)).isEqualTo(1f);
        assertThat(h.copy()).isEqualTo(h);

        SpikeHistory same = h.withDim(3);
        assertThat(same.hasMean()).isTrue();
        assertThat(same).isEqualTo(h);
        SpikeHistory wider = h.withDim(5);
        assertThat(wider.hasMean()).isFalse();
        assertThat(wider.seen(10)).isTrue();
        assertThat(wider.rateQ15()).isEqualTo(80);
        assertThat(wider.observed()).isEqualTo(3);
        assertThatThrownBy(() -> h.record(new int[] {1}, 1, new float[] {0, 0, 0}, true, 40000))
                .hasMessageContaining("spike rate");
    }
}
