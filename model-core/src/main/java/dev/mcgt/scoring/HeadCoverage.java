package dev.mcgt.scoring;

import dev.mcgt.McgtException;

/**
 * The head coverage rule of a truncated tier 1 (the lens variant): that tier computes only the chunk's first
 * {@code headTokens} tokens, which is a good stand-in for the chunk when the head is like the rest (e-mail headers,
 * a paragraph that stays on its topic) and a poor one when the rest says something else. The coverage of a chunk
 * is the cosine between the mean embedding-layer vector of its head and that of its remaining tokens (1 for a
 * chunk no longer than the head, which tier 1 computes in full anyway); a chunk the gate sends to tier 1 with a
 * coverage below {@code minCosine} runs at tier 0 instead. It needs nothing but the token embeddings the probe has
 * already looked up, so it is decided before any layer runs; {@code mcgt calibrate} chooses the minimum as a
 * quantile of the sample's coverages.
 *
 * @param headTokens the tokens tier 1 keeps (the truncated tier's size)
 * @param minCosine  coverage below which a tier-1 chunk runs at tier 0, in (0, 1]
 */
public record HeadCoverage(int headTokens, float minCosine) {
    /** Validates. */
    public HeadCoverage {
        if (headTokens < 1) throw McgtException.badConfig("head coverage: head tokens must be at least 1, got " + headTokens);
        if (!(minCosine > 0f && minCosine <= 1f)) {
            throw McgtException.badConfig("head coverage: minimum cosine must be in (0, 1], got " + minCosine);
        }
    }

    /** Whether a chunk of this coverage goes to tier 0 instead of tier 1. */
    public boolean promotes(float coverage) {
        return coverage < minCosine;
    }

    /**
     * The coverage of a chunk of {@code n} embedding-layer vectors of width {@code dim}, row-major in {@code v}:
     * cosine of the head's and the rest's sums, in float, summed in row order (1 when {@code n <= head}).
     *
     * @param head  scratch of {@code dim} floats
     * @param rest  scratch of {@code dim} floats
     */
    public static float coverage(float[] v, int n, int dim, int headTokens, float[] head, float[] rest) {
        if (n <= headTokens) return 1f;
        java.util.Arrays.fill(head, 0, dim, 0f);
        java.util.Arrays.fill(rest, 0, dim, 0f);
        for (int r = 0; r < n; r++) {
            float[] dst = r < headTokens ? head : rest;
            int o = r * dim;
            for (int j = 0; j < dim; j++) dst[j] += v[o + j];
        }
        float dot = 0f;
        float hh = 0f;
        float rr = 0f;
        for (int j = 0; j < dim; j++) {
            dot += head[j] * rest[j];
            hh += head[j] * head[j];
            rr += rest[j] * rest[j];
        }
        if (hh == 0f || rr == 0f) return 1f;
        return (float) (dot / (Math.sqrt(hh) * Math.sqrt(rr)));
    }
}
