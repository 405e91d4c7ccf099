package dev.mcgt.stream;

import dev.mcgt.McgtException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * What a document remembers of its computed chunks for pooling skipped ones: per computed chunk a sketch (the
 * normalised mean of its token embeddings, known for every chunk before any block runs) and the vector it put
 * into the document (in the final layer's space). A skipped chunk contributes the vector of the remembered chunk
 * whose sketch is most similar to its own ({@link #nearest}). A ring of at most {@code capacity} chunks: when
 * full, the oldest is forgotten.
 *
 * <p>Plain mutable value owned by one stream; part of {@link StreamState} and of its binary form (section "POOL"
 * of {@link StreamStateCodec} version 2): int capacity, int sketch width, int vector width, int size, then per
 * chunk, oldest first, the sketch floats and the vector floats.
 */
public final class PoolingMemory {
    /** Computed chunks remembered by default. */
    public static final int DEFAULT_CAPACITY = 32;
    /** Largest capacity a snapshot may ask for. */
    public static final int MAX_CAPACITY = 4096;
    /** Largest sketch or vector width a snapshot may ask for. */
    public static final int MAX_WIDTH = 1 << 16;

    private final int capacity;
    private final int sketchWidth;
    private final int vectorWidth;
    private final float[] sketches;
    private final float[] vectors;
    private int start;
    private int size;

    /** An empty memory. */
    public PoolingMemory(int capacity, int sketchWidth, int vectorWidth) {
        if (capacity < 1 || capacity > MAX_CAPACITY) {
            throw McgtException.badConfig("pooling memory capacity must be in 1.." + MAX_CAPACITY + ", got " + capacity);
        }
        if (sketchWidth < 1 || sketchWidth > MAX_WIDTH || vectorWidth < 1 || vectorWidth > MAX_WIDTH) {
            throw McgtException.badConfig("pooling memory widths must be in 1.." + MAX_WIDTH);
        }
        this.capacity = capacity;
        this.sketchWidth = sketchWidth;
        this.vectorWidth = vectorWidth;
        this.sketches = new float[capacity * sketchWidth];
        this.vectors = new float[capacity * vectorWidth];
    }

    public int capacity() { return capacity; }

    public int sketchWidth() { return sketchWidth; }

    public int vectorWidth() { return vectorWidth; }

    /** Chunks remembered now. */
    public int size() { return size; }

    public boolean isEmpty() { return size == 0; }

    /** Remembers a computed chunk (copies both arrays), forgetting the oldest when full. */
    public void remember(float[] sketch, float[] vector) {
        if (sketch.length < sketchWidth || vector.length < vectorWidth) {
            throw McgtException.badInput("pooling memory: sketch or vector too short");
        }
        int slot;
        if (size < capacity) {
            slot = (start + size) % capacity;
            size++;
        } else {
            slot = start;
            start = (start + 1) % capacity;
        }
        System.arraycopy(sketch, 0, sketches, slot * sketchWidth, sketchWidth);
        System.arraycopy(vector, 0, vectors, slot * vectorWidth, vectorWidth);
    }

    /**
     * Copies into {@code dst} the vector of the remembered chunk whose sketch has the largest dot product with
     * {@code sketch} (f32, in index order; ties: the oldest); returns its age index (0 = oldest), or −1 and leaves
     * {@code dst} alone when nothing is remembered.
     */
    public int nearest(float[] sketch, float[] dst) {
        int best = -1;
        float bestDot = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < size; i++) {
            int o = ((start + i) % capacity) * sketchWidth;
            float s = 0f;
            for (int j = 0; j < sketchWidth; j++) s += sketch[j] * sketches[o + j];
            if (best < 0 || s > bestDot) {
                best = i;
                bestDot = s;
            }
        }
        if (best >= 0) System.arraycopy(vectors, ((start + best) % capacity) * vectorWidth, dst, 0, vectorWidth);
        return best;
    }

    /** Forgets everything. */
    public void clear() {
        start = 0;
        size = 0;
        Arrays.fill(sketches, 0f);
        Arrays.fill(vectors, 0f);
    }

    /** An empty memory of the same capacity with other widths (a model change). */
    public PoolingMemory withWidths(int sketch, int vector) {
        return new PoolingMemory(capacity, sketch, vector);
    }

    public PoolingMemory copy() {
        PoolingMemory m = new PoolingMemory(capacity, sketchWidth, vectorWidth);
        for (int i = 0; i < size; i++) {
            int s = (start + i) % capacity;
            System.arraycopy(sketches, s * sketchWidth, m.sketches, i * sketchWidth, sketchWidth);
            System.arraycopy(vectors, s * vectorWidth, m.vectors, i * vectorWidth, vectorWidth);
        }
        m.size = size;
        return m;
    }

    int serializedSize() { return 16 + 4 * size * (sketchWidth + vectorWidth); }

    void write(ByteBuffer b) {
        b.putInt(capacity).putInt(sketchWidth).putInt(vectorWidth).putInt(size);
        for (int i = 0; i < size; i++) {
            int s = (start + i) % capacity;
            for (int j = 0; j < sketchWidth; j++) b.putFloat(sketches[s * sketchWidth + j]);
            for (int j = 0; j < vectorWidth; j++) b.putFloat(vectors[s * vectorWidth + j]);
        }
    }

    static PoolingMemory read(ByteBuffer b) {
        int capacity = b.getInt();
        int sw = b.getInt();
        int vw = b.getInt();
        int size = b.getInt();
        if (capacity < 1 || capacity > MAX_CAPACITY || sw < 1 || sw > MAX_WIDTH || vw < 1 || vw > MAX_WIDTH
                || size < 0 || size > capacity || (long) size * (sw + vw) * 4 > b.remaining()) {
            throw StreamStateCodec.corrupt("section POOL holds an out-of-range value");
        }
        PoolingMemory m = new PoolingMemory(capacity, sw, vw);
        for (int i = 0; i < size; i++) {
            for (int j = 0; j < sw; j++) m.sketches[i * sw + j] = b.getFloat();
            for (int j = 0; j < vw; j++) m.vectors[i * vw + j] = b.getFloat();
        }
        m.size = size;
        return m;
    }

    @Override
    public String toString() { return "PoolingMemory[" + size + "/" + capacity + "]"; }
}
