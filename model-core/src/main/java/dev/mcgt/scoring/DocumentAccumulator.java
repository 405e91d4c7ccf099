package dev.mcgt.scoring;

import java.util.Arrays;

/**
 * Adds up the chunks of one document, in order, into the document's figures: the pooled embedding, the tier
 * histogram, λ statistics, MACs and energy. {@link DocumentScorer} and the Flink job's per-document aggregation
 * both pool through this class, so a document gets the same embedding in one process and on a cluster.
 *
 * <p>Pooling: the document embedding is the L2-normalised sum of the chunks' output vectors, each with weight 1,
 * summed in double in chunk order (zeros for a zero sum). The scorer has already put into each output what the
 * chunk contributes (see {@link DocumentScorer}: a computed chunk's own vector in the final layer's space, a
 * skipped chunk's {@link SkipRule} vector, zeros for "nothing"), so no rule is needed here. Not thread-safe.
 */
public final class DocumentAccumulator {
    private final double[] sum;
    private final int[] tiers = new int[4];
    private int chunks;
    private int skipped;
    private int cacheHits;
    private long lambdaMin = Long.MAX_VALUE;
    private long lambdaMax = Long.MIN_VALUE;
    private double lambdaSum;
    private long macs;
    private long ungatedMacs;
    private double energyPj;

    /** @param outputSize the length of every chunk output */
    public DocumentAccumulator(int outputSize) {
        this.sum = new double[outputSize];
    }

    /** Adds a chunk result of the core. */
    public void add(ChunkResult r) {
        add(r.tier(), r.skipped(), r.cacheHit(), r.lambda(), r.macs(), r.ungatedMacs(), r.energyPj(), r.output());
    }

    /**
     * Adds the next chunk of the document.
     *
     * @param output the chunk's output vector (read, not kept)
     */
    public void add(int tier, boolean skipped, boolean cacheHit, long lambda, long chunkMacs, long chunkUngatedMacs,
                    double chunkEnergyPj, float[] output) {
        if (output.length != sum.length) {
            throw new IllegalArgumentException("chunk output has " + output.length + " values, expected " + sum.length);
        }
        for (int i = 0; i < sum.length; i++) sum[i] += output[i];
        chunks++;
        tiers[tier]++;
        if (skipped) this.skipped++;
        if (cacheHit) cacheHits++;
        lambdaMin = Math.min(lambdaMin, lambda);
        lambdaMax = Math.max(lambdaMax, lambda);
        lambdaSum += lambda;
        macs += chunkMacs;
        ungatedMacs += chunkUngatedMacs;
        energyPj += chunkEnergyPj;
    }

    /** The pooled document vector, L2-normalised. */
    public float[] embedding() {
        double norm = 0.0;
        for (double x : sum) norm += x * x;
        norm = Math.sqrt(norm);
        float[] v = new float[sum.length];
        if (norm == 0.0) return v;
        for (int i = 0; i < v.length; i++) v[i] = (float) (sum[i] / norm);
        return v;
    }

    public int chunks() { return chunks; }

    /** Chunks per tier, index = tier. */
    public int[] tierCounts() { return tiers.clone(); }

    public int skippedChunks() { return skipped; }

    public int cacheHits() { return cacheHits; }

    /** Smallest chunk λ (0 before the first chunk). */
    public long lambdaMin() { return chunks == 0 ? 0 : lambdaMin; }

    /** Largest chunk λ (0 before the first chunk). */
    public long lambdaMax() { return chunks == 0 ? 0 : lambdaMax; }

    /** Mean chunk λ (NaN before the first chunk). */
    public double lambdaMean() { return chunks == 0 ? Double.NaN : lambdaSum / chunks; }

    public long macs() { return macs; }

    public long ungatedMacs() { return ungatedMacs; }

    public double energyPj() { return energyPj; }

    @Override
    public String toString() {
        return "DocumentAccumulator[chunks=" + chunks + ", tiers=" + Arrays.toString(tiers) + ", macs=" + macs + "]";
    }
}
