package dev.mcgt.coherence;

import dev.mcgt.McgtException;
import dev.mcgt.gate.SpikePacket;
import dev.mcgt.stream.SpikeHistory;
import java.util.Arrays;

/**
 * Novelty of a chunk against its stream's recent history , as a {@link SpikePacket}.
 *
 * <ul>
 *   <li><b>Token distance</b>: the share of the chunk's distinct token ids that occur in none of the last
 *       {@code historyChunks} chunks (0 = everything seen recently, 1 = all new). This is a containment
 *       distance rather than a Jaccard distance to the union: the union of several chunks is much larger than
 *       one chunk, so a Jaccard distance would call even an exact repeat novel.</li>
 *   <li><b>Embedding distance</b>: {@code 1 − cos(chunk mean, running mean)} clamped to 0..1, where the chunk
 *       mean is the mean of its embedding-layer vectors and the running mean an exponential moving average of
 *       earlier chunk means (weight {@code meanWeight} for the newest). A zero vector has cosine 0.</li>
 *   <li><b>Novelty</b> = {@code tokenWeight · token distance + (1 − tokenWeight) · embedding distance}, in Q15
 *       (round(novelty · 32767)). The chunk <b>fires</b> when novelty ≥ {@code thresholdQ15}.</li>
 *   <li><b>Rate</b> (Q15): {@code rate += ((fired ? 32767 : 0) − rate) >> rateShift} (integer arithmetic).</li>
 *   <li><b>First chunk</b> of a stream (nothing observed): fired, novelty 32767; the rate is left as it is
 *       (there is no history to be novel against, so it is not counted as a spike).</li>
 *   <li><b>Top-k</b> (fired chunks only; not-fired chunks are skipped by the gate): up to {@code topK}
 *       positions, positions whose token is new first, then by {@code 1 − cos(vector, reference)} descending,
 *       then by position; the baseline is the running mean (the chunk's own mean for a first chunk). Weight in
 *       Q15: {@code 16384 + round(dist/2 · 16383)} for a new token, {@code round(dist/2 · 16383)} otherwise.
 *       {@code FLAG_SPARSE_MASK} is set when the top-k is not empty.</li>
 * </ul>
 *
 * <p>Use: {@link #detect} reads the history and returns the packet; {@link #commit} then records the chunk in
 * the history (so a failed inference can leave the history untouched). One detector per thread: it holds a
 * workspace sized once; apart from the returned packet it allocates nothing. Deterministic: fixed-order double
 * arithmetic.
 */
public final class SpikeDetector {
    /** Q15 one, as the packets use it. */
    public static final int Q15_MAX = 32767;

    private final SpikeDetectorConfig config;
    private final int maxTokens;
    private final int dim;
    private final int[] distinct;
    private final float[] chunkMean;
    private final float[] reference;
    private final float[] newMean;
    private final int[] topPos;
    private final boolean[] topNew;
    private final double[] topDist;

    // The last detection, for commit.
    private boolean pending;
    private int distinctCount;
    private boolean fired;
    private int rateQ15;
    private int noveltyQ15;

    /** A detector for chunks of up to {@code maxTokens} tokens with vectors of width {@code dim}. */
    public SpikeDetector(SpikeDetectorConfig config, int maxTokens, int dim) {
        if (config == null) throw McgtException.badConfig("spike detector config is missing");
        if (maxTokens < 1 || dim < 1) throw McgtException.badConfig("spike detector needs maxTokens >= 1 and dim >= 1");
        this.config = config;
        this.maxTokens = maxTokens;
        this.dim = dim;
        this.distinct = new int[maxTokens];
        this.chunkMean = new float[dim];
        this.reference = new float[dim];
        this.newMean = new float[dim];
        this.topPos = new int[SpikePacket.MAX_TOP];
        this.topNew = new boolean[SpikePacket.MAX_TOP];
        this.topDist = new double[SpikePacket.MAX_TOP];
    }

    public SpikeDetectorConfig config() { return config; }

    /** Novelty (Q15) of the last detection. */
    public int lastNoveltyQ15() { return noveltyQ15; }

