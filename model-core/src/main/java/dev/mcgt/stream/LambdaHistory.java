package dev.mcgt.stream;

import dev.mcgt.McgtException;
import java.nio.ByteBuffer;

/**
 * The λ values a stream has seen: the last {@code capacity} values in a ring (oldest first when read), plus
 * the count, running mean and variance of every value ever added (Welford's method, in doubles, so the result
 * is the same on every JVM). {@link #last()} is the λprev of the next chunk (0 before the first one).
 *
 * <p>A plain mutable value owned by one stream; adding is allocation-free.
 */
public final class LambdaHistory {
    /** Largest ring a history may hold. */
    public static final int MAX_CAPACITY = 4096;

    private final long[] ring;
    private int start;
    private int size;
    private long count;
    private double mean;
    private double m2;

    /** An empty history keeping the last {@code capacity} values (1..4096). */
    public LambdaHistory(int capacity) {
        if (capacity < 1 || capacity > MAX_CAPACITY) {
            throw McgtException.badConfig("lambda history capacity must be in 1.." + MAX_CAPACITY + ", got " + capacity);
        }
        this.ring = new long[capacity];
    }

    public int capacity() { return ring.length; }

    /** Values held in the ring (at most the capacity). */
    public int size() { return size; }

    /** Values ever added (the running statistics cover all of them). */
    public long count() { return count; }

    public boolean isEmpty() { return count == 0; }

    /** The newest value, or 0 when nothing was added yet. */
    public long last() {
        return size == 0 ? 0L : ring[(start + size - 1) % ring.length];
    }

    /** Value {@code i} of the ring, 0 = oldest held. */
    public long get(int i) {
        if (i < 0 || i >= size) throw McgtException.badInput("lambda history index " + i + " outside 0.." + (size - 1));
        return ring[(start + i) % ring.length];
    }

    /** Mean of every value added (0 when empty). */
    public double mean() { return mean; }

    /** Population variance of every value added (0 with fewer than two values). */
    public double variance() { return count < 2 ? 0.0 : m2 / count; }

    /** Square root of {@link #variance()}. */
    public double stdDev() { return Math.sqrt(variance()); }

    /** Adds a λ (u32 range). */
    public void add(long lambda) {
        if (lambda < 0 || lambda > 0xFFFF_FFFFL) throw McgtException.badInput("lambda must be in 0..4294967295, got " + lambda);
        if (size < ring.length) {
            ring[(start + size) % ring.length] = lambda;
            size++;
        } else {
            ring[start] = lambda;
            start = (start + 1) % ring.length;
        }
        count++;
        double delta = lambda - mean;
        mean += delta / count;
        m2 += delta * (lambda - mean);
    }

    /** An independent copy. */
    public LambdaHistory copy() {
        LambdaHistory h = new LambdaHistory(ring.length);
        for (int i = 0; i < size; i++) h.ring[i] = get(i);
        h.size = size;
        h.count = count;
        h.mean = mean;
        h.m2 = m2;
        return h;
    }

    /** Bytes of {@link #write}. */
    int serializedSize() { return 4 + 4 + 8 * size + 8 + 8 + 8; }

    /** capacity, size, the held values oldest first, count, mean bits, m2 bits. */
    void write(ByteBuffer b) {
        b.putInt(ring.length).putInt(size);
        for (int i = 0; i < size; i++) b.putLong(get(i));
        b.putLong(count).putDouble(mean).putDouble(m2);
    }

    /** Reads what {@link #write} wrote; every field is range-checked. */
    static LambdaHistory read(ByteBuffer b) {
        int capacity = b.getInt();
        int size = b.getInt();
        if (capacity < 1 || capacity > MAX_CAPACITY || size < 0 || size > capacity) {
            throw StreamStateCodec.corrupt("lambda history has an invalid size");
        }
        LambdaHistory h = new LambdaHistory(capacity);
        for (int i = 0; i < size; i++) {
            long v = b.getLong();
            if (v < 0 || v > 0xFFFF_FFFFL) throw StreamStateCodec.corrupt("lambda history holds an out-of-range value");
            h.ring[i] = v;
        }
        h.size = size;
        h.count = b.getLong();
        h.mean = b.getDouble();
        h.m2 = b.getDouble();
        if (h.count < size || !Double.isFinite(h.mean) || !Double.isFinite(h.m2) || h.m2 < 0) {
            throw StreamStateCodec.corrupt("lambda history statistics are invalid");
        }
        return h;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof LambdaHistory h) || h.ring.length != ring.length || h.size != size || h.count != count
                || Double.doubleToRawLongBits(h.mean) != Double.doubleToRawLongBits(mean)
                || Double.doubleToRawLongBits(h.m2) != Double.doubleToRawLongBits(m2)) {
            return false;
        }
        for (int i = 0; i < size; i++) if (get(i) != h.get(i)) return false;
        return true;
    }

    @Override
    public int hashCode() {
        int r = Long.hashCode(count) * 31 + size;
        for (int i = 0; i < size; i++) r = r * 31 + Long.hashCode(get(i));
        return r;
    }

    @Override
    public String toString() {
        return "LambdaHistory[size=" + size + ", count=" + count + ", last=" + last() + ", mean=" + mean
                + ", variance=" + variance() + "]";
    }
}
