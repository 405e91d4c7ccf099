package dev.mcgt.coherence;

import dev.mcgt.config.GatePolicy;

/**
 * What the {@link Calibrator} chose: the policy, the mix it aimed at and what replaying the sample through the
 * gate with that policy gives.
 *
 * @param policy      the calibrated policy
 * @param aimed       the mix the thresholds were chosen for
 * @param safePercent the tier-2 share aimed at, percent of all chunks
 * @param predicted   the tier counts of the replay of the sample
 */
public record CalibrationResult(GatePolicy policy, CalibrationMix aimed, double safePercent,
                                CalibrationCounts predicted) {

    /** The replayed mix (tier 2 excluded). */
    public CalibrationMix predictedMix() { return predicted.mix(); }
}
