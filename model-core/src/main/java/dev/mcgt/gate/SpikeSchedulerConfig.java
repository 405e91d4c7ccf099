package dev.mcgt.gate;

/** Thresholds of the {@link SpikeScheduler} (docs/GATE.md); {@code noveltyHighThresholdQ15} is kept but unused. */
public record SpikeSchedulerConfig(int rateSkipThresholdQ15, int rateTier1ThresholdQ15, int rateTier2ThresholdQ15,
                                   int noveltyLowThresholdQ15, int noveltyHighThresholdQ15, int sparseMinPositions) {

    /** The reference defaults: 1024, 8192, 16384, 4096, 16384, 4. */
    public static SpikeSchedulerConfig defaults() {
        return new SpikeSchedulerConfig(1024, 8192, 16384, 4096, 16384, 4);
    }
}
