package dev.mcgt.coherence;

import dev.mcgt.McgtException;

/**
 * Settings of the {@link CoherenceProbe}. {@link #defaults()} gives the documented defaults.
 *
 * @param lambdaScale            λ = round(cut weight × lambdaScale), clamped to 0..2³²−1 (default 1000)
 * @param topK                   edges kept per token in the token graph, 0 = dense (default 0, see
 *                               {@link TokenGraph})
 * @param boundaryEdgeThreshold  an edge across the global cut counts as a boundary edge when its weight
 *                               is strictly above this (default 0.1, a cosine)
 * @param weakCutRatio           a part is split again while its own minimum cut is weak: cut weight /
 *                               size of the smaller side strictly below this (default 1.0: on average less
 *                               than one unit of similarity per token of the smaller side); 0 disables
 *                               recursive cutting
 * @param maxDepth               how many times a part may be split again (default 4; the whole chunk is
 *                               depth 0)
 * @param maxPartitions          cap on the partition count (default 16)
 * @param concentrationEdges     how many of the heaviest boundary edges the concentration counts
 *                               (default 4, at most 16)
 * @param includePositions       add position embeddings to the token vectors built from a model
 *                               (default false: token content only)
 */
public record CoherenceProbeConfig(double lambdaScale, int topK, double boundaryEdgeThreshold, double weakCutRatio,
                                   int maxDepth, int maxPartitions, int concentrationEdges, boolean includePositions) {

    /** Validates every field with a one-line message. */
    public CoherenceProbeConfig {
        if (!(lambdaScale > 0.0) || !Double.isFinite(lambdaScale)) {
            throw McgtException.badConfig("lambda scale must be a positive finite number, got " + lambdaScale);
        }
        if (topK < 0) throw McgtException.badConfig("top-k must be 0 (dense) or positive, got " + topK);
        if (!(boundaryEdgeThreshold >= 0.0) || !Double.isFinite(boundaryEdgeThreshold)) {
            throw McgtException.badConfig("boundary edge threshold must be finite and non-negative, got "
                    + boundaryEdgeThreshold);
        }
        if (!(weakCutRatio >= 0.0) || !Double.isFinite(weakCutRatio)) {
            throw McgtException.badConfig("weak cut ratio must be finite and non-negative, got " + weakCutRatio);
        }
        if (maxDepth < 0 || maxDepth > 16) throw McgtException.badConfig("max depth must be in 0..16, got " + maxDepth);
        if (maxPartitions < 1 || maxPartitions > 0xFFFF) {
            throw McgtException.badConfig("max partitions must be in 1..65535, got " + maxPartitions);
        }
        if (concentrationEdges < 1 || concentrationEdges > 16) {
            throw McgtException.badConfig("concentration edges must be in 1..16, got " + concentrationEdges);
        }
    }

    /** λ scale 1000, dense graph, boundary threshold 0.1, weak ratio 1.0, depth 4, 16 partitions, top 4. */
    public static CoherenceProbeConfig defaults() {
        return new CoherenceProbeConfig(1000.0, TokenGraph.DENSE, 0.1, 1.0, 4, 16, 4, false);
    }

    public CoherenceProbeConfig withTopK(int k) {
        return new CoherenceProbeConfig(lambdaScale, k, boundaryEdgeThreshold, weakCutRatio, maxDepth, maxPartitions,
                concentrationEdges, includePositions);
    }

    public CoherenceProbeConfig withWeakCutRatio(double ratio) {
        return new CoherenceProbeConfig(lambdaScale, topK, boundaryEdgeThreshold, ratio, maxDepth, maxPartitions,
                concentrationEdges, includePositions);
    }
}
