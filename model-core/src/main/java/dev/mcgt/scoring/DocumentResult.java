package dev.mcgt.scoring;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The result of scoring one document with the {@link DocumentScorer}.
 *
 * @param id              the document id
 * @param embedding       the pooled document vector, L2-normalised (see {@link DocumentScorer} for what each
 *                        kind of chunk contributes)
 * @param tokens          content tokens scored (after the per-document limit; frame tokens not counted)
 * @param droppedTokens   content tokens beyond the per-document limit, not scored
 * @param tierCounts      chunks per tier, index = tier (0..3)
 * @param skippedChunks   chunks at tier 3 (cache hits and cheap scores)
 * @param cacheHits       skipped chunks served from the stream's cached output
 * @param lambdaMin       smallest chunk λ
 * @param lambdaMean      mean chunk λ
 * @param lambdaMax       largest chunk λ
 * @param macs            int8 MACs done over all chunks
 * @param ungatedMacs     MACs of an ungated run of the same chunks (0 when not computed)
 * @param ungatedMode     how {@code ungatedMacs} was found
 * @param energyPj        estimated energy over all chunks, picojoules (an estimate)
 * @param wallMicros      wall-clock time of the whole document (tokenizing included), microseconds
 * @param chunkResults    every chunk's result, in order
 */
public record DocumentResult(String id, float[] embedding, int tokens, int droppedTokens, int[] tierCounts,
                             int skippedChunks, int cacheHits, long lambdaMin, double lambdaMean, long lambdaMax,
                             long macs, long ungatedMacs, UngatedMacs ungatedMode, double energyPj, long wallMicros,
                             List<ChunkResult> chunkResults) {

    /** Copies the arrays and the list. */
    public DocumentResult {
        embedding = embedding.clone();
        tierCounts = tierCounts.clone();
        chunkResults = List.copyOf(chunkResults);
    }

    @Override public float[] embedding() { return embedding.clone(); }

    @Override public int[] tierCounts() { return tierCounts.clone(); }

    /** Number of chunks. */
    public int chunks() { return chunkResults.size(); }

    /** Chunks at {@code tier}. */
    public int tierCount(int tier) { return tierCounts[tier]; }

    /** MACs done / MACs of the ungated run; NaN when the ungated MACs were not computed. */
    public double macRatio() {
        if (ungatedMode == UngatedMacs.NONE) return Double.NaN;
        if (ungatedMacs == 0) return macs == 0 ? 1.0 : Double.POSITIVE_INFINITY;
        return (double) macs / ungatedMacs;
    }

    /** Equal results: every field but {@code wallMicros} (see {@link ChunkResult#equals}). */
    @Override
    public boolean equals(Object o) {
        return o instanceof DocumentResult r && id.equals(r.id) && Arrays.equals(embedding, r.embedding)
                && tokens == r.tokens && droppedTokens == r.droppedTokens && Arrays.equals(tierCounts, r.tierCounts)
                && skippedChunks == r.skippedChunks && cacheHits == r.cacheHits && lambdaMin == r.lambdaMin
                && Double.doubleToLongBits(lambdaMean) == Double.doubleToLongBits(r.lambdaMean)
                && lambdaMax == r.lambdaMax && macs == r.macs && ungatedMacs == r.ungatedMacs
                && ungatedMode == r.ungatedMode && Double.doubleToLongBits(energyPj) == Double.doubleToLongBits(r.energyPj)
                && chunkResults.equals(r.chunkResults);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, Arrays.hashCode(embedding), tokens, macs, chunkResults);
    }

    @Override
    public String toString() {
        return "DocumentResult[id=" + id + ", tokens=" + tokens + ", dropped=" + droppedTokens + ", chunks=" + chunks()
                + ", tiers=" + Arrays.toString(tierCounts) + ", skipped=" + skippedChunks + ", cacheHits=" + cacheHits
                + ", lambda=" + lambdaMin + "/" + lambdaMean + "/" + lambdaMax + ", macs=" + macs + ", ungatedMacs="
                + ungatedMacs + " (" + ungatedMode + "), wallMicros=" + wallMicros + "]";
    }
}
