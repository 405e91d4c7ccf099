package dev.mcgt.gate;

/**
 * What the {@link SpikeScheduler} suggests for a spike packet: whether to run at all, a tier, and whether the
 * top-k positions are enough for a sparse attention mask.
 */
public record SpikeSchedule(boolean shouldRun, int suggestedTier, boolean useSparseMask, int sparsePositions) {
}
