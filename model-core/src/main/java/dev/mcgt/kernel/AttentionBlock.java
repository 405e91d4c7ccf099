package dev.mcgt.kernel;

import java.util.Objects;

/**
 * The operands of {@link Kernels#attendBlock}: one block of attention queries, all heads, and the keys each query
 * sees. A forward pass keeps one instance per set of buffers, binds the arrays once ({@link #operands}) and sets
 * the block before each call ({@link #block}); nothing is allocated per call.
 *
 * <p>Layout (d = heads · headDim): query row r, head h at {@code q[qOff + r·d + h·headDim ..]}, its scale at
 * {@code qScale[qsOff + r·heads + h]}; key (and value) row j, head h at {@code keys[j·d + h·headDim ..]}, scale at
 * {@code keyScale[j·heads + h]}, its optional score bias at {@code keyBias[j]}; the visible keys of query r are {@code keyList[r·stride ..]}, {@code keyCount[r]}
 * of them, ascending, all in [lo, lo + span); output row r, head h at {@code out[outOff + r·d + h·headDim ..]}.
 *
 * <p>{@link #computeWith} is the scalar reference: exactly the arithmetic {@link Kernels#attendBlock} specifies, built from
 * the other kernel methods (one int8 GEMM per head for the block's scores, softmax and P·V per query), so every
 * Java kernel computes attention the same way. Values are widened to f32 once per layer for it (see
 * {@link #valuesChanged}).
 */
public final class AttentionBlock {
    final int heads;
    final int headDim;
    final int d;
    byte[] q;
    float[] qScale;
    byte[] keys;
    float[] keyScale;
    byte[] values;
    float[] valueScale;
    int[] keyList;
    int stride;
    int[] keyCount;
    float scoreScale;
    float[] keyBias;
    float[] out;
    private final int[] scores;
    private final float[] probs;
    private final float[] valueF32;
    private int widenedRows;
    int qb;
    int qOff;
    int qsOff;
    int lo;
    int span;
    int outOff;

    /**
     * @param maxQueries queries per block at most
     * @param maxKeys    keys a block may span at most (rows of {@code keys} and {@code values})
     */
    public AttentionBlock(int heads, int headDim, int maxQueries, int maxKeys) {
        if (heads <= 0 || headDim <= 0 || maxQueries <= 0 || maxKeys <= 0) {
            throw new IllegalArgumentException("attention block dimensions must be positive");
        }
        this.heads = heads;
        this.headDim = headDim;
        this.d = Math.multiplyExact(heads, headDim);
        this.scores = new int[Math.multiplyExact(maxQueries, maxKeys)];
        this.probs = new float[maxKeys];
        this.valueF32 = new float[Math.multiplyExact(maxKeys, d)];
    }

    /** Binds the arrays (see the class comment for their layout). */
    public AttentionBlock operands(byte[] q, float[] qScale, byte[] keys, float[] keyScale, byte[] values,
                                   float[] valueScale, int[] keyList, int stride, int[] keyCount, float[] out) {
        this.q = q;
        this.qScale = qScale;
        this.keys = keys;
        this.keyScale = keyScale;
        this.values = values;
        this.valueScale = valueScale;
        this.keyList = keyList;
        this.stride = stride;
        this.keyCount = keyCount;
        this.out = out;
        this.widenedRows = 0;
        return this;
    }

    /** The factor of every raw score (1/√headDim for scaled dot-product attention). */
    public AttentionBlock scoreScale(float scale) {
        this.scoreScale = scale;
        return this;
    }

    /**
     * An additive bias per key row (added to the scaled score before softmax, e.g. the log of how many tokens a
     * merged row stands for: proportional attention), or null for none (no addition at all).
     */
    public AttentionBlock keyBias(float[] bias) {
        this.keyBias = bias;
        return this;
    }

    /** The values array was rewritten (a new layer): widened copies made for the scalar reference are stale. */
    public void valuesChanged() {
        widenedRows = 0;
    }

