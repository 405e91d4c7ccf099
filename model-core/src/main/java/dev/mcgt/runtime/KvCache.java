package dev.mcgt.runtime;

import dev.mcgt.McgtException;
import dev.mcgt.config.TransformerConfig;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The KV cache of one stream: per layer a ring of {@code context} positions holding INT8 keys and values with
 * one f32 scale per position and head (symmetric, absmax/127, as the activations). Earlier chunks of the same
 * stream are read as keys "to the left" of the current chunk: the newest cached position sits just before the
 * chunk's position 0. When a chunk appends more positions than fit, the oldest are overwritten.
 *
 * <p>A plain mutable value owned by one stream (not thread-safe). {@link #toBytes()} writes the logical
 * content (oldest to newest) after a versioned header; {@link #fromBytes(byte[])} restores it so that
 * {@code toBytes(fromBytes(b))} equals {@code b} and inference continues identically. Flink state stores
 * exactly these bytes.
 *
 * <p>Format (big-endian): int magic {@code 0x4D4B5643} ("MKVC"), int version 1, int layers, int context,
 * int hidden, int heads; then per layer: int length, K bytes (length·hidden), V bytes (length·hidden), K
 * scales (length·heads floats), V scales (length·heads floats).
 */
public final class KvCache {
    /** "MKVC". */
    public static final int MAGIC = 0x4D4B5643;
    /** Current format version. */
    public static final int VERSION = 1;
    private static final int HEADER_BYTES = 24;
    /** Largest K+V capacity a snapshot may ask for (256 MiB); far above any supported model. */
    private static final long MAX_SNAPSHOT_CAPACITY_BYTES = 256L << 20;

    private final int layers;
    private final int context;
    private final int hidden;
    private final int heads;
    // Per layer: a ring of `context` positions. A restored cache holds exactly its snapshot's positions (oldest
    // first, start 0) and grows to the whole ring on its first append, so an untrusted snapshot costs no more
    // memory than the bytes it carries.
    private final byte[][] keys;
    private final byte[][] values;
    private final float[][] keyScales;
    private final float[][] valueScales;
    private final int[] start;
    private final int[] length;

    /** An empty cache. */
    public KvCache(int layers, int context, int hidden, int heads) {
        this(layers, context, hidden, heads, true);
    }

    private KvCache(int layers, int context, int hidden, int heads, boolean allocate) {
        if (layers <= 0 || context < 0 || hidden <= 0 || heads <= 0 || hidden % heads != 0) {
            throw McgtException.badConfig("KV cache needs layers > 0, context >= 0 and hidden divisible by heads");
        }
        this.layers = layers;
        this.context = context;
        this.hidden = hidden;
        this.heads = heads;
        int positions = allocate ? context : 0;
        keys = new byte[layers][positions * hidden];
        values = new byte[layers][positions * hidden];
        keyScales = new float[layers][positions * heads];
        valueScales = new float[layers][positions * heads];
        start = new int[layers];
        length = new int[layers];
    }

    /** Grows a restored layer's arrays to the whole ring (its positions stay where they are: start is 0). */
    private void ensureRing(int layer) {
        if (keys[layer].length == context * hidden) return;
        keys[layer] = Arrays.copyOf(keys[layer], context * hidden);
        values[layer] = Arrays.copyOf(values[layer], context * hidden);
        keyScales[layer] = Arrays.copyOf(keyScales[layer], context * heads);
        valueScales[layer] = Arrays.copyOf(valueScales[layer], context * heads);
    }

    /** An empty cache shaped for {@code config} ({@code kvContext} positions per layer). */
    public static KvCache forConfig(TransformerConfig config) {
        return new KvCache(config.layers(), config.kvContext(), config.hidden(), config.heads());
    }

    public int layers() { return layers; }

    public int context() { return context; }

    public int hidden() { return hidden; }

    public int heads() { return heads; }

    /** Positions held for {@code layer}. */
    public int length(int layer) { return length[layer]; }

    /** Positions held over all layers. */
    public int totalLength() {
        int t = 0;
        for (int l : length) t += l;
        return t;
    }

    /** Bytes of one cached position (K and V rows plus their per-head scales). */
    public int bytesPerPosition() { return 2 * hidden + 8 * heads; }

    /** True when the shape matches {@code config}. */
    public boolean fits(TransformerConfig config) {
        return layers == config.layers() && context == config.kvContext() && hidden == config.hidden()
                && heads == config.heads();
    }

    /** Empties every layer (the data is zeroed too, so snapshots of equal content are equal bytes). */
    public void flush() {
        for (int l = 0; l < layers; l++) {
            Arrays.fill(keys[l], (byte) 0);
            Arrays.fill(values[l], (byte) 0);
            Arrays.fill(keyScales[l], 0f);
            Arrays.fill(valueScales[l], 0f);
            start[l] = 0;
            length[l] = 0;
        }
    }

    /**
     * Copies the newest {@code count} positions of {@code layer}, oldest first, into rows 0..count−1 of the
     * destination arrays (rows of {@code hidden} bytes, {@code heads} scales). Allocation-free.
     */
    void copyRecent(int layer, int count, byte[] k, float[] ks, byte[] v, float[] vs) {
        int len = length[layer];
        for (int r = 0; r < count; r++) {
            int slot = (start[layer] + len - count + r) % context;
            System.arraycopy(keys[layer], slot * hidden, k, r * hidden, hidden);
            System.arraycopy(values[layer], slot * hidden, v, r * hidden, hidden);
            System.arraycopy(keyScales[layer], slot * heads, ks, r * heads, heads);
            System.arraycopy(valueScales[layer], slot * heads, vs, r * heads, heads);
        }
    }

    /**
     * Appends rows {@code from..from+rows−1} of the source arrays to {@code layer}, evicting the oldest
     * positions when full. Returns the number of positions stored. Allocation-free.
     */
    int append(int layer, byte[] k, float[] ks, byte[] v, float[] vs, int from, int rows) {
        if (context == 0) return 0;
        ensureRing(layer);
        int skip = Math.max(rows - context, 0);
        for (int r = from + skip; r < from + rows; r++) {
            int slot;
            if (length[layer] < context) {
                slot = (start[layer] + length[layer]) % context;
                length[layer]++;
            } else {
                slot = start[layer];
                start[layer] = (start[layer] + 1) % context;
            }
            System.arraycopy(k, r * hidden, keys[layer], slot * hidden, hidden);
            System.arraycopy(v, r * hidden, values[layer], slot * hidden, hidden);
            System.arraycopy(ks, r * heads, keyScales[layer], slot * heads, heads);
            System.arraycopy(vs, r * heads, valueScales[layer], slot * heads, heads);
        }
        return rows - skip;
    }

    /** An independent copy. */
    public KvCache copy() {
        KvCache c = new KvCache(layers, context, hidden, heads);
        for (int l = 0; l < layers; l++) { // into whole rings: a restored layer's positions start at slot 0
            System.arraycopy(keys[l], 0, c.keys[l], 0, keys[l].length);
            System.arraycopy(values[l], 0, c.values[l], 0, values[l].length);
            System.arraycopy(keyScales[l], 0, c.keyScales[l], 0, keyScales[l].length);
            System.arraycopy(valueScales[l], 0, c.valueScales[l], 0, valueScales[l].length);
        }
        System.arraycopy(start, 0, c.start, 0, layers);
        System.arraycopy(length, 0, c.length, 0, layers);
        return c;
    }

    /** Size of {@link #toBytes()}. */
    public int serializedSize() {
        return HEADER_BYTES + 4 * layers + totalLength() * bytesPerPosition();
    }

    /** The versioned snapshot (see the class comment). */
    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(serializedSize());
        b.putInt(MAGIC).putInt(VERSION).putInt(layers).putInt(context).putInt(hidden).putInt(heads);
        for (int l = 0; l < layers; l++) {
            int len = length[l];
            b.putInt(len);
            for (int r = 0; r < len; r++) b.put(keys[l], slot(l, r) * hidden, hidden);
            for (int r = 0; r < len; r++) b.put(values[l], slot(l, r) * hidden, hidden);
            for (int r = 0; r < len; r++) {
                for (int h = 0; h < heads; h++) b.putFloat(keyScales[l][slot(l, r) * heads + h]);
            }
            for (int r = 0; r < len; r++) {
                for (int h = 0; h < heads; h++) b.putFloat(valueScales[l][slot(l, r) * heads + h]);
            }
        }
        return b.array();
    }

    private int slot(int layer, int r) {
        return (start[layer] + r) % context;
    }

    /**
     * Restores a snapshot of {@link #toBytes()}.
     *
     * @throws McgtException BAD_INPUT when the bytes are not a valid snapshot
     */
    public static KvCache fromBytes(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        try {
            if (b.getInt() != MAGIC) throw McgtException.badInput("not a KV cache snapshot (bad magic)");
            int version = b.getInt();
            if (version != VERSION) throw McgtException.badInput("unsupported KV cache snapshot version " + version);
            int layers = b.getInt();
            int context = b.getInt();
            int hidden = b.getInt();
            int heads = b.getInt();
            if (layers <= 0 || layers > 4096 || context < 0 || context > 1 << 20 || hidden <= 0 || hidden > 1 << 16
                    || heads <= 0 || hidden % heads != 0) {
                throw McgtException.badInput("KV cache snapshot has an invalid shape");
            }
            // The shape is untrusted: refuse capacities no real model has.
            if (2L * layers * context * (hidden + 4L * heads) > MAX_SNAPSHOT_CAPACITY_BYTES) {
                throw McgtException.badInput("KV cache snapshot shape is too large (" + layers + " layers x "
                        + context + " positions x " + hidden + ")");
            }
            // Each layer's positions are allocated only once its bytes are known to be there; the ring's spare
            // capacity comes on the first append (ensureRing).
            KvCache c = new KvCache(layers, context, hidden, heads, false);
            long bytesPerPosition = 2L * hidden + 8L * heads;
            for (int l = 0; l < layers; l++) {
                int len = b.getInt();
                if (len < 0 || len > context) throw McgtException.badInput("KV cache snapshot has an invalid length");
                if (len * bytesPerPosition > b.remaining()) throw McgtException.badInput("KV cache snapshot is truncated");
                c.keys[l] = new byte[len * hidden];
                c.values[l] = new byte[len * hidden];
                c.keyScales[l] = new float[len * heads];
                c.valueScales[l] = new float[len * heads];
                b.get(c.keys[l], 0, len * hidden);
                b.get(c.values[l], 0, len * hidden);
                for (int i = 0; i < len * heads; i++) c.keyScales[l][i] = checkedScale(b.getFloat());
                for (int i = 0; i < len * heads; i++) c.valueScales[l][i] = checkedScale(b.getFloat());
                c.length[l] = len;
            }
            if (b.hasRemaining()) throw McgtException.badInput("KV cache snapshot has trailing bytes");
            return c;
        } catch (BufferUnderflowException e) {
            throw McgtException.badInput("KV cache snapshot is truncated");
        }
    }

    private static float checkedScale(float s) {
        if (!Float.isFinite(s)) throw McgtException.badInput("KV cache snapshot holds a NaN or infinite scale");
        return s;
    }

    /** Equal logical content (same shape, same positions in the same order, same bits). */
    @Override
    public boolean equals(Object o) {
        return o instanceof KvCache c && Arrays.equals(toBytes(), c.toBytes());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(toBytes());
    }

    @Override
    public String toString() {
        return "KvCache[layers=" + layers + ", context=" + context + ", lengths=" + Arrays.toString(length) + "]";
    }
}
