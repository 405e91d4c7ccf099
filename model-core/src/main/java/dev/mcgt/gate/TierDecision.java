package dev.mcgt.gate;

/**
 * The gate's verdict for one inference: decision and reason, compute tier (0 full, 1 reduced, 2 safe,
 * 3 skip) and the sizes that tier runs with.
 */
public record TierDecision(GateDecision decision, GateReason reason, int tier, int layersToRun,
                           int effectiveSeqLen, int effectiveWindow, boolean skip) {
}