    /** Sets the block: {@code qb} queries from query offset qOff / scale offset qsOff, keys in [lo, lo + span). */
    public AttentionBlock block(int qb, int qOff, int qsOff, int lo, int span, int outOff) {
        this.qb = qb;
        this.qOff = qOff;
        this.qsOff = qsOff;
        this.lo = lo;
        this.span = span;
        this.outOff = outOff;
        return this;
    }

    /**
     * Checks every index the block will touch, so that a kernel may then read and write without checks: the
     * arrays' lengths and every listed key.
     */
    void check() {
        if (qb < 0 || span < 0 || lo < 0) throw new IllegalArgumentException("negative attention block size");
        if (qb > keyCount.length || Math.multiplyExact(qb, span) > scores.length || span > probs.length) {
            throw new IllegalArgumentException("attention block larger than its scratch");
        }
        Objects.checkFromIndexSize(outOff, Math.multiplyExact(qb, d), out.length);
        if (qb == 0) return;
        Objects.checkFromIndexSize(qOff, Math.multiplyExact(qb, d), q.length);
        Objects.checkFromIndexSize(qsOff, Math.multiplyExact(qb, heads), qScale.length);
        if (span == 0) return;
        int end = Math.addExact(lo, span);
        if (keyBias != null && end > keyBias.length) {
            throw new IndexOutOfBoundsException("key bias shorter than the key rows [" + lo + ", " + end + ")");
        }
        if (Math.multiplyExact(end, d) > keys.length || Math.multiplyExact(end, d) > values.length
                || Math.multiplyExact(end, heads) > keyScale.length
                || Math.multiplyExact(end, heads) > valueScale.length || end > valueF32.length / d) {
            throw new IndexOutOfBoundsException("attention keys [" + lo + ", " + end + ") out of range");
        }
        for (int r = 0; r < qb; r++) {
            int n = keyCount[r];
            if (n < 0 || n > stride) throw new IllegalArgumentException("key count " + n + " out of range");
            int base = r * stride;
            Objects.checkFromIndexSize(base, n, keyList.length);
            for (int i = 0; i < n; i++) {
                int key = keyList[base + i];
                if (key < lo || key >= end) {
                    throw new IndexOutOfBoundsException("key " + key + " outside [" + lo + ", " + end + ")");
                }
            }
        }
    }

    /**
     * The reference computation of {@link Kernels#attendBlock} on kernel {@code k}'s primitives (its int8 GEMM,
     * softmax and weighted row sums): what the Java kernels run, and what a kernel decorator can run to see those
     * primitives called one by one.
     */
    public void computeWith(Kernels k) {
        check();
        for (int i = outOff, end = outOff + qb * d; i < end; i++) out[i] = 0f;
        if (qb == 0 || span == 0) return;
        int need = lo + span;
        if (widenedRows < need) {
            for (int i = widenedRows * d, end = need * d; i < end; i++) valueF32[i] = values[i];
            widenedRows = need;
        }
        for (int hh = 0; hh < heads; hh++) {
            k.gemmI32(qb, span, headDim, q, qOff + hh * headDim, d, keys, lo * d + hh * headDim, d, scores, 0, span);
            for (int r = 0; r < qb; r++) {
                int n = keyCount[r];
                if (n == 0) continue;
                int list = r * stride;
                int sRow = r * span - lo;
                float qs = qScale[qsOff + r * heads + hh];
                for (int i = 0; i < n; i++) {
                    int key = keyList[list + i];
                    probs[i] = ((float) scores[sRow + key] * (qs * keyScale[key * heads + hh])) * scoreScale;
                }
                if (keyBias != null) {
                    for (int i = 0; i < n; i++) probs[i] = probs[i] + keyBias[keyList[list + i]];
                }
                k.softmax(probs, 0, n);
                for (int i = 0; i < n; i++) probs[i] = probs[i] * valueScale[keyList[list + i] * heads + hh];
                k.addScaledRows(n, probs, 0, keyList, list, valueF32, hh * headDim, d, out,
                        outOff + r * d + hh * headDim, headDim);
            }
        }
    }
}
