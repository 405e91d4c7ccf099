package dev.mcgt.coherence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcgt.McgtException;
import dev.mcgt.config.GatePolicy;
import dev.mcgt.config.PolicyJson;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CalibratorTest {
    private final Calibrator calibrator = Calibrator.withDefaults();

    /**
     * 100 streams of 1 + 10 chunks. Non-first chunk j of stream s has novelty 100·(10·s'+j)… made distinct:
     * the 1,000 non-first chunks have novelties 0..999 (×10), boundary edges = rank among them (0..999),
     * everything else flat (λ rising, concentration 0, one partition).
     */
    private static CalibrationSample distinct() {
        List<List<CalibrationChunk>> streams = new ArrayList<>();
        int k = 0;
        for (int s = 0; s < 100; s++) {
            List<CalibrationChunk> chunks = new ArrayList<>();
            chunks.add(CalibrationChunk.of(100, 0, 0, 0, 1, 32767));
            for (int j = 0; j < 10; j++) {
                int novelty = 10 * ((k * 7) % 1000); // a permutation of 0..999, times 10
                int edges = (k * 13) % 1000;         // another permutation
                chunks.add(CalibrationChunk.of(100 + j, 99 + j, edges, 0, 1, novelty));
                k++;
            }
            streams.add(chunks);
        }
        return new CalibrationSample(streams);
    }

    @Test
    void knownQuantilesGiveTheExactMix() {
        CalibrationSample sample = distinct(); // 1,100 chunks: 100 first chunks always run
        CalibrationMix target = CalibrationMix.parse("40/40/20"); // 440 skipped, 440 tier 1, 220 tier 0
        CalibrationResult r = calibrator.calibrate(sample, target, 0);
        GatePolicy p = r.policy();
        assertThat(p.spikeNoveltyQ15Min()).isEqualTo(4400); // novelties 0..4390 (440 chunks) are below it
        assertThat(p.lambdaMin()).isZero();
        assertThat(p.spikeRateQ15Max()).isEqualTo(Calibrator.STORM_OFF);
        assertThat(r.predicted()).isEqualTo(new CalibrationCounts(220, 440, 0, 440));
        assertThat(r.predictedMix().distance(target)).isZero();
        // the flags of the base policy are kept, the policy round-trips through JSON
        assertThat(p.allowKvWriteWhenUnstable()).isEqualTo(GatePolicy.defaults().allowKvWriteWhenUnstable());
        assertThat(PolicyJson.fromJson(PolicyJson.toJson(p))).isEqualTo(p);
    }

    @Test
    void otherMixesAreExactToo() {
        CalibrationSample sample = distinct();
        for (String mix : new String[] {"70/20/10", "10/50/40", "5/30/65", "0/0/100", "0/100/0"}) {
            CalibrationMix target = CalibrationMix.parse(mix);
            CalibrationResult r = calibrator.calibrate(sample, target, 0);
            assertThat(r.predictedMix().distance(target)).as(mix).isLessThan(1e-9);
            assertThat(calibrator.replay(sample, r.policy())).isEqualTo(r.predicted());
        }
    }

    @Test
    void firstChunksAlwaysRunSoTheSkipShareIsCappedByThem() {
        // 1,000 streams of 1 chunk: nothing can be skipped
        List<List<CalibrationChunk>> streams = new ArrayList<>();
        for (int s = 0; s < 1000; s++) streams.add(List.of(CalibrationChunk.of(100, 0, s % 100, 0, 1, 32767)));
        CalibrationResult r = calibrator.calibrate(new CalibrationSample(streams), CalibrationMix.parse("40/40/20"), 0);
        assertThat(r.predicted().tier3()).isZero();
        assertThat(r.predicted().tier1() + r.predicted().tier0()).isEqualTo(1000);
    }

    @Test
    void safePercentSendsTheLowestLambdasToTierTwo() {
        List<List<CalibrationChunk>> streams = new ArrayList<>();
        for (int s = 0; s < 100; s++) {
            // λ 1..100 on the first (never skipped) chunk, no other signal
            streams.add(List.of(CalibrationChunk.of(s + 1, 0, 0, 0, 1, 32767)));
        }
        CalibrationResult r = calibrator.calibrate(new CalibrationSample(streams), CalibrationMix.parse("0/0/100"), 10);
        assertThat(r.policy().lambdaMin()).isEqualTo(11); // λ 1..10 are below
        assertThat(r.predicted()).isEqualTo(new CalibrationCounts(90, 0, 10, 0));
        assertThat(r.predicted().safePercent()).isEqualTo(10.0);
    }

    @Test
    void theReplayFollowsTheGateOrderSpikeRateAndCacheHits() {
        GatePolicy p = new GatePolicy(0, 32767, 5, 32767, 65535, 32767, 1000, true, false);
        List<CalibrationChunk> stream = List.of(
                new CalibrationChunk(100, 0, 9, 0, 1, 32767, 42L, true),   // first: runs, boundary 9 > 5 → tier 1
                new CalibrationChunk(100, 100, 0, 0, 1, 500, 43L, true),   // novelty below 1000 → skip
                new CalibrationChunk(100, 100, 0, 0, 1, 5000, 42L, true),  // runs but equals the last computed → skip
                new CalibrationChunk(100, 100, 0, 0, 1, 5000, 44L, true)); // tier 0
        assertThat(calibrator.replayStream(stream, p)).containsExactly(1, 3, 3, 0);
        // with a storm threshold the rate matters: rate after chunks 2..4 with shift 4 = 0, 2047, 3967
        GatePolicy storm = new GatePolicy(0, 32767, 5, 32767, 65535, 3000, 1000, true, false);
        assertThat(calibrator.replayStream(stream, storm)).containsExactly(1, 3, 3, 2);
    }

    @Test
    void tiesMakeTheMixApproximateAndTheNearestIsKept() {
        // every non-first chunk has the same novelty: skip all or nothing
        List<List<CalibrationChunk>> streams = new ArrayList<>();
        for (int s = 0; s < 10; s++) {
            List<CalibrationChunk> c = new ArrayList<>();
            c.add(CalibrationChunk.of(100, 0, 0, 0, 1, 32767));
            for (int j = 0; j < 9; j++) c.add(CalibrationChunk.of(100, 100, j, 0, 1, 2000));
            streams.add(c);
        }
        CalibrationResult r = calibrator.calibrate(new CalibrationSample(streams), CalibrationMix.parse("40/40/20"), 0);
        assertThat(r.predicted().tier3()).isZero(); // 0 is nearer to 40 than 90
        assertThat(r.predicted().total()).isEqualTo(100);
    }

    @Test
    void mixParsing() {
        assertThat(CalibrationMix.parse("40/40/20")).isEqualTo(new CalibrationMix(40, 40, 20));
        assertThat(CalibrationMix.parse(" 33.5/33.5/33 ")).isEqualTo(new CalibrationMix(33.5, 33.5, 33));
        assertThat(CalibrationMix.parse("40/40/20").toString()).isEqualTo("40/40/20");
        assertThatThrownBy(() -> CalibrationMix.parse("40/40")).isInstanceOf(McgtException.class)
                .hasMessageContaining("has 2 part(s)");
        assertThatThrownBy(() -> CalibrationMix.parse("40/40/30")).hasMessageContaining("sums to 110, not 100");
        assertThatThrownBy(() -> CalibrationMix.parse("40/x/60")).hasMessageContaining("'x' is not a number");
        assertThatThrownBy(() -> CalibrationMix.parse("-10/50/60")).hasMessageContaining("0..100");
        assertThatThrownBy(() -> CalibrationMix.parse("")).hasMessageContaining("mix is empty");
    }

    @Test
    void correctedAimMovesByTheMiss() {
        CalibrationMix aim = CalibrationMix.parse("40/40/20");
        CalibrationMix got = new CalibrationMix(45, 35, 20);
        assertThat(Calibrator.corrected(aim, aim, got)).isEqualTo(new CalibrationMix(35, 45, 20));
    }

    @Test
    void badArguments() {
        CalibrationSample sample = distinct();
        assertThatThrownBy(() -> calibrator.calibrate(sample, CalibrationMix.parse("40/40/20"), 100))
                .hasMessageContaining("safe share");
        assertThatThrownBy(() -> new CalibrationSample(List.of(List.of()))).hasMessageContaining("no chunks");
        assertThatThrownBy(() -> CalibrationChunk.of(1, 0, 0, 0, 1, 40000)).hasMessageContaining("novelty");
    }
}
