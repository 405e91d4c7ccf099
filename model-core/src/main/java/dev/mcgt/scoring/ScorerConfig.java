package dev.mcgt.scoring;

import dev.mcgt.McgtException;

/**
 * Settings of the {@link DocumentScorer}.
 *
 * @param maxTokens    most content tokens scored per document (the rest is dropped and counted); 0 = no limit
 * @param chunkOverlap content tokens shared by consecutive chunks (must be below the chunk's content room)
 * @param gate         true: probe, spikes and the gate decide each chunk's tier; false: every chunk runs tier 0
 *                     with the full window, no skipping, no routing or early exit (the ungated reference)
 * @param ungatedMacs  how the MACs of an ungated run are found for the MAC ratio
 */
public record ScorerConfig(int maxTokens, int chunkOverlap, boolean gate, UngatedMacs ungatedMacs) {

    /** Validates every field with a one-line message. */
    public ScorerConfig {
        if (maxTokens < 0) throw McgtException.badConfig("max tokens per document cannot be negative, got " + maxTokens);
        if (chunkOverlap < 0) throw McgtException.badConfig("chunk overlap cannot be negative, got " + chunkOverlap);
        if (ungatedMacs == null) throw McgtException.badConfig("the ungated MAC mode must be set");
    }

    /** No token limit, no overlap, gate on, analytic ungated MACs. */
    public static ScorerConfig defaults() {
        return new ScorerConfig(0, 0, true, UngatedMacs.ANALYTIC);
    }

    public ScorerConfig withMaxTokens(int v) { return new ScorerConfig(v, chunkOverlap, gate, ungatedMacs); }

    public ScorerConfig withChunkOverlap(int v) { return new ScorerConfig(maxTokens, v, gate, ungatedMacs); }

    public ScorerConfig withGate(boolean v) { return new ScorerConfig(maxTokens, chunkOverlap, v, ungatedMacs); }

    public ScorerConfig withUngatedMacs(UngatedMacs v) { return new ScorerConfig(maxTokens, chunkOverlap, gate, v); }
}
