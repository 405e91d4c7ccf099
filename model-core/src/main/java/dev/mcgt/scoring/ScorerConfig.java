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
 * @param skipRule     what a skipped chunk contributes to its document (encoders)
 * @param lens         the affine map applied to tier-1 chunk vectors before pooling (encoders), or null for none
 * @param textPrefix   text whose tokens go before every text document's own (e5's {@code "passage: "}, bge's
 *                     query instruction), "" for none; counted in {@code maxTokens}; token ids given directly
 *                     ({@link DocumentScorer#scoreDocument(String, int[])}) get none
 * @param headCoverage the rule that sends a tier-1 chunk whose head does not cover it to tier 0, or null for none
 */
public record ScorerConfig(int maxTokens, int chunkOverlap, boolean gate, UngatedMacs ungatedMacs, SkipRule skipRule,
                           TunedLens lens, String textPrefix, HeadCoverage headCoverage) {

    /** Validates every field with a one-line message. */
    public ScorerConfig {
        if (maxTokens < 0) throw McgtException.badConfig("max tokens per document cannot be negative, got " + maxTokens);
        if (chunkOverlap < 0) throw McgtException.badConfig("chunk overlap cannot be negative, got " + chunkOverlap);
        if (ungatedMacs == null) throw McgtException.badConfig("the ungated MAC mode must be set");
        if (skipRule == null) throw McgtException.badConfig("the skip rule must be set");
        if (textPrefix == null) textPrefix = "";
    }

    /** No head coverage rule. */
    public ScorerConfig(int maxTokens, int chunkOverlap, boolean gate, UngatedMacs ungatedMacs, SkipRule skipRule,
                        TunedLens lens, String textPrefix) {
        this(maxTokens, chunkOverlap, gate, ungatedMacs, skipRule, lens, textPrefix, null);
    }

    /** No text prefix. */
    public ScorerConfig(int maxTokens, int chunkOverlap, boolean gate, UngatedMacs ungatedMacs, SkipRule skipRule,
                        TunedLens lens) {
        this(maxTokens, chunkOverlap, gate, ungatedMacs, skipRule, lens, "");
    }

    /** The default skip rule ({@link SkipRule#NEAREST}), no lens. */
    public ScorerConfig(int maxTokens, int chunkOverlap, boolean gate, UngatedMacs ungatedMacs) {
        this(maxTokens, chunkOverlap, gate, ungatedMacs, SkipRule.NEAREST, null);
    }

    /** No token limit, no overlap, gate on, analytic ungated MACs, nearest skip rule, no lens. */
    public static ScorerConfig defaults() {
        return new ScorerConfig(0, 0, true, UngatedMacs.ANALYTIC);
    }

    public ScorerConfig withMaxTokens(int v) { return new ScorerConfig(v, chunkOverlap, gate, ungatedMacs, skipRule, lens, textPrefix, headCoverage); }

    public ScorerConfig withChunkOverlap(int v) { return new ScorerConfig(maxTokens, v, gate, ungatedMacs, skipRule, lens, textPrefix, headCoverage); }

    public ScorerConfig withGate(boolean v) { return new ScorerConfig(maxTokens, chunkOverlap, v, ungatedMacs, skipRule, lens, textPrefix, headCoverage); }

    public ScorerConfig withUngatedMacs(UngatedMacs v) { return new ScorerConfig(maxTokens, chunkOverlap, gate, v, skipRule, lens, textPrefix, headCoverage); }

    public ScorerConfig withSkipRule(SkipRule v) { return new ScorerConfig(maxTokens, chunkOverlap, gate, ungatedMacs, v, lens, textPrefix, headCoverage); }

    public ScorerConfig withLens(TunedLens v) { return new ScorerConfig(maxTokens, chunkOverlap, gate, ungatedMacs, skipRule, v, textPrefix, headCoverage); }

    public ScorerConfig withHeadCoverage(HeadCoverage v) {
        return new ScorerConfig(maxTokens, chunkOverlap, gate, ungatedMacs, skipRule, lens, textPrefix, v);
    }

    public ScorerConfig withTextPrefix(String v) {
        return new ScorerConfig(maxTokens, chunkOverlap, gate, ungatedMacs, skipRule, lens, v, headCoverage);
    }
}
