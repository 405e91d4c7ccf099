package dev.mcgt.stream;

import dev.mcgt.McgtException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * What the {@link dev.mcgt.coherence.SpikeDetector} remembers of a stream: the distinct token ids of the last
 * {@code slots} chunks (each a sorted int set, exact), a running mean of the chunks' mean embedding-layer
 * vectors, the fire-rate moving average in Q15 and two counters (chunks observed, chunks fired).
 *
 * <p>A plain mutable value owned by one stream. Reads are allocation-free; {@link #record} copies into slot
 * arrays that only grow when a chunk has more distinct tokens than any before in that slot.
 */
public final class SpikeHistory {
    /** Most chunks a history may remember. */
    public static final int MAX_SLOTS = 64;
    /** Largest embedding width a history may hold. */
    public static final int MAX_DIM = 1 << 16;
    /** Largest token set of one chunk. */
    public static final int MAX_SET = 1 << 16;

    private final int[][] sets;
    private final int[] setSize;
    private int start;
    private int size;
    private final float[] mean;
    private boolean hasMean;
    private int rateQ15;
    private long observed;
    private long fired;

    /**
     * An empty history.
     *
     * @param slots       chunks remembered (1..64)
     * @param dim         width of the embedding vectors (1..65536)
     * @param setCapacity initial room per chunk's token set (e.g. seqLenMax); sets grow when needed
     */
    public SpikeHistory(int slots, int dim, int setCapacity) {
        if (slots < 1 || slots > MAX_SLOTS) throw McgtException.badConfig("spike history slots must be in 1.." + MAX_SLOTS + ", got " + slots);
        if (dim < 1 || dim > MAX_DIM) throw McgtException.badConfig("spike history width must be in 1.." + MAX_DIM + ", got " + dim);
        if (setCapacity < 0 || setCapacity > MAX_SET) throw McgtException.badConfig("spike history set capacity out of range: " + setCapacity);
        this.sets = new int[slots][setCapacity];
        this.setSize = new int[slots];
        this.mean = new float[dim];
    }

    public int slots() { return sets.length; }

    /** Chunks whose token sets are held (at most {@link #slots()}). */
    public int size() { return size; }

    /** Width of the running mean vector. */
    public int dim() { return mean.length; }

    /** Chunks observed since the stream began (0 = the next chunk is the first). */
    public long observed() { return observed; }

    /** Chunks that fired since the stream began. */
    public long fired() { return fired; }

    /** Moving average of fires, Q15 (0..32767). */
    public int rateQ15() { return rateQ15; }

    /** Whether a running mean vector exists. */
    public boolean hasMean() { return hasMean; }

    /** Copies the running mean into {@code dst[0..dim)} (zeros when there is none). */
    public void copyMean(float[] dst) {
        System.arraycopy(mean, 0, dst, 0, mean.length);
    }

    /** Component {@code i} of the running mean. */
    public float mean(int i) { return mean[i]; }

    /** Whether {@code tokenId} occurs in any remembered chunk (binary search per slot; no allocation). */
    public boolean seen(int tokenId) {
        for (int s = 0; s < size; s++) {
            int slot = (start + s) % sets.length;
            if (Arrays.binarySearch(sets[slot], 0, setSize[slot], tokenId) >= 0) return true;
        }
        return false;
    }

    /** Size of the token set of held chunk {@code i} (0 = oldest). */
    public int setSize(int i) { return setSize[slotOf(i)]; }

    /** A copy of the token set of held chunk {@code i} (0 = oldest), ascending. */
    public int[] tokenSet(int i) {
        int slot = slotOf(i);
        return Arrays.copyOf(sets[slot], setSize[slot]);
    }

    private int slotOf(int i) {
        if (i < 0 || i >= size) throw McgtException.badInput("spike history index " + i + " outside 0.." + (size - 1));
        return (start + i) % sets.length;
    }

    /**
     * Records one observed chunk: its distinct token ids (ascending, {@code count} of them) replace the oldest
     * set when full, {@code newMean} (width {@link #dim()}) becomes the running mean, and the fire counters and
     * rate are updated.
     */
    public void record(int[] sortedDistinctIds, int count, float[] newMean, boolean chunkFired, int newRateQ15) {
        if (count < 0 || count > MAX_SET || count > sortedDistinctIds.length) throw McgtException.badInput("token set size out of range: " + count);
        if (newMean == null || newMean.length < mean.length) throw McgtException.badInput("running mean must have " + mean.length + " values");
        if (newRateQ15 < 0 || newRateQ15 > 32767) throw McgtException.badInput("spike rate must be in 0..32767, got " + newRateQ15);
        int slot;
        if (size < sets.length) {
            slot = (start + size) % sets.length;
            size++;
        } else {
            slot = start;
            start = (start + 1) % sets.length;
        }
        if (sets[slot].length < count) sets[slot] = new int[count];
        System.arraycopy(sortedDistinctIds, 0, sets[slot], 0, count);
        setSize[slot] = count;
        System.arraycopy(newMean, 0, mean, 0, mean.length);
        hasMean = true;
        rateQ15 = newRateQ15;
        observed++;
        if (chunkFired) fired++;
    }

    /**
     * The same history for an embedding of width {@code newDim}: token sets, rate and counters are kept; the
     * running mean is kept when the width is unchanged and dropped otherwise (vectors of different models are
     * not comparable).
     */
    public SpikeHistory withDim(int newDim) {
        SpikeHistory h = new SpikeHistory(sets.length, newDim, 0);
        for (int i = 0; i < size; i++) {
            int slot = slotOf(i);
            h.sets[i] = Arrays.copyOf(sets[slot], setSize[slot]);
            h.setSize[i] = setSize[slot];
        }
        h.size = size;
        if (newDim == mean.length && hasMean) {
            System.arraycopy(mean, 0, h.mean, 0, mean.length);
            h.hasMean = true;
        }
        h.rateQ15 = rateQ15;
        h.observed = observed;
        h.fired = fired;
        return h;
    }

    /** An independent copy. */
    public SpikeHistory copy() {
        return withDim(mean.length);
    }

    /** Bytes of {@link #write}. */
    int serializedSize() {
        int bytes = 4 + 4;
        for (int i = 0; i < size; i++) bytes += 4 + 4 * setSize(i);
        return bytes + 4 + 1 + (hasMean ? 4 * mean.length : 0) + 4 + 8 + 8;
    }

    /** slots, size, per held set (oldest first) count and ids, dim, hasMean, [mean], rate, observed, fired. */
    void write(ByteBuffer b) {
        b.putInt(sets.length).putInt(size);
        for (int i = 0; i < size; i++) {
            int slot = slotOf(i);
            b.putInt(setSize[slot]);
            for (int k = 0; k < setSize[slot]; k++) b.putInt(sets[slot][k]);
        }
        b.putInt(mean.length).put((byte) (hasMean ? 1 : 0));
        if (hasMean) for (float f : mean) b.putFloat(f);
        b.putInt(rateQ15).putLong(observed).putLong(fired);
    }

    /** Reads what {@link #write} wrote; every field is range-checked before anything is allocated. */
    static SpikeHistory read(ByteBuffer b) {
        int slots = b.getInt();
        int size = b.getInt();
        if (slots < 1 || slots > MAX_SLOTS || size < 0 || size > slots) {
            throw StreamStateCodec.corrupt("spike history has an invalid size");
        }
        int[][] held = new int[size][];
        for (int i = 0; i < size; i++) {
            int count = b.getInt();
            if (count < 0 || count > MAX_SET || count > b.remaining() / 4) {
                throw StreamStateCodec.corrupt("spike history has an invalid token set size");
            }
            int[] set = new int[count];
            for (int k = 0; k < count; k++) {
                set[k] = b.getInt();
                if (k > 0 && set[k] <= set[k - 1]) throw StreamStateCodec.corrupt("spike history token set is not sorted");
            }
            held[i] = set;
        }
        int dim = b.getInt();
        if (dim < 1 || dim > MAX_DIM) throw StreamStateCodec.corrupt("spike history has an invalid width");
        byte has = b.get();
        if (has != 0 && has != 1) throw StreamStateCodec.corrupt("spike history has an invalid mean flag");
        if (has == 1 && dim > b.remaining() / 4) throw StreamStateCodec.corrupt("spike history mean is truncated");
        SpikeHistory h = new SpikeHistory(slots, dim, 0);
        for (int i = 0; i < size; i++) {
            h.sets[i] = held[i];
            h.setSize[i] = held[i].length;
        }
        h.size = size;
        if (has == 1) {
            for (int i = 0; i < dim; i++) {
                float f = b.getFloat();
                if (!Float.isFinite(f)) throw StreamStateCodec.corrupt("spike history mean holds a NaN or infinity");
                h.mean[i] = f;
            }
            h.hasMean = true;
        }
        h.rateQ15 = b.getInt();
        h.observed = b.getLong();
        h.fired = b.getLong();
        if (h.rateQ15 < 0 || h.rateQ15 > 32767 || h.observed < size || h.fired < 0 || h.fired > h.observed) {
            throw StreamStateCodec.corrupt("spike history counters are invalid");
        }
        return h;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SpikeHistory h) || h.sets.length != sets.length || h.size != size || h.mean.length != mean.length
                || h.hasMean != hasMean || h.rateQ15 != rateQ15 || h.observed != observed || h.fired != fired) {
            return false;
        }
        for (int i = 0; i < size; i++) {
            int a = slotOf(i);
            int c = h.slotOf(i);
            if (!Arrays.equals(sets[a], 0, setSize[a], h.sets[c], 0, h.setSize[c])) return false;
        }
        for (int i = 0; i < mean.length; i++) {
            if (Float.floatToRawIntBits(mean[i]) != Float.floatToRawIntBits(h.mean[i])) return false;
        }
        return true;
    }

    @Override
    public int hashCode() {
        int r = ((sets.length * 31 + size) * 31 + rateQ15) * 31 + Long.hashCode(observed);
        for (int i = 0; i < size; i++) r = r * 31 + setSize(i);
        return r;
    }

    @Override
    public String toString() {
        return "SpikeHistory[slots=" + sets.length + ", size=" + size + ", dim=" + mean.length + ", hasMean=" + hasMean
                + ", rateQ15=" + rateQ15 + ", observed=" + observed + ", fired=" + fired + "]";
    }
}
