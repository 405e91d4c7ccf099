package dev.mcgt.gate;

/**
 * Why the gate decided what it did. The first eight keep the original design's ordinals (docs/GATE.md); SPIKE_INACTIVE and
 * CACHE_HIT name the skip tier's real cause (the original reported NONE), ENERGY_ADVISOR marks a decision the
 * optional energy gate made more conservative.
 */
public enum GateReason {
    NONE,
    LAMBDA_BELOW_MIN,
    LAMBDA_DROPPED_FAST,
    BOUNDARY_SPIKE,
    BOUNDARY_CONCENTRATION_SPIKE,
    PARTITION_DRIFT,
    SPIKE_STORM,
    FORCED_BY_FLAG,
    SPIKE_INACTIVE,
    CACHE_HIT,
    ENERGY_ADVISOR
}
