package dev.mcgt.scoring;

import java.util.Arrays;

/**
 * Adds up the chunks of one document, in order, into the document's figures: the pooled embedding, the tier
 * histogram, λ statistics, MACs and energy. {@link DocumentScorer} and the Flink job's per-document aggregation
 * both pool through this class, so a document gets the same embedding in one process and on a cluster.
 *
 * <p>Pooling is depth-aware. A chunk's output is a <i>full-depth</i> vector when the chunk ran at tier 0 (every
 * layer), or was a cache hit on a tier-0 output; tier-1 and tier-2 chunks run fewer layers, so their vectors come
 * from another depth and another space (on MiniLM, tier 1 is layer 3 of 6). A cheap-scored chunk (skipped with
 * nothing cached: the embedding-layer mean) stands for the document's last full-depth vector, else its last
 * reduced-depth one. The document embedding is the normalised sum of the full-depth vectors when there is at
 * least one, else of the reduced-depth ones, else of the cheap outputs: vectors of different depths are never
 * mixed. Sums are in double, in chunk order; zeros for a zero sum. Not thread-safe.
 */
public final class DocumentAccumulator {
    private final Pool full;
    private final Pool reduced;
    private final Pool cheap;
    private boolean lastComputedFull;
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
        this.full = new Pool(outputSize);
        this.reduced = new Pool(outputSize);
        this.cheap = new Pool(outputSize);
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
        if (output.length != full.sum.length) {
            throw new IllegalArgumentException("chunk output has " + output.length + " values, expected "
                    + full.sum.length);
        }
        if (!skipped) {
            lastComputedFull = tier == 0;
            (lastComputedFull ? full : reduced).add(output, true);
        } else if (cacheHit) {
            (lastComputedFull ? full : reduced).add(output, true);   // the cached output is the last computed one
        } else if (full.hasLast) {
            full.addLast();
        } else if (reduced.hasLast) {
            reduced.addLast();
        } else {
            cheap.add(output, false);
        }
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
        return (full.count > 0 ? full : reduced.count > 0 ? reduced : cheap).normalised();
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

    /** A sum of vectors of one kind, with the last one added kept to stand in for cheap chunks. */
    private static final class Pool {
        final double[] sum;
        final float[] last;
        boolean hasLast;
        int count;

        Pool(int n) {
            sum = new double[n];
            last = new float[n];
        }

        void add(float[] v, boolean remember) {
            for (int i = 0; i < sum.length; i++) sum[i] += v[i];
            if (remember) {
                System.arraycopy(v, 0, last, 0, v.length);
                hasLast = true;
            }
            count++;
        }

        void addLast() {
            add(last, false);
        }

        float[] normalised() {
            double norm = 0.0;
            for (double x : sum) norm += x * x;
            norm = Math.sqrt(norm);
            float[] v = new float[sum.length];
            if (norm == 0.0) return v;
            for (int i = 0; i < v.length; i++) v[i] = (float) (sum[i] / norm);
            return v;
        }
    }
}
