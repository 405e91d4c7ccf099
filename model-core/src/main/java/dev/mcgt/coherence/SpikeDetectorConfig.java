package dev.mcgt.coherence;

import dev.mcgt.McgtException;
import dev.mcgt.config.GatePolicy;
import dev.mcgt.gate.SpikePacket;

/**
 * Settings of the {@link SpikeDetector}.
 *
 * @param enabled          false: no spike packet at all (the gate then decides on λ alone)
 * @param thresholdQ15     a chunk fires when its novelty is at least this (Q15, 0..32767; default 2048, the
 *                         default policy's {@code spikeNoveltyQ15Min})
 * @param tokenWeight      share of the token-set distance in the novelty, the rest is the embedding distance
 *                         (0..1, default 0.5)
 * @param historyChunks    chunks whose token sets form the history (1..64, default 4)
 * @param meanWeight       weight of the newest chunk in the running mean vector (0 &lt; w ≤ 1, default 0.25)
 * @param rateShift        the fire rate moves 1/2^rateShift of the way to the new value per chunk (1..15,
 *                         default 4, i.e. an exponential moving average with α = 1/16)
 * @param topK             most novel positions reported (0..16, default 16; 0 = no top-k and no sparse mask)
 */
public record SpikeDetectorConfig(boolean enabled, int thresholdQ15, double tokenWeight, int historyChunks,
                                  double meanWeight, int rateShift, int topK) {

    /** Validates every field with a one-line message. */
    public SpikeDetectorConfig {
        if (thresholdQ15 < 0 || thresholdQ15 > 32767) {
            throw McgtException.badConfig("spike threshold must be in 0..32767, got " + thresholdQ15);
        }
        if (!(tokenWeight >= 0.0 && tokenWeight <= 1.0)) {
            throw McgtException.badConfig("spike token weight must be in 0..1, got " + tokenWeight);
        }
        if (historyChunks < 1 || historyChunks > 64) {
            throw McgtException.badConfig("spike history must hold 1..64 chunks, got " + historyChunks);
        }
        if (!(meanWeight > 0.0 && meanWeight <= 1.0)) {
            throw McgtException.badConfig("spike mean weight must be in (0, 1], got " + meanWeight);
        }
        if (rateShift < 1 || rateShift > 15) throw McgtException.badConfig("spike rate shift must be in 1..15, got " + rateShift);
        if (topK < 0 || topK > SpikePacket.MAX_TOP) {
            throw McgtException.badConfig("spike top-k must be in 0.." + SpikePacket.MAX_TOP + ", got " + topK);
        }
    }

    /** Enabled, threshold 2048, token weight 0.5, 4 chunks, mean weight 0.25, rate α 1/16, top 16. */
    public static SpikeDetectorConfig defaults() {
        return new SpikeDetectorConfig(true, 2048, 0.5, 4, 0.25, 4, SpikePacket.MAX_TOP);
    }

    /** The defaults with the policy's novelty threshold ({@code spikeNoveltyQ15Min}). */
    public static SpikeDetectorConfig fromPolicy(GatePolicy policy) {
        return defaults().withThresholdQ15(policy.spikeNoveltyQ15Min());
    }

    /** No spike detection. */
    public static SpikeDetectorConfig disabled() {
        return defaults().withEnabled(false);
    }

    public SpikeDetectorConfig withEnabled(boolean v) {
        return new SpikeDetectorConfig(v, thresholdQ15, tokenWeight, historyChunks, meanWeight, rateShift, topK);
    }

    public SpikeDetectorConfig withThresholdQ15(int v) {
        return new SpikeDetectorConfig(enabled, v, tokenWeight, historyChunks, meanWeight, rateShift, topK);
    }

    public SpikeDetectorConfig withTokenWeight(double v) {
        return new SpikeDetectorConfig(enabled, thresholdQ15, v, historyChunks, meanWeight, rateShift, topK);
    }

    public SpikeDetectorConfig withTopK(int v) {
        return new SpikeDetectorConfig(enabled, thresholdQ15, tokenWeight, historyChunks, meanWeight, rateShift, v);
    }
}
