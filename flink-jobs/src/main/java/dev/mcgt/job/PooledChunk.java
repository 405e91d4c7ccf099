package dev.mcgt.job;

import dev.mcgt.flink.functions.ChunkScore;
import java.util.Arrays;

/**
 * What {@link AggregateDocuments} keeps of a chunk score until its document is complete: the fields the document's
 * pooling reads ({@link dev.mcgt.scoring.DocumentAccumulator#add}), the chunk index to pool them in order, and
 * whether the chunk was the first after a model change. Stored with {@link PooledChunkSerializer}.
 *
 * @param chunkIndex    the chunk's index in its document
 * @param tier          0..3
 * @param skipped       nothing ran
 * @param cacheHit      skipped and served from the cached output
 * @param lambda        the chunk's λ
 * @param macs          int8 MACs done
 * @param ungatedMacs   MACs an ungated run would do
 * @param energyPj      estimated energy, picojoules
 * @param modelUpgraded the chunk was the first after a model change
 * @param output        the chunk's output vector
 */
public record PooledChunk(long chunkIndex, int tier, boolean skipped, boolean cacheHit, long lambda, long macs,
                          long ungatedMacs, double energyPj, boolean modelUpgraded, float[] output) {

    /** The part of {@code s} the aggregation needs. */
    public static PooledChunk of(ChunkScore s) {
        return new PooledChunk(s.chunkIndex(), s.tier(), s.skipped(), s.cacheHit(), s.lambda(), s.macs(),
                s.ungatedMacs(), s.energyPj(), s.modelUpgraded(), s.output());
    }

    /** Equal field by field, the output by content and the energy by bits. */
    @Override
    public boolean equals(Object o) {
        return o instanceof PooledChunk c && chunkIndex == c.chunkIndex && tier == c.tier && skipped == c.skipped
                && cacheHit == c.cacheHit && lambda == c.lambda && macs == c.macs && ungatedMacs == c.ungatedMacs
                && Double.doubleToLongBits(energyPj) == Double.doubleToLongBits(c.energyPj)
                && modelUpgraded == c.modelUpgraded && Arrays.equals(output, c.output);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(chunkIndex) * 31 + Arrays.hashCode(output);
    }

    @Override
    public String toString() {
        return "PooledChunk[" + chunkIndex + ", tier " + tier + ", lambda " + lambda + ", macs " + macs + "]";
    }
}
