package dev.mcgt.gate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Golden values of the spike scheduler and the token signatures (docs/GATE.md). */
class SpikeSchedulerTest {
    private final SpikeScheduler scheduler = new SpikeScheduler();

    @ParameterizedTest(name = "rate {0} novelty {1} -> tier {2}")
    @CsvSource({"0,20000,3", "1023,20000,3", "1024,20000,2", "8191,20000,2", "8192,20000,1", "16384,20000,0",
            "16384,4095,1", "16384,4096,0", "8192,4095,2", "2000,100,2"})
    void tierGolden(int rate, int novelty, int tier) {
        SpikeSchedule s = scheduler.evaluate(SpikePacket.of(1, rate, novelty));
        assertThat(s.shouldRun()).isTrue();
        assertThat(s.suggestedTier()).isEqualTo(tier);
    }

    @Test
    void notFiredSkips() {
        assertThat(scheduler.evaluate(SpikePacket.of(0, 30000, 30000)))
                .isEqualTo(new SpikeSchedule(false, 3, false, 0));
    }

    @Test
    void sparseMaskNeedsFlagAndEnoughPositions() {
        SpikePacket three = new SpikePacket(1, 20000, 20000, new int[] {1, 2, 3}, new int[] {1, 1, 1},
                SpikePacket.FLAG_SPARSE_MASK);
        SpikePacket four = new SpikePacket(1, 20000, 20000, new int[] {1, 2, 3, 4}, new int[] {1, 1, 1, 1},
                SpikePacket.FLAG_SPARSE_MASK);
        SpikePacket noFlag = new SpikePacket(1, 20000, 20000, new int[8], new int[8], 0);
        assertThat(scheduler.evaluate(three).useSparseMask()).isFalse();
        assertThat(scheduler.evaluate(four)).isEqualTo(new SpikeSchedule(true, 0, true, 4));
        assertThat(scheduler.evaluate(noFlag).useSparseMask()).isFalse();
    }

    @Test
    void maskAndWeightedPositions() {
        SpikePacket p = new SpikePacket(1, 1, 1, new int[] {5, 10, 15, 70}, new int[] {8192, 16384, 4096, 1},
                SpikePacket.FLAG_SPARSE_MASK);
        boolean[] mask = SpikeScheduler.buildSparseMask(p, 64);
        assertThat(mask[5] && mask[10] && mask[15]).isTrue();
        int set = 0;
        for (boolean b : mask) set += b ? 1 : 0;
        assertThat(set).isEqualTo(3);
        assertThat(SpikeScheduler.weightedPositions(p).get(0).index()).isEqualTo(10);
        assertThat(SpikeScheduler.weightedPositions(p).get(0).weight()).isEqualTo(0.5f);
        // Without SPARSE_MASK the top-k positions are ignored.
        SpikePacket noMask = new SpikePacket(1, 1, 1, new int[] {5}, new int[] {8192}, 0);
        assertThat(SpikeScheduler.buildSparseMask(noMask, 8)).containsOnly(false);
    }

    @Test
    void signaturesGolden() {
        assertThat(Signatures.hex(Signatures.ofTokens(new int[] {1, 2, 3, 4}))).isEqualTo("be7a5e775165785d");
        assertThat(Signatures.hex(Signatures.ofTokens(new int[0]))).isEqualTo("cbf29ce484222325");
        assertThat(Signatures.hex(Signatures.ofEmbedding(new byte[] {-1, 0, 1}))).isEqualTo("1e0973e78f08d351");
        // Whole 32-bit values are mixed in, zero-extended.
        assertThat(Signatures.ofTokens(new int[] {-1})).isNotEqualTo(Signatures.ofTokens(new int[] {255}));
    }
}
