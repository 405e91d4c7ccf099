package dev.mcgt.coherence;

/**
 * Chunks per tier of a run (replayed or real).
 *
 * @param tier0 full compute
 * @param tier1 reduced
 * @param tier2 safe
 * @param tier3 skipped (cheap scores and cache hits)
 */
public record CalibrationCounts(long tier0, long tier1, long tier2, long tier3) {

    /** Counts from an array indexed by tier (length 4). */
    public static CalibrationCounts of(long[] perTier) {
        return new CalibrationCounts(perTier[0], perTier[1], perTier[2], perTier[3]);
    }

    public long total() { return tier0 + tier1 + tier2 + tier3; }

    /** The skip/tier1/tier0 mix over the chunks outside tier 2. */
    public CalibrationMix mix() { return CalibrationMix.ofCounts(tier3, tier1, tier0); }

    /** Tier 2 in percent of all chunks (0 when there are none). */
    public double safePercent() { return total() == 0 ? 0.0 : 100.0 * tier2 / total(); }
}