    /**
     * The spike packet of the chunk {@code ids[0..n)} whose embedding-layer vectors are rows of {@code vectors}
     * (row i at {@code i · dim}).
     */
    public SpikePacket detect(SpikeHistory history, int[] ids, int n, float[] vectors) {
        if (history == null || ids == null || vectors == null) throw McgtException.badInput("spike detector input is missing");
        if (n < 1 || n > maxTokens || n > ids.length) {
            throw McgtException.badInput("chunk has " + n + " tokens, the spike detector holds 1.." + maxTokens);
        }
        if (vectors.length < (long) n * dim) throw McgtException.outputTooSmall(n * dim, vectors.length);
        distinctCount = distinctSorted(ids, n);
        meanOf(vectors, n, chunkMean);
        boolean first = history.observed() == 0;
        boolean withMean = history.hasMean() && history.dim() == dim;
        if (withMean) history.copyMean(reference);
        else System.arraycopy(chunkMean, 0, reference, 0, dim);
        if (first) {
            fired = true;
            noveltyQ15 = Q15_MAX;
            rateQ15 = history.rateQ15();
        } else {
            int unseen = 0;
            for (int i = 0; i < distinctCount; i++) if (!history.seen(distinct[i])) unseen++;
            double tokenDistance = distinctCount == 0 ? 0.0 : (double) unseen / distinctCount;
            double embDistance = withMean ? clamp01(1.0 - cosine(chunkMean, 0, reference)) : 1.0;
            double w = config.tokenWeight();
            double novelty = w * tokenDistance + (1.0 - w) * embDistance;
            noveltyQ15 = (int) Math.max(0, Math.min(Q15_MAX, Math.round(novelty * Q15_MAX)));
            fired = noveltyQ15 >= config.thresholdQ15();
            int r = history.rateQ15();
            rateQ15 = r + (((fired ? Q15_MAX : 0) - r) >> config.rateShift());
        }
        if (withMean) {
            float a = (float) config.meanWeight();
            for (int j = 0; j < dim; j++) newMean[j] = reference[j] + a * (chunkMean[j] - reference[j]);
        } else {
            System.arraycopy(chunkMean, 0, newMean, 0, dim);
        }
        pending = true;
        int k = fired ? selectTop(history, ids, n, vectors) : 0;
        int[] idx = new int[k];
        int[] weights = new int[k];
        for (int i = 0; i < k; i++) {
            idx[i] = topPos[i];
            int part = (int) Math.round(Math.min(topDist[i], 2.0) / 2.0 * 16383.0);
            weights[i] = topNew[i] ? 16384 + part : part;
        }
        return new SpikePacket(fired ? 1 : 0, rateQ15, noveltyQ15, idx, weights, k > 0 ? SpikePacket.FLAG_SPARSE_MASK : 0);
    }

    /** Records the chunk of the last {@link #detect} in {@code history} (once). */
    public void commit(SpikeHistory history) {
        if (!pending) throw McgtException.badInput("nothing to commit: call detect first");
        history.record(distinct, distinctCount, newMean, fired, rateQ15);
        pending = false;
    }

    /** Sorted distinct ids of the chunk into {@code distinct}; returns their count. */
    private int distinctSorted(int[] ids, int n) {
        System.arraycopy(ids, 0, distinct, 0, n);
        Arrays.sort(distinct, 0, n);
        int m = 0;
        for (int i = 0; i < n; i++) {
            if (m == 0 || distinct[i] != distinct[m - 1]) distinct[m++] = distinct[i];
        }
        return m;
    }

    private void meanOf(float[] vectors, int n, float[] dst) {
        for (int j = 0; j < dim; j++) {
            double s = 0.0;
            for (int i = 0; i < n; i++) s += vectors[i * dim + j];
            dst[j] = (float) (s / n);
        }
    }

    /** Fills the top list (positions with a new token first, then by distance, then by position). */
    private int selectTop(SpikeHistory history, int[] ids, int n, float[] vectors) {
        int cap = Math.min(config.topK(), n);
        if (cap == 0) return 0;
        boolean first = history.observed() == 0;
        int count = 0;
        for (int p = 0; p < n; p++) {
            boolean isNew = first || !history.seen(ids[p]);
            double dist = 1.0 - cosine(vectors, p * dim, reference);
            if (count == cap && !better(isNew, dist, topNew[count - 1], topDist[count - 1])) continue;
            int pos = count < cap ? count++ : cap - 1;
            while (pos > 0 && better(isNew, dist, topNew[pos - 1], topDist[pos - 1])) {
                topPos[pos] = topPos[pos - 1];
                topNew[pos] = topNew[pos - 1];
                topDist[pos] = topDist[pos - 1];
                pos--;
            }
            topPos[pos] = p;
            topNew[pos] = isNew;
            topDist[pos] = dist;
        }
        return count;
    }

    /** Strictly more novel (ties keep the earlier position ahead). */
    private static boolean better(boolean newA, double distA, boolean newB, double distB) {
        if (newA != newB) return newA;
        return distA > distB;
    }

    /** Cosine of row {@code off} of {@code a} with {@code b}; 0 when either is a zero vector. */
    private double cosine(float[] a, int off, float[] b) {
        double dot = 0.0;
        double na = 0.0;
        double nb = 0.0;
        for (int j = 0; j < dim; j++) {
            double x = a[off + j];
            double y = b[j];
            dot += x * y;
            na += x * x;
            nb += y * y;
        }
        if (na == 0.0 || nb == 0.0) return 0.0;
        return dot / (Math.sqrt(na) * Math.sqrt(nb));
    }

    private static double clamp01(double v) {
        return v < 0.0 ? 0.0 : Math.min(1.0, v);
    }
}
