package dev.mcgt.flink.state;

import dev.mcgt.McgtException;
import dev.mcgt.stream.StreamState;
import dev.mcgt.stream.StreamStateCodec;
import java.io.IOException;
import java.util.Arrays;
import java.util.zip.CRC32C;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Flink's serializer of a document stream's {@link StreamState}: the compact, versioned bytes of
 * {@link dev.mcgt.stream.StreamStateCodec} (INT8 KV cache, histories, fingerprint), framed by a format version.
 * No Kryo, no Java serialization; the same bytes on the heap backend's snapshots and in RocksDB.
 *
 * <pre>
 * format 1: int length, codec bytes (codec version 1)
 * format 2: int length, codec bytes, int CRC-32C of the codec bytes (codec version 1)
 * format 3: as format 2, codec version 2 (with the pooling memory of skipped chunks; the current format)
 * </pre>
 *
 * The format is the version of this serializer's {@link StreamStateSerializerSnapshot}: state written in an
 * older format is read with the older framing and rewritten in the current one (Flink's state migration).
 * Every format reads every codec version the core supports, and formats 1 and 2 write codec version 1, so that
 * state written for an older build stays readable by it; a corrupt or truncated value is an {@link IOException}
 * naming the problem.
 */
public final class StreamStateSerializer extends TypeSerializer<StreamState> {
    private static final long serialVersionUID = 1L;

    /** Length-prefixed codec bytes. */
    public static final int FORMAT_V1 = 1;
    /** Length-prefixed codec bytes followed by their CRC-32C. */
    public static final int FORMAT_V2 = 2;
    /** Format 2's framing around codec version 2. */
    public static final int FORMAT_V3 = 3;
    /** The format this build writes. */
    public static final int CURRENT_FORMAT = FORMAT_V3;
    /** The serializer of the current format. */
    public static final StreamStateSerializer INSTANCE = new StreamStateSerializer(CURRENT_FORMAT);

    /** Largest encoded state accepted when reading (guards against allocating on a corrupt length). */
    static final int MAX_STATE_BYTES = 1 << 30;
    /** Largest single allocation while reading a value whose source does not say how many bytes remain. */
    static final int READ_STEP = 1 << 20;

    private final int format;

    /**
     * The current format; for Flink SQL, which instantiates the serializer of a {@code RAW} state type by
     * reflection (the {@code mcgt_score} function's state). Equal to {@link #INSTANCE}.
     */
    public StreamStateSerializer() {
        this(CURRENT_FORMAT);
    }

    private StreamStateSerializer(int format) {
        this.format = format;
    }

    /**
     * The serializer of a format ({@link #FORMAT_V1} .. {@link #FORMAT_V3}): reads and writes that framing and
     * codec version. Writing an older format keeps savepoints readable by an older build.
     */
    public static StreamStateSerializer ofFormat(int format) {
        if (format == CURRENT_FORMAT) return INSTANCE;
        if (format == FORMAT_V1 || format == FORMAT_V2) return new StreamStateSerializer(format);
        throw McgtException.badConfig("unknown stream state format " + format + " (this build knows 1.." + CURRENT_FORMAT + ")");
    }

    /** The format this serializer reads and writes. */
    public int format() { return format; }

    @Override public boolean isImmutableType() { return false; }

    @Override public TypeSerializer<StreamState> duplicate() { return this; }

    /** A stream state needs a model config to exist; there is no empty instance. */
    @Override public StreamState createInstance() { return null; }

    @Override public StreamState copy(StreamState from) { return from == null ? null : from.copy(); }

    @Override public StreamState copy(StreamState from, StreamState reuse) { return copy(from); }

    @Override public int getLength() { return -1; }

    @Override
    public void serialize(StreamState record, DataOutputView target) throws IOException {
        byte[] bytes = format >= FORMAT_V3 ? record.toBytes() : StreamStateCodec.encode(record, StreamStateCodec.VERSION_1);
        target.writeInt(bytes.length);
        target.write(bytes);
        if (format >= FORMAT_V2) target.writeInt(crc(bytes));
    }

    @Override
    public StreamState deserialize(DataInputView source) throws IOException {
        byte[] bytes = readCodecBytes(source);
        if (format >= FORMAT_V2) {
            int stored = source.readInt();
            if (stored != crc(bytes)) throw new IOException("stream state checksum mismatch (the stored bytes are corrupt)");
        }
        try {
            return StreamState.fromBytes(bytes);
        } catch (McgtException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public StreamState deserialize(StreamState reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        byte[] bytes = readCodecBytes(source);
        target.writeInt(bytes.length);
        target.write(bytes);   // not write(source, n): some targets do not grow for it
        if (format >= FORMAT_V2) target.writeInt(source.readInt());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StreamStateSerializer s && s.format == format;
    }

    @Override
    public int hashCode() { return StreamStateSerializer.class.hashCode() * 31 + format; }

    @Override
    public TypeSerializerSnapshot<StreamState> snapshotConfiguration() {
        return new StreamStateSerializerSnapshot(format);
    }

    @Override
    public String toString() { return "StreamStateSerializer[format " + format + "]"; }

    /**
     * The length prefix and the codec bytes it announces. The prefix is untrusted: it is checked against the bytes
     * that remain when the source knows them, and otherwise the bytes are read in steps of at most
     * {@link #READ_STEP}, so a corrupt prefix costs no more memory than the source really holds.
     */
    private static byte[] readCodecBytes(DataInputView source) throws IOException {
        int length = source.readInt();
        if (length <= 0 || length > MAX_STATE_BYTES) throw new IOException("stream state has an invalid length " + length);
        if (source instanceof DataInputDeserializer d && d.available() < length) {
            throw truncated(length, d.available());
        }
        byte[] buf = new byte[Math.min(length, READ_STEP)];
        int n = 0;
        while (n < length) {
            if (n == buf.length) buf = Arrays.copyOf(buf, (int) Math.min(length, 2L * buf.length));
            int r = source.read(buf, n, buf.length - n);
            if (r < 0) throw truncated(length, n);
            n += r;
        }
        return buf;
    }

    private static IOException truncated(int length, int remaining) {
        return new IOException("stream state is truncated: its length says " + length + " bytes, only " + remaining
                + " remain");
    }

    private static int crc(byte[] bytes) {
        CRC32C c = new CRC32C();
        c.update(bytes, 0, bytes.length);
        return (int) c.getValue();
    }

    /** Keeps the one instance per format after Java deserialization of a job graph. */
    private Object readResolve() {
        return format == CURRENT_FORMAT ? INSTANCE : this;
    }
}
