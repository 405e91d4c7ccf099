package dev.mcgt.runtime;

import dev.mcgt.McgtException;
import dev.mcgt.gate.EnergyGateConfig;

/**
 * How a {@link GatedTransformer} runs beyond the gate's tiers.
 *
 * @param layerSelection               which blocks a reduced tier runs (EARLY_LAYERS by default)
 * @param modRouting                   Mixture-of-Depths, or null for off
 * @param earlyExit                    the λ early-exit rule, or null for off
 * @param representationExitThreshold  stop when the pooled hidden state changes by less than this relative L2
 *                                     between layers; 0 for off
 * @param sparseAttention              apply the probe's partition mask when the input carries partitions
 * @param skipOnCacheHit               skip (reason CACHE_HIT) when the input signature equals the stream's
 *                                     cached one, unless the packet forces the safe tier
 * @param energyAdvisor                the energy gate as a conservative advisor, or null for off
 * @param crossChunkContext            whether attention reads earlier chunks' keys and values from the KV cache
 *                                     as left context ({@link CrossChunkContext#MODEL_DEFAULT}: decoders yes,
 *                                     encoders no, so that an encoder's chunk vector is the model's own answer
 *                                     for that chunk); the cache is written either way
 * @param tokenPruning                 how tier 1 runs: null for the truncated tier (the first
 *                                     {@code layersDegraded} layers on {@code seqLenDegraded} tokens), else every
 *                                     layer with the tokens merged down after the early layers (encoders only)
 * @param truncatedTier                the truncated tier 1's own sizes (normal window), or null for the model's
 *                                     {@code layersDegraded}, {@code seqLenDegraded} and {@code windowDegraded};
 *                                     not with token pruning
 */
public record RuntimeOptions(LayerSelection layerSelection, ModRoutingConfig modRouting, EarlyExitConfig earlyExit,
                             float representationExitThreshold, boolean sparseAttention, boolean skipOnCacheHit,
                             EnergyGateConfig energyAdvisor, CrossChunkContext crossChunkContext,
                             TokenPruning tokenPruning, TruncatedTier truncatedTier) {

    /** The options without cross-chunk context choice and token pruning (model default, truncated tier 1). */
    public RuntimeOptions(LayerSelection layerSelection, ModRoutingConfig modRouting, EarlyExitConfig earlyExit,
                          float representationExitThreshold, boolean sparseAttention, boolean skipOnCacheHit,
                          EnergyGateConfig energyAdvisor) {
        this(layerSelection, modRouting, earlyExit, representationExitThreshold, sparseAttention, skipOnCacheHit,
                energyAdvisor, CrossChunkContext.MODEL_DEFAULT, null, null);
    }

    /**
     * Early layers, no routing, no early exit, no partition mask, no cache-hit skip, no energy advisor, the
     * model's default cross-chunk context, truncated tier 1.
     */
    public static RuntimeOptions defaults() {
        return new RuntimeOptions(LayerSelection.EARLY_LAYERS, null, null, 0f, false, false, null);
    }

    /**
     * @return these options
     * @throws McgtException BAD_CONFIG when a field is invalid
     */
    public RuntimeOptions validate() {
        if (layerSelection == null) throw McgtException.badConfig("layer selection must be set");
        if (!(representationExitThreshold >= 0f) || Float.isInfinite(representationExitThreshold)) {
            throw McgtException.badConfig("representation exit threshold must be a finite number >= 0, got "
                    + representationExitThreshold);
        }
        if (modRouting != null) modRouting.validate();
        if (crossChunkContext == null) throw McgtException.badConfig("cross-chunk context must be set");
        if (tokenPruning != null && truncatedTier != null) {
            throw McgtException.badConfig("tier 1 is either pruned or truncated, not both");
        }
        return this;
    }

    /** Whether a model of this kind reads earlier chunks' KV as context with these options. */
    public boolean readsCrossChunkContext(boolean encoder) {
        return switch (crossChunkContext) {
            case ON -> true;
            case OFF -> false;
            case MODEL_DEFAULT -> !encoder;
        };
    }

    public RuntimeOptions withCrossChunkContext(CrossChunkContext v) {
        return new RuntimeOptions(layerSelection, modRouting, earlyExit, representationExitThreshold, sparseAttention,
                skipOnCacheHit, energyAdvisor, v, tokenPruning, truncatedTier);
    }

    public RuntimeOptions withTokenPruning(TokenPruning v) {
        return new RuntimeOptions(layerSelection, modRouting, earlyExit, representationExitThreshold, sparseAttention,
                skipOnCacheHit, energyAdvisor, crossChunkContext, v, truncatedTier);
    }

    public RuntimeOptions withTruncatedTier(TruncatedTier v) {
        return new RuntimeOptions(layerSelection, modRouting, earlyExit, representationExitThreshold, sparseAttention,
                skipOnCacheHit, energyAdvisor, crossChunkContext, tokenPruning, v);
    }

    public RuntimeOptions withLayerSelection(LayerSelection v) {
        return new RuntimeOptions(v, modRouting, earlyExit, representationExitThreshold, sparseAttention,
                skipOnCacheHit, energyAdvisor, crossChunkContext, tokenPruning, truncatedTier);
    }

    public RuntimeOptions withModRouting(ModRoutingConfig v) {
        return new RuntimeOptions(layerSelection, v, earlyExit, representationExitThreshold, sparseAttention,
                skipOnCacheHit, energyAdvisor, crossChunkContext, tokenPruning, truncatedTier);
    }

    public RuntimeOptions withEarlyExit(EarlyExitConfig v) {
        return new RuntimeOptions(layerSelection, modRouting, v, representationExitThreshold, sparseAttention,
                skipOnCacheHit, energyAdvisor, crossChunkContext, tokenPruning, truncatedTier);
    }

    public RuntimeOptions withRepresentationExitThreshold(float v) {
        return new RuntimeOptions(layerSelection, modRouting, earlyExit, v, sparseAttention, skipOnCacheHit,
                energyAdvisor, crossChunkContext, tokenPruning, truncatedTier);
    }

    public RuntimeOptions withSparseAttention(boolean v) {
        return new RuntimeOptions(layerSelection, modRouting, earlyExit, representationExitThreshold, v,
                skipOnCacheHit, energyAdvisor, crossChunkContext, tokenPruning, truncatedTier);
    }

    public RuntimeOptions withSkipOnCacheHit(boolean v) {
        return new RuntimeOptions(layerSelection, modRouting, earlyExit, representationExitThreshold, sparseAttention,
                v, energyAdvisor, crossChunkContext, tokenPruning, truncatedTier);
    }

    public RuntimeOptions withEnergyAdvisor(EnergyGateConfig v) {
        return new RuntimeOptions(layerSelection, modRouting, earlyExit, representationExitThreshold, sparseAttention,
                skipOnCacheHit, v, crossChunkContext, tokenPruning, truncatedTier);
    }
}
