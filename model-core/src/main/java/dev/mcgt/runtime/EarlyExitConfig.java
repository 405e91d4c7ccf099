package dev.mcgt.runtime;

import dev.mcgt.McgtException;

/**
 * Settings of the λ early-exit rule (docs/GATE.md). Q15 fields are 0..32767, λ is unsigned 32-bit.
 *
 * @param exitLayer                   the layer before which an exit may happen (adaptive: ±1)
 * @param minLambdaForExit            λ below this never exits
 * @param minLambdaStabilityQ15       stability below this never exits
 * @param maxBoundaryConcentrationQ15 concentration above this never exits
 * @param speculativeTokens           > 0 enables speculation after an exit
 * @param verificationLayers          kept from the original design (validated only)
 * @param adaptiveExitLayer           move the exit layer by λ stability
 * @param minConfidenceQ15            confidence needed to exit
 */
public record EarlyExitConfig(int exitLayer, long minLambdaForExit, int minLambdaStabilityQ15,
                              int maxBoundaryConcentrationQ15, int speculativeTokens, int verificationLayers,
                              boolean adaptiveExitLayer, int minConfidenceQ15) {

    /** The reference default: exit layer 2, λ ≥ 80, stability 28000, concentration ≤ 16384, confidence 26214. */
    public static EarlyExitConfig defaults() {
        return new EarlyExitConfig(2, 80, 28000, 16384, 4, 2, true, 26214);
    }

    /** The reference's aggressive preset: exit layer 1, λ ≥ 60, stability 24576, confidence 22937. */
    public static EarlyExitConfig aggressive() {
        return new EarlyExitConfig(1, 60, 24576, 20000, 8, 1, true, 22937);
    }

    /** The reference's conservative preset: exit layer 3, λ ≥ 100, stability 30000, not adaptive. */
    public static EarlyExitConfig conservative() {
        return new EarlyExitConfig(3, 100, 30000, 12000, 2, 4, false, 29491);
    }

    public EarlyExitConfig withAdaptiveExitLayer(boolean v) {
        return new EarlyExitConfig(exitLayer, minLambdaForExit, minLambdaStabilityQ15, maxBoundaryConcentrationQ15,
                speculativeTokens, verificationLayers, v, minConfidenceQ15);
    }

    /**
     * The reference's checks in its order and with its messages, then range checks of ours.
     *
     * @return this config
     * @throws McgtException BAD_CONFIG
     */
    public EarlyExitConfig validate(int maxLayers) {
        if (exitLayer >= maxLayers) throw McgtException.badConfig("exit_layer must be less than total layers");
        if (verificationLayers > maxLayers) throw McgtException.badConfig("verification_layers cannot exceed total layers");
        if (minLambdaStabilityQ15 > 32767) throw McgtException.badConfig("min_lambda_stability_q15 must be <= 32767");
        if (maxBoundaryConcentrationQ15 > 32767) {
            throw McgtException.badConfig("max_boundary_concentration_q15 must be <= 32767");
        }
        if (minConfidenceQ15 > 32767) throw McgtException.badConfig("min_confidence_q15 must be <= 32767");
        if (exitLayer < 0 || verificationLayers < 0 || minLambdaStabilityQ15 < 0 || maxBoundaryConcentrationQ15 < 0
                || minConfidenceQ15 < 0 || speculativeTokens < 0 || speculativeTokens > 255) {
            throw McgtException.badConfig("early-exit fields cannot be negative (speculative_tokens at most 255)");
        }
        if (minLambdaForExit < 0 || minLambdaForExit > 0xFFFF_FFFFL) {
            throw McgtException.badConfig("min_lambda_for_exit must be in 0..4294967295");
        }
        return this;
    }
}
