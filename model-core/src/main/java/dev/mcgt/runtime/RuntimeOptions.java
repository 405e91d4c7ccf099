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
 */
public record RuntimeOptions(LayerSelection layerSelection, ModRoutingConfig modRouting, EarlyExitConfig earlyExit,
                             float representationExitThreshold, boolean sparseAttention, boolean skipOnCacheHit,
                             EnergyGateConfig energyAdvisor) {

    /** Early layers, no routing, no early exit, no partition mask, no cache-hit skip, no energy advisor. */
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
        return this;
    }

    public RuntimeOptions withLayerSelection(LayerSelection v) {
        return new RuntimeOptions(v, modRouting, earlyExit, representationExitThreshold, sparseAttention,
                skipOnCacheHit, energyAdvisor);
    }

    public RuntimeOptions withModRouting(ModRoutingConfig v) {
        return new RuntimeOptions(layerSelection, v, earlyExit, representationExitThreshold, sparseAttention,
                skipOnCacheHit, energyAdvisor);
    }

    public RuntimeOptions withEarlyExit(EarlyExitConfig v) {
        return new RuntimeOptions(layerSelection, modRouting, v, representationExitThreshold, sparseAttention,
                skipOnCacheHit, energyAdvisor);
    }

    public RuntimeOptions withRepresentationExitThreshold(float v) {
        return new RuntimeOptions(layerSelection, modRouting, earlyExit, v, sparseAttention, skipOnCacheHit,
                energyAdvisor);
    }

    public RuntimeOptions withSparseAttention(boolean v) {
        return new RuntimeOptions(layerSelection, modRouting, earlyExit, representationExitThreshold, v,
                skipOnCacheHit, energyAdvisor);
    }

    public RuntimeOptions withSkipOnCacheHit(boolean v) {
        return new RuntimeOptions(layerSelection, modRouting, earlyExit, representationExitThreshold, sparseAttention,
                v, energyAdvisor);
    }

    public RuntimeOptions withEnergyAdvisor(EnergyGateConfig v) {
        return new RuntimeOptions(layerSelection, modRouting, earlyExit, representationExitThreshold, sparseAttention,
                skipOnCacheHit, v);
    }
}
