package dev.mcgt.job;

import java.io.IOException;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Format 1 of a {@link PooledChunk}: long chunkIndex, int tier, byte flags (1 skipped, 2 cacheHit, 4
 * modelUpgraded), long lambda, long macs, long ungatedMacs, long energyPj bits, int output length, the output as
 * raw float bits (bit-exact, NaN payloads included).
 */
final class PooledChunkSerializer extends AggregateStateSerializer<PooledChunk> {
    private static final long serialVersionUID = 1L;
    static final String KIND = "pooled-chunk";
    static final PooledChunkSerializer INSTANCE = new PooledChunkSerializer();
    /** Largest output accepted when reading (a corrupt length must not allocate gigabytes). */
    static final int MAX_OUTPUT = 1 << 20;

    private PooledChunkSerializer() { }

    @Override String kind() { return KIND; }

    @Override public boolean isImmutableType() { return false; }

    @Override
    public PooledChunk copy(PooledChunk c) {
        return c == null ? null : new PooledChunk(c.chunkIndex(), c.tier(), c.skipped(), c.cacheHit(), c.lambda(),
                c.macs(), c.ungatedMacs(), c.energyPj(), c.modelUpgraded(), c.output().clone());
    }

    @Override
    void write(PooledChunk c, DataOutputView out) throws IOException {
        out.writeLong(c.chunkIndex());
        out.writeInt(c.tier());
        out.writeByte((c.skipped() ? 1 : 0) | (c.cacheHit() ? 2 : 0) | (c.modelUpgraded() ? 4 : 0));
        out.writeLong(c.lambda());
        out.writeLong(c.macs());
        out.writeLong(c.ungatedMacs());
        out.writeLong(Double.doubleToRawLongBits(c.energyPj()));
        float[] o = c.output();
        out.writeInt(o.length);
        for (float v : o) out.writeInt(Float.floatToRawIntBits(v));
    }

    @Override
    PooledChunk read(DataInputView in) throws IOException {
        long chunkIndex = in.readLong();
        int tier = in.readInt();
        int flags = in.readByte();
        if ((flags & ~7) != 0) throw new IOException("pooled chunk state is corrupt (flags " + flags + ")");
        long lambda = in.readLong();
        long macs = in.readLong();
        long ungated = in.readLong();
        double energy = Double.longBitsToDouble(in.readLong());
        int n = in.readInt();
        if (n < 0 || n > MAX_OUTPUT) throw new IOException("pooled chunk state is corrupt (output length " + n + ")");
        float[] o = new float[n];
        for (int i = 0; i < n; i++) o[i] = Float.intBitsToFloat(in.readInt());
        return new PooledChunk(chunkIndex, tier, (flags & 1) != 0, (flags & 2) != 0, lambda, macs, ungated, energy,
                (flags & 4) != 0, o);
    }

    private Object readResolve() { return INSTANCE; }
}
