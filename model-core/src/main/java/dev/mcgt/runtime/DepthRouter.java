package dev.mcgt.runtime;

import dev.mcgt.gate.GatePacket;

/**
 * Mixture-of-Depths: how many tokens go through a block, and which.
 *
 * <p><b>How many</b> is the original design's rule exactly (docs/GATE.md): capacity = ceil(n·ratio), scaled by
 * λ stability (×0.9 when |Δλ| ≤ 3276, ×1.2 when > 16384, f32 arithmetic), clamped to [min tokens, n]; the
 * original's stride-marked boundary count (10 % of n when the concentration is above 16384, else 20 %) is
 * added on top, then topped up to the minimum. {@link #computeCount} is that count
 * (the original design's route strings are rebuilt in the tests, {@code ReferenceRoutes}).
 *
 * <p><b>Which</b> is data-driven (the original's fixed strides are not): tokens the min-cut probe put on the
 * boundary, the spike detector's top-k positions and, for decoders, the last position (its output is the
 * result) always compute; the remaining places go to the tokens with the highest router score, the squared L2
 * distance of the token's hidden state to the mean hidden state of the chunk entering the block (tokens that
 * differ most from the chunk carry the most information; ties go to the earlier token). Selection happens per
 * block, on the hidden states entering it. Skipped tokens pass the block unchanged and are not keys in it.
 *
 * <p>Immutable and thread-safe.
 */
public final class DepthRouter {
    private final ModRoutingConfig config;

    /**
     * @throws dev.mcgt.McgtException BAD_CONFIG when the config is invalid
     */
    public DepthRouter(ModRoutingConfig config) {
        this.config = config.validate();
    }

    public ModRoutingConfig config() { return config; }

    /** The capacity before boundaries (docs/GATE.md). */
    public int capacity(GatePacket gate, int n) {
        if (n <= 0) return 0;
        int cap = ceilF((float) n * config.layerCapacityRatio());
        if (config.adaptiveCapacity()) {
            int d = Math.abs(gate.lambdaDelta());
            float stability = 1.0f - Math.min((float) d / 32768.0f, 1.0f);
            float adj = stability > 0.9f ? 0.9f : stability < 0.5f ? 1.2f : 1.0f;
            cap = ceilF((float) cap * adj);
        }
        return Math.min(Math.max(cap, config.minTokensPerLayer()), n);
    }

    /** The number of stride-marked boundary tokens of the original design (0 when boundaries are not forced). */
    public int referenceBoundaryCount(GatePacket gate, int n) {
        if (n <= 0 || !config.boundaryTokenForceCompute()) return 0;
        int bc = boundaryTarget(gate, n);
        int step = Math.max(n / Math.max(bc, 1), 1);
        int marked = 0;
        for (int i = 0; i < n && marked < bc; i += step) marked++;
        return marked;
    }

    /** Boundary tokens the original design marks: 10 % of n when the concentration is above 16384, else 20 %. */
    static int boundaryTarget(GatePacket gate, int n) {
        float ratio = gate.boundaryConcentrationQ15() > 16384 ? 0.1f : 0.2f;
        return ceilF((float) n * ratio);
    }

    /** How many of {@code n} tokens compute in a block: the original design's compute count (Compute + Boundary). */
    public int computeCount(GatePacket gate, int n) {
        if (n <= 0) return 0;
        int boundary = referenceBoundaryCount(gate, n);
        int target = Math.max(capacity(gate, n) - boundary, 0);
        int count = boundary + Math.min(target, n - boundary);
        if (count < config.minTokensPerLayer()) count = Math.min(config.minTokensPerLayer(), n);
        return count;
    }

    /**
     * Picks the tokens of one block. {@code forced[i]} marks tokens that must compute; the rest of the
     * {@code count} places go to the highest {@code score}s (ties: lower index). Writes {@code chosen[i]} and
     * returns the number chosen (at least {@code count} when there are enough tokens; more when more are
     * forced). Allocation-free.
     */
    static int select(int n, int count, boolean[] forced, float[] score, boolean[] chosen) {
        int picked = 0;
        for (int i = 0; i < n; i++) {
            chosen[i] = forced[i];
            if (forced[i]) picked++;
        }
        while (picked < count) {
            int best = -1;
            for (int i = 0; i < n; i++) {
                if (!chosen[i] && (best < 0 || score[i] > score[best])) best = i;
            }
            if (best < 0) break;
            chosen[best] = true;
            picked++;
        }
        return picked;
    }

    /**
     * The router score of {@code n} rows of width {@code d} in {@code h}: squared L2 distance to their mean
     * (f32, left to right). {@code mean} is scratch of length ≥ d.
     */
    static void scores(float[] h, int n, int d, float[] mean, float[] score) {
        for (int j = 0; j < d; j++) mean[j] = 0f;
        for (int i = 0; i < n; i++) {
            int off = i * d;
            for (int j = 0; j < d; j++) mean[j] += h[off + j];
        }
        float inv = 1f / (float) n;
        for (int j = 0; j < d; j++) mean[j] *= inv;
        for (int i = 0; i < n; i++) {
            int off = i * d;
            float s = 0f;
            for (int j = 0; j < d; j++) {
                float t = h[off + j] - mean[j];
                s += t * t;
            }
            score[i] = s;
        }
    }

    private static int ceilF(float v) {
        return (int) Math.ceil(v);
    }
}
