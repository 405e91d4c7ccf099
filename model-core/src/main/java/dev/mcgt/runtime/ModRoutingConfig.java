package dev.mcgt.runtime;

import dev.mcgt.McgtException;

/**
 * Mixture-of-Depths settings (docs/GATE.md).
 *
 * @param lambdaDeltaSkipThreshold   |Δλ| above this is "unstable" (kept from the original design, docs/GATE.md; both branches route
 *                                   alike, so only the capacity depends on λ)
 * @param boundaryTokenForceCompute  boundary tokens always compute
 * @param layerCapacityRatio         fraction of tokens allowed through a block, in (0, 1]
 * @param minTokensPerLayer          floor on the tokens computed per block
 * @param adaptiveCapacity           scale the capacity by λ stability (×0.9 stable, ×1.2 unstable)
 */
public record ModRoutingConfig(int lambdaDeltaSkipThreshold, boolean boundaryTokenForceCompute,
                               float layerCapacityRatio, int minTokensPerLayer, boolean adaptiveCapacity) {

    /** The reference defaults: threshold 3276, boundaries forced, ratio 0.5, at least 4 tokens, adaptive. */
    public static ModRoutingConfig defaults() {
        return new ModRoutingConfig(3276, true, 0.5f, 4, true);
    }

    /** Defaults with {@code layerCapacityRatio = 1 − clamp(reduction, 0, 0.9)} in f32 (0.95 → 0.100000024). */
    public static ModRoutingConfig withFlopsReduction(float reduction) {
        float r = Math.max(0f, Math.min(reduction, 0.9f));
        ModRoutingConfig d = defaults();
        return new ModRoutingConfig(d.lambdaDeltaSkipThreshold, d.boundaryTokenForceCompute, 1.0f - r,
                d.minTokensPerLayer, d.adaptiveCapacity);
    }

    public ModRoutingConfig withMinTokensPerLayer(int v) {
        return new ModRoutingConfig(lambdaDeltaSkipThreshold, boundaryTokenForceCompute, layerCapacityRatio, v,
                adaptiveCapacity);
    }

    public ModRoutingConfig withBoundaryTokenForceCompute(boolean v) {
        return new ModRoutingConfig(lambdaDeltaSkipThreshold, v, layerCapacityRatio, minTokensPerLayer,
                adaptiveCapacity);
    }

    public ModRoutingConfig withAdaptiveCapacity(boolean v) {
        return new ModRoutingConfig(lambdaDeltaSkipThreshold, boundaryTokenForceCompute, layerCapacityRatio,
                minTokensPerLayer, v);
    }

    public ModRoutingConfig withLayerCapacityRatio(float v) {
        return new ModRoutingConfig(lambdaDeltaSkipThreshold, boundaryTokenForceCompute, v, minTokensPerLayer,
                adaptiveCapacity);
    }

    /**
     * The reference's checks with its messages, plus a NaN and range check on our side.
     *
     * @return this config
     * @throws McgtException BAD_CONFIG
     */
    public ModRoutingConfig validate() {
        if (layerCapacityRatio <= 0.0f || layerCapacityRatio > 1.0f || Float.isNaN(layerCapacityRatio)) {
            throw McgtException.badConfig("layer_capacity_ratio must be in range (0.0, 1.0]");
        }
        if (lambdaDeltaSkipThreshold < 0) throw McgtException.badConfig("lambda_delta_skip_threshold must be non-negative");
        if (minTokensPerLayer < 0 || minTokensPerLayer > 0xFFFF) {
            throw McgtException.badConfig("min_tokens_per_layer must be in 0..65535");
        }
        return this;
    }
}
