package dev.mcgt.scoring;

import dev.mcgt.McgtException;
import dev.mcgt.config.GatePolicy;
import dev.mcgt.runtime.CrossChunkContext;
import dev.mcgt.runtime.RuntimeOptions;
import dev.mcgt.runtime.TokenPruning;
import dev.mcgt.runtime.TruncatedTier;
import java.util.Locale;

/**
 * Everything that decides what gating costs and what it keeps of the model's answers, as one value that a policy
 * file carries ({@link GatingProfileJson}): the gate's thresholds, how tier 1 runs (its {@link Variant}: the
 * truncated tier, full depth on merged tokens, and either with a fitted {@link TunedLens}), what a skipped chunk
 * contributes ({@link SkipRule}) and whether earlier chunks' KV is read as context.
 *
 * @param policy   the gate's thresholds
 * @param pruning  token pruning for tier 1, or null for the truncated tier
 * @param truncated the truncated tier's own sizes, or null for the model's (not with pruning)
 * @param lens     the map of tier-1 vectors into the final space, or null
 * @param skipRule what a skipped chunk contributes
 * @param context  cross-chunk context
 * @param headCoverageMin for a truncated tier 1 with its own sizes: a chunk the gate sends to tier 1 whose head
 *                 (the tokens that tier keeps) covers the rest of the chunk less well than this
 *                 ({@link HeadCoverage}) runs at tier 0 instead; 0 for off
 */
