package dev.mcgt.scoring;

/** How the {@link DocumentScorer} finds the MACs of an ungated run, the denominator of the MAC ratio. */
public enum UngatedMacs {
    /** Not computed (MAC ratios are NaN). */
    NONE,
    /**
     * Counted from the config and the chunk lengths by {@link UngatedCost}: every chunk at tier 0, all layers,
     * all tokens, the normal window, no routing or early exit, every chunk writing the KV cache. Free.
     */
    ANALYTIC,
    /**
     * {@link DocumentScorer#scoreDocument} also runs every chunk ungated on a fresh stream and counts what ran
     * (twice the compute). Per-chunk calls ({@code scoreChunk}) fall back to ANALYTIC.
     */
    MEASURED
}
