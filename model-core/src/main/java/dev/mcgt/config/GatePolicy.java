package dev.mcgt.config;

import dev.mcgt.McgtException;

/**
 * Thresholds of the gate controller (docs/GATE.md). λ is an unsigned 32-bit value held in a long; the Q15
 * fields are 0..32767. {@code spikeNoveltyQ15Min} and the two {@code allow*WhenUnstable} flags are kept for
 * the controller's helpers that inference does not call (docs/GATE.md) and for calibration; the rule path does not read them.
 */
public record GatePolicy(
        long lambdaMin, int dropRatioQ15Max, int boundaryEdgesMax, int boundaryConcentrationQ15Max,
        int partitionsMax, int spikeRateQ15Max, int spikeNoveltyQ15Min, boolean allowKvWriteWhenUnstable,
        boolean allowExternalWriteWhenUnstable) {

    /** The reference's default policy: λmin 30, drop 12288, edges 20, concentration 20480, partitions 10. */
    public static GatePolicy defaults() {
        return new GatePolicy(30, 12288, 20, 20480, 10, 16384, 2048, true, false);
    }

    /** Stricter thresholds: λmin 50, drop 8192, edges 10, concentration 16384, partitions 5. */
    public static GatePolicy conservative() {
        return new GatePolicy(50, 8192, 10, 16384, 5, 8192, 4096, false, false);
    }

    /** Looser thresholds: λmin 20, drop 16384, edges 50, concentration 24576, partitions 20. */
    public static GatePolicy permissive() {
        return new GatePolicy(20, 16384, 50, 24576, 20, 24576, 1024, true, false);
    }

    /** A preset by name: {@code default}, {@code conservative} or {@code permissive}. */
    public static GatePolicy preset(String name) {
        return switch (name) {
            case "default", "defaults" -> defaults();
            case "conservative" -> conservative();
            case "permissive" -> permissive();
            default -> throw McgtException.badConfig(
                    "unknown policy '" + name + "' (expected default, conservative, permissive or a .json file)");
        };
    }

    /**
     * The reference's four Q15 checks in order, then range checks on the unsigned fields.
     *
     * @return this policy
     */
    public GatePolicy validate() {
        if (dropRatioQ15Max > 32767) throw McgtException.badConfig("drop_ratio_q15_max exceeds Q15 range");
        if (boundaryConcentrationQ15Max > 32767) {
            throw McgtException.badConfig("boundary_concentration_q15_max exceeds Q15 range");
        }
        if (spikeRateQ15Max > 32767) throw McgtException.badConfig("spike_rate_q15_max exceeds Q15 range");
        if (spikeNoveltyQ15Min > 32767) throw McgtException.badConfig("spike_novelty_q15_min exceeds Q15 range");
        if (lambdaMin < 0 || lambdaMin > 0xFFFF_FFFFL) {
            throw McgtException.badConfig("lambda_min must be in 0..4294967295, got " + lambdaMin);
        }
        if (dropRatioQ15Max < 0 || boundaryConcentrationQ15Max < 0 || spikeRateQ15Max < 0 || spikeNoveltyQ15Min < 0) {
            throw McgtException.badConfig("Q15 thresholds cannot be negative");
        }
        if (boundaryEdgesMax < 0 || boundaryEdgesMax > 0xFFFF || partitionsMax < 0 || partitionsMax > 0xFFFF) {
            throw McgtException.badConfig("boundary_edges_max and partitions_max must be in 0..65535");
        }
        return this;
    }
}