public record GatingProfile(GatePolicy policy, TokenPruning pruning, TruncatedTier truncated, TunedLens lens,
                            SkipRule skipRule, CrossChunkContext context, float headCoverageMin) {

    /** Tier-1 token pruning when a profile does not say: 1 block on every token, then 32 tokens. */
    public static final TokenPruning DEFAULT_PRUNING = new TokenPruning(1, 32);

    /** The ways tier 1 can run. */
    public enum Variant {
        /** The first {@code layersDegraded} blocks on the first {@code seqLenDegraded} tokens (the original design's tier 1, docs/GATE.md). */
        TRUNCATED("truncated", false, false),
        /** Truncated, its vector mapped into the final space by a lens. */
        LENS("lens", false, true),
        /** Every block, tokens merged after the early blocks ({@link TokenPruning}). */
        PRUNED("pruned", true, false),
        /** Pruned, its vector mapped by a lens. */
        PRUNED_LENS("pruned+lens", true, true);

        private final String label;
        private final boolean pruned;
        private final boolean lens;

        Variant(String label, boolean pruned, boolean lens) {
            this.label = label;
            this.pruned = pruned;
            this.lens = lens;
        }

        /** The name in files and options. */
        public String label() { return label; }

        public boolean pruned() { return pruned; }

        public boolean usesLens() { return lens; }

        /** Parses {@link #label()}. */
        public static Variant parse(String s) {
            String v = s == null ? "" : s.toLowerCase(Locale.ROOT);
            for (Variant x : values()) if (x.label.equals(v)) return x;
            throw McgtException.badConfig("unknown tier-1 variant '" + s + "' (expected truncated, lens, pruned or pruned+lens)");
        }
    }

    /** Validates. */
    public GatingProfile {
        if (policy == null) throw McgtException.badConfig("a gating profile needs a policy");
        if (skipRule == null) throw McgtException.badConfig("a gating profile needs a skip rule");
        if (context == null) throw McgtException.badConfig("a gating profile needs a cross-chunk context choice");
        if (pruning != null && truncated != null) throw McgtException.badConfig("tier 1 is either pruned or truncated, not both");
        if (!(headCoverageMin >= 0f && headCoverageMin <= 1f)) {
            throw McgtException.badConfig("head coverage minimum must be in [0, 1], got " + headCoverageMin);
        }
        if (headCoverageMin > 0f && truncated == null) {
            throw McgtException.badConfig("a head coverage rule needs a tier 1 with its own truncated sizes (the lens variant)");
        }
        policy.validate();
    }

    /** Without a head coverage rule. */
    public GatingProfile(GatePolicy policy, TokenPruning pruning, TruncatedTier truncated, TunedLens lens,
                         SkipRule skipRule, CrossChunkContext context) {
        this(policy, pruning, truncated, lens, skipRule, context, 0f);
    }

    /** A policy with the defaults: pruned tier 1 ({@link #DEFAULT_PRUNING}), nearest skip rule, model's context. */
    public static GatingProfile of(GatePolicy policy) {
        return new GatingProfile(policy, DEFAULT_PRUNING, null, null, SkipRule.NEAREST, CrossChunkContext.MODEL_DEFAULT);
    }

    /** This profile's tier-1 variant. */
    public Variant variant() {
        if (pruning == null) return lens == null ? Variant.TRUNCATED : Variant.LENS;
        return lens == null ? Variant.PRUNED : Variant.PRUNED_LENS;
    }

    /**
     * This profile made to fit a model: decoders get {@link #forDecoder()}; an encoder too small for the default
     * pruning ({@link #DEFAULT_PRUNING}, not one a file asked for) keeps a quarter of its chunk (at least 2 tokens)
     * after its first layer, or runs the truncated tier when it has a single layer.
     */
    public GatingProfile forModel(dev.mcgt.config.TransformerConfig c) {
        if (!c.isEncoder()) return forDecoder();
        if (!DEFAULT_PRUNING.equals(pruning)) return this;
        if (c.layers() < 2) return withPruning(null);
        if (pruning.keepTokens() <= c.seqLenMax()) return this;
        return withPruning(new TokenPruning(1, Math.max(2, c.seqLenMax() / 4)));
    }

    /** Decoders have no pooled vector to prune or map: their profile runs the truncated tier 1 without a lens. */
    public GatingProfile forDecoder() {
        return new GatingProfile(policy, null, null, null, skipRule, context, 0f);
    }

    public GatingProfile withPolicy(GatePolicy v) { return new GatingProfile(v, pruning, truncated, lens, skipRule, context, headCoverageMin); }

    /** With token pruning (and the model's truncated sizes dropped), or none. */
    public GatingProfile withPruning(TokenPruning v) {
        return new GatingProfile(policy, v, v == null ? truncated : null, lens, skipRule, context,
                v == null ? headCoverageMin : 0f);
    }

    /** With the truncated tier's own sizes (and no pruning), or the model's. */
    public GatingProfile withTruncated(TruncatedTier v) {
        return new GatingProfile(policy, v == null ? pruning : null, v, lens, skipRule, context,
                v == null ? 0f : headCoverageMin);
    }

    public GatingProfile withLens(TunedLens v) { return new GatingProfile(policy, pruning, truncated, v, skipRule, context, headCoverageMin); }

    public GatingProfile withSkipRule(SkipRule v) { return new GatingProfile(policy, pruning, truncated, lens, v, context, headCoverageMin); }

    public GatingProfile withContext(CrossChunkContext v) { return new GatingProfile(policy, pruning, truncated, lens, skipRule, v, headCoverageMin); }

    /** With a head coverage rule (0: off; needs truncated sizes). */
    public GatingProfile withHeadCoverageMin(float v) {
        return new GatingProfile(policy, pruning, truncated, lens, skipRule, context, v);
    }

    /** {@code base} with this profile's tier-1 shape (pruning or truncated sizes) and cross-chunk context. */
    public RuntimeOptions runtimeOptions(RuntimeOptions base) {
        return base.withTokenPruning(null).withTruncatedTier(truncated).withTokenPruning(pruning)
                .withCrossChunkContext(context);
    }

    /** {@code base} with this profile's skip rule and lens. */
    public ScorerConfig scorerConfig(ScorerConfig base) {
        return base.withSkipRule(skipRule).withLens(lens)
                .withHeadCoverage(headCoverageMin > 0f ? new HeadCoverage(truncated.tokens(), headCoverageMin) : null);
    }

    /** One line for reports: variant, pruning, skip rule. */
    public String describe() {
        String p = pruning != null ? " (" + pruning.describe() + ")"
                : truncated != null ? " (" + truncated.layers() + " layer(s) on " + truncated.tokens() + " tokens)" : "";
        return variant().label() + p + ", skip " + skipRule.label()
                + (headCoverageMin > 0f ? ", tier 0 below head coverage " + headCoverageMin : "");
    }
}
