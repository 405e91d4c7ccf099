package dev.mcgt.runtime;

import dev.mcgt.McgtException;
import dev.mcgt.config.TransformerConfig;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Everything one stream (document) carries from chunk to chunk: its {@link KvCache} and the signature and
 * output of its last computed inference (the skip tier's cache). Owned by one stream at a time (not
 * thread-safe); weights are never part of it.
 *
 * <p>Snapshot format (big-endian): int magic {@code 0x4D495354} ("MIST"), int version 1, byte has-signature,
 * long signature, int output length, the output floats, int KV length, the {@link KvCache#toBytes()} bytes.
 */
public final class InferState {
    /** "MIST". */
    public static final int MAGIC = 0x4D495354;
    /** Current format version. */
    public static final int VERSION = 1;

    private final KvCache kv;
    private final float[] cachedOutput;
    private boolean hasSignature;
    private long signature;

    /** A fresh state for a model of this shape. */
    public InferState(TransformerConfig config) {
        this(KvCache.forConfig(config), new float[config.outputSize()]);
    }

    private InferState(KvCache kv, float[] cachedOutput) {
        this.kv = kv;
        this.cachedOutput = cachedOutput;
    }

    public KvCache kvCache() { return kv; }

    /** Whether a computed output is cached. */
    public boolean hasCachedSignature() { return hasSignature; }

    /** The cached signature (meaningful when {@link #hasCachedSignature()}). */
    public long cachedSignature() { return signature; }

    /** A copy of the cached output. */
    public float[] cachedOutput() { return cachedOutput.clone(); }

    /** True when an output is cached for {@code sig}. */
    public boolean hasCachedFor(long sig) { return hasSignature && signature == sig; }

    /** Width of the cached output. */
    public int outputSize() { return cachedOutput.length; }

    /** True when the shape matches {@code config}. */
    public boolean fits(TransformerConfig config) {
        return kv.fits(config) && cachedOutput.length == config.outputSize();
    }

    void copyCachedOutputTo(float[] dst) {
        System.arraycopy(cachedOutput, 0, dst, 0, cachedOutput.length);
    }

    void cache(long sig, float[] output) {
        System.arraycopy(output, 0, cachedOutput, 0, cachedOutput.length);
        signature = sig;
        hasSignature = true;
    }

    /** Empties the KV cache and forgets the cached output. */
    public void reset() {
        kv.flush();
        Arrays.fill(cachedOutput, 0f);
        hasSignature = false;
        signature = 0L;
    }

    /** An independent copy. */
    public InferState copy() {
        InferState s = new InferState(kv.copy(), cachedOutput.clone());
        s.hasSignature = hasSignature;
        s.signature = signature;
        return s;
    }

    /** The versioned snapshot (see the class comment). */
    public byte[] toBytes() {
        byte[] kvBytes = kv.toBytes();
        ByteBuffer b = ByteBuffer.allocate(4 + 4 + 1 + 8 + 4 + 4 * cachedOutput.length + 4 + kvBytes.length);
        b.putInt(MAGIC).putInt(VERSION).put((byte) (hasSignature ? 1 : 0)).putLong(signature);
        b.putInt(cachedOutput.length);
        for (float f : cachedOutput) b.putFloat(f);
        b.putInt(kvBytes.length).put(kvBytes);
        return b.array();
    }

    /**
     * Restores a snapshot of {@link #toBytes()}.
     *
     * @throws McgtException BAD_INPUT when the bytes are not a valid snapshot
     */
    public static InferState fromBytes(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        try {
            if (b.getInt() != MAGIC) throw McgtException.badInput("not an inference state snapshot (bad magic)");
            int version = b.getInt();
            if (version != VERSION) throw McgtException.badInput("unsupported inference state version " + version);
            byte has = b.get();
            if (has != 0 && has != 1) throw McgtException.badInput("inference state snapshot is corrupted");
            long sig = b.getLong();
            int outLen = b.getInt();
            if (outLen <= 0 || outLen > b.remaining() / 4) {
                throw McgtException.badInput("inference state snapshot has an invalid output length");
            }
            float[] out = new float[outLen];
            for (int i = 0; i < outLen; i++) out[i] = b.getFloat();
            int kvLen = b.getInt();
            if (kvLen < 0 || kvLen != b.remaining()) {
                throw McgtException.badInput("inference state snapshot has an invalid KV length");
            }
            byte[] kvBytes = new byte[kvLen];
            b.get(kvBytes);
            InferState s = new InferState(KvCache.fromBytes(kvBytes), out);
            s.hasSignature = has == 1;
            s.signature = sig;
            return s;
        } catch (BufferUnderflowException e) {
            throw McgtException.badInput("inference state snapshot is truncated");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InferState s && Arrays.equals(toBytes(), s.toBytes());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(toBytes());
    }
}
