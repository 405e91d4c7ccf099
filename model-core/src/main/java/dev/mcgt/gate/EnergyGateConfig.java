package dev.mcgt.gate;

/** Weights and thresholds of the {@link EnergyGate} (docs/GATE.md). {@code gradientSteps} is kept but unused. */
public record EnergyGateConfig(float lambdaWeight, float boundaryPenaltyWeight, float partitionEntropyWeight,
                               float convexityRadius, int gradientSteps, float energyThreshold,
                               float energyQuarantineThreshold, float minConfidence, float lambdaNorm) {

    /** The reference defaults: weights 1.0/0.5/0.3, radius 2, thresholds 0.5/0.9, min confidence 0.6, λ norm 150. */
    public static EnergyGateConfig defaults() {
        return new EnergyGateConfig(1.0f, 0.5f, 0.3f, 2.0f, 3, 0.5f, 0.9f, 0.6f, 150.0f);
    }
}
