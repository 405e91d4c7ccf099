package dev.mcgt.coherence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcgt.McgtException;
import dev.mcgt.config.GatePolicy;
import dev.mcgt.gate.SpikePacket;
import dev.mcgt.stream.SpikeHistory;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SpikeDetectorTest {
    private static final int DIM = 8;

    /** A fixed random vector per token id, rows of {@link #DIM}. */
    private static float[] vectors(int[] ids) {
        float[] v = new float[ids.length * DIM];
        for (int i = 0; i < ids.length; i++) {
            SplittableRandom r = new SplittableRandom(1000L + ids[i]);
            for (int j = 0; j < DIM; j++) v[i * DIM + j] = (float) (r.nextDouble() * 2 - 1);
        }
        return v;
    }

    private static SpikePacket step(SpikeDetector d, SpikeHistory h, int... ids) {
        SpikePacket p = d.detect(h, ids, ids.length, vectors(ids));
        d.commit(h);
        return p;
    }

    private static SpikeDetector detector(SpikeDetectorConfig c) {
        return new SpikeDetector(c, 32, DIM);
    }

    private static SpikeHistory history() {
        return new SpikeHistory(4, DIM, 32);
    }

    @Test
    void theFirstChunkFiresWithMaximalNoveltyAndATopK() {
        SpikeDetector d = detector(SpikeDetectorConfig.defaults());
        SpikeHistory h = history();
        int[] ids = new int[20];
        for (int i = 0; i < ids.length; i++) ids[i] = i + 1;
        SpikePacket p = step(d, h, ids);
        assertThat(p.fired()).isEqualTo(1);
        assertThat(p.noveltyQ15()).isEqualTo(32767);
        assertThat(p.rateQ15()).isZero();
        assertThat(p.topLen()).isEqualTo(16);
        assertThat(p.useSparseMask()).isTrue();
        for (int i = 0; i < p.topLen(); i++) {
            assertThat(p.topWeight(i)).isBetween(16384, 32767);
            if (i > 0) assertThat(p.topWeight(i)).isLessThanOrEqualTo(p.topWeight(i - 1));
        }
        assertThat(h.observed()).isEqualTo(1);
        assertThat(h.fired()).isEqualTo(1);
        assertThat(h.seen(20)).isTrue();
    }

    @Test
    void anExactRepeatIsNotNovelAndDoesNotFire() {
        SpikeDetector d = detector(SpikeDetectorConfig.defaults());
        SpikeHistory h = history();
        step(d, h, 3, 4, 5, 6, 7);
        SpikePacket p = step(d, h, 3, 4, 5, 6, 7);
        assertThat(p.noveltyQ15()).isZero();
        assertThat(p.fired()).isZero();
        assertThat(p.topLen()).isZero();
        assertThat(p.flags()).isZero();
        // the same tokens in another order and multiplicity are not novel either
        assertThat(step(d, h, 7, 7, 6, 5, 4, 3, 3).noveltyQ15()).isLessThan(2048);
    }

    @Test
    void newTokensRankFirstInTheTopK() {
        SpikeDetector d = detector(SpikeDetectorConfig.defaults().withTopK(4));
        SpikeHistory h = history();
        step(d, h, 1, 2, 3, 4, 5, 6, 7, 8);
        // positions 2, 5 and 7 carry tokens never seen
        SpikePacket p = step(d, h, 1, 2, 50, 3, 4, 60, 5, 70, 6);
        assertThat(p.fired()).isEqualTo(1);
        assertThat(p.topLen()).isEqualTo(4);
        int[] top = p.topIdx();
        assertThat(new int[] {top[0], top[1], top[2]}).containsExactlyInAnyOrder(2, 5, 7);
        assertThat(top[3]).isNotIn(2, 5, 7);
        for (int i = 0; i < 3; i++) assertThat(p.topWeight(i)).isGreaterThanOrEqualTo(16384);
        assertThat(p.topWeight(3)).isLessThan(16384);
        // 3 of 9 distinct tokens are new: the token half of the novelty alone is 1/3 · 0.5
        assertThat(p.noveltyQ15()).isGreaterThanOrEqualTo((int) (32767 / 6.0));
    }

    @Test
    void theRateIsAnIntegerMovingAverageOfFires() {
        SpikeDetectorConfig c = SpikeDetectorConfig.defaults().withTokenWeight(1.0);
        SpikeDetector d = detector(c);
        SpikeHistory h = history();
        step(d, h, 1, 2, 3);
        int rate = 0;
        for (int k = 0; k < 6; k++) {
            SpikePacket p = step(d, h, 100 + 3 * k, 101 + 3 * k, 102 + 3 * k);
            assertThat(p.fired()).isEqualTo(1);
            rate = rate + ((32767 - rate) >> c.rateShift());
            assertThat(p.rateQ15()).isEqualTo(rate);
        }
        int[] last = {115, 116, 117};
        SpikePacket quiet = step(d, h, last);
        assertThat(quiet.fired()).isZero();
        assertThat(quiet.rateQ15()).isEqualTo(rate + ((0 - rate) >> c.rateShift()));
        assertThat(h.rateQ15()).isEqualTo(quiet.rateQ15());
        assertThat(h.fired()).isEqualTo(7);
        assertThat(h.observed()).isEqualTo(8);
    }

    @Test
    void theThresholdComesFromThePolicyAndDecidesFiring() {
        assertThat(SpikeDetectorConfig.fromPolicy(GatePolicy.conservative()).thresholdQ15()).isEqualTo(4096);
        SpikeDetector strict = detector(SpikeDetectorConfig.defaults().withThresholdQ15(32767).withTokenWeight(1.0));
        SpikeHistory h = history();
        step(strict, h, 1, 2, 3, 4);
        assertThat(step(strict, h, 1, 2, 3, 9).fired()).as("one of four tokens new").isZero();
        assertThat(step(strict, h, 20, 21).fired()).as("all new").isEqualTo(1);
    }

    @Test
    void detectionIsDeterministicAndCommitNeedsADetection() {
        int[] a = {5, 9, 9, 12, 30, 31, 2};
        int[] b = {5, 40, 41, 12};
        SpikePacket[] first = new SpikePacket[2];
        SpikePacket[] second = new SpikePacket[2];
        for (SpikePacket[] out : new SpikePacket[][] {first, second}) {
            SpikeDetector d = detector(SpikeDetectorConfig.defaults());
            SpikeHistory h = history();
            out[0] = step(d, h, a);
            out[1] = step(d, h, b);
        }
        assertThat(second).containsExactly(first);
        SpikeDetector d = detector(SpikeDetectorConfig.defaults());
        assertThatThrownBy(() -> d.commit(history())).isInstanceOf(McgtException.class);
        assertThatThrownBy(() -> d.detect(history(), new int[33], 33, new float[33 * DIM]))
                .hasMessageContaining("1..32");
        assertThatThrownBy(() -> SpikeDetectorConfig.defaults().withTopK(17)).hasMessageContaining("top-k");
    }
}
