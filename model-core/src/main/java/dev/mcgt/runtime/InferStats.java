package dev.mcgt.runtime;

import java.util.Objects;

/**
 * What one inference actually did. Every counter counts work that really ran; nothing is derived
 * from the tier's nominal sizes. Mutable and reused per call by its {@link InferOutput} (the hot path does not
 * allocate); {@link #copy()} to keep one.
 *
 * <ul>
 *   <li>{@code layersExecuted}: blocks that ran (after tier, early exit);</li>
 *   <li>{@code tokensComputed} / {@code tokensSkipped}: Σ over executed blocks of the tokens that went through
 *       the block / that Mixture-of-Depths routed around it;</li>
 *   <li>{@code gemmCalls}, {@code macs}: quantized GEMM calls and int8 multiply-accumulates (GEMMs plus the
 *       Q·Kᵀ attention scores);</li>
 *   <li>{@code attentionDots}: query-key dot products (one per head, query and visible key);</li>
 *   <li>{@code floatMultiplies}, {@code floatAdds}: f32 operations outside the int8 MACs (estimated per
 *       element from the operation definitions: scales, norms, softmax, GELU, value mixing, residuals);</li>
 *   <li>{@code weightBytesRead}: weight bytes read (each GEMM reads its whole matrix once; embedding rows;
 *       norm vectors); {@code kvBytesRead}/{@code kvBytesWritten}: KV-cache bytes (int8 K and V and their
 *       per-head scales);</li>
 *   <li>{@code estimatedEnergyPicojoules}: an <b>estimate</b> from {@link EnergyModel};</li>
 *   <li>{@code earlyExitLayer}: the first layer not run because an early-exit rule fired, −1 for none.</li>
 * </ul>
 */
public final class InferStats {
    int tier;
    int layersExecuted;
    long tokensComputed;
    long tokensSkipped;
    long gemmCalls;
    long macs;
    long attentionDots;
    long floatMultiplies;
    long floatAdds;
    long weightBytesRead;
    long kvBytesRead;
    long kvBytesWritten;
    double estimatedEnergyPicojoules;
    boolean skipped;
    boolean cacheHit;
    int earlyExitLayer = -1;

    /** All counters zero, no early exit. */
    public InferStats() { }

    void reset() {
        tier = 0;
        layersExecuted = 0;
        tokensComputed = 0;
        tokensSkipped = 0;
        gemmCalls = 0;
        macs = 0;
        attentionDots = 0;
        floatMultiplies = 0;
        floatAdds = 0;
        weightBytesRead = 0;
        kvBytesRead = 0;
        kvBytesWritten = 0;
        estimatedEnergyPicojoules = 0;
        skipped = false;
        cacheHit = false;
        earlyExitLayer = -1;
    }

    /** An independent copy. */
    public InferStats copy() {
        InferStats s = new InferStats();
        s.tier = tier;
        s.layersExecuted = layersExecuted;
        s.tokensComputed = tokensComputed;
        s.tokensSkipped = tokensSkipped;
        s.gemmCalls = gemmCalls;
        s.macs = macs;
        s.attentionDots = attentionDots;
        s.floatMultiplies = floatMultiplies;
        s.floatAdds = floatAdds;
        s.weightBytesRead = weightBytesRead;
        s.kvBytesRead = kvBytesRead;
        s.kvBytesWritten = kvBytesWritten;
        s.estimatedEnergyPicojoules = estimatedEnergyPicojoules;
        s.skipped = skipped;
        s.cacheHit = cacheHit;
        s.earlyExitLayer = earlyExitLayer;
        return s;
    }

    public int tier() { return tier; }

    public int layersExecuted() { return layersExecuted; }

    public long tokensComputed() { return tokensComputed; }

    public long tokensSkipped() { return tokensSkipped; }

    public long gemmCalls() { return gemmCalls; }

    public long macs() { return macs; }

    public long attentionDots() { return attentionDots; }

    public long floatMultiplies() { return floatMultiplies; }

    public long floatAdds() { return floatAdds; }

    public long weightBytesRead() { return weightBytesRead; }

    public long kvBytesRead() { return kvBytesRead; }

    public long kvBytesWritten() { return kvBytesWritten; }

    /** Estimated energy in picojoules (an estimate, see {@link EnergyModel}). */
    public double estimatedEnergyPicojoules() { return estimatedEnergyPicojoules; }

    public boolean skipped() { return skipped; }

    public boolean cacheHit() { return cacheHit; }

    /** First layer not run because of early exit, or −1. */
    public int earlyExitLayer() { return earlyExitLayer; }

    @Override
    public boolean equals(Object o) {
        return o instanceof InferStats s && tier == s.tier && layersExecuted == s.layersExecuted
                && tokensComputed == s.tokensComputed && tokensSkipped == s.tokensSkipped
                && gemmCalls == s.gemmCalls && macs == s.macs && attentionDots == s.attentionDots
                && floatMultiplies == s.floatMultiplies && floatAdds == s.floatAdds
                && weightBytesRead == s.weightBytesRead && kvBytesRead == s.kvBytesRead
                && kvBytesWritten == s.kvBytesWritten
                && Double.doubleToLongBits(estimatedEnergyPicojoules) == Double.doubleToLongBits(s.estimatedEnergyPicojoules)
                && skipped == s.skipped && cacheHit == s.cacheHit && earlyExitLayer == s.earlyExitLayer;
    }

    @Override
    public int hashCode() {
        return Objects.hash(tier, layersExecuted, tokensComputed, tokensSkipped, gemmCalls, macs, attentionDots,
                floatMultiplies, floatAdds, weightBytesRead, kvBytesRead, kvBytesWritten, estimatedEnergyPicojoules,
                skipped, cacheHit, earlyExitLayer);
    }

    @Override
    public String toString() {
        return "InferStats[tier=" + tier + ", layersExecuted=" + layersExecuted + ", tokensComputed=" + tokensComputed
                + ", tokensSkipped=" + tokensSkipped + ", gemmCalls=" + gemmCalls + ", macs=" + macs
                + ", attentionDots=" + attentionDots + ", floatMultiplies=" + floatMultiplies + ", floatAdds="
                + floatAdds + ", weightBytesRead=" + weightBytesRead + ", kvBytesRead=" + kvBytesRead
                + ", kvBytesWritten=" + kvBytesWritten + ", estimatedEnergyPicojoules(estimated)="
                + estimatedEnergyPicojoules + ", skipped=" + skipped + ", cacheHit=" + cacheHit + ", earlyExitLayer="
                + earlyExitLayer + "]";
    }
}
