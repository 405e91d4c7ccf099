package dev.mcgt.flink.state;

import dev.mcgt.stream.StreamState;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * What a checkpoint or savepoint records about the {@link StreamStateSerializer}: its format, written as the
 * snapshot version (the payload is empty in formats 1 to 3).
 *
 * <p>On restore Flink asks the new serializer's snapshot about the stored one
 * ({@link #resolveSchemaCompatibility}): the same format is compatible as is; an older format is compatible after
 * migration — Flink reads every value with {@link #restoreSerializer()} (the old framing) and writes it with the
 * current serializer, on the heap backend and on RocksDB; a newer format (a savepoint of a newer build) or
 * another serializer is incompatible.
 */
public final class StreamStateSerializerSnapshot implements TypeSerializerSnapshot<StreamState> {
    private int format;

    /** The snapshot of the current format (Flink instantiates snapshots with this constructor, then reads them). */
    public StreamStateSerializerSnapshot() {
        this(StreamStateSerializer.CURRENT_FORMAT);
    }

    StreamStateSerializerSnapshot(int format) {
        this.format = format;
    }

    /** The stored format. */
    public int format() { return format; }

    @Override
    public int getCurrentVersion() { return format; }

    @Override
    public void writeSnapshot(DataOutputView out) {
        // the version written by Flink is the format; nothing else to record
    }

    @Override
    public void readSnapshot(int readVersion, DataInputView in, ClassLoader userCodeClassLoader) throws IOException {
        if (readVersion < StreamStateSerializer.FORMAT_V1 || readVersion > StreamStateSerializer.CURRENT_FORMAT) {
            throw new IOException("stream state was written in format " + readVersion + "; this build reads formats "
                    + StreamStateSerializer.FORMAT_V1 + ".." + StreamStateSerializer.CURRENT_FORMAT
                    + " (a savepoint of a newer mcgt?)");
        }
        format = readVersion;
    }

    @Override
    public TypeSerializer<StreamState> restoreSerializer() {
        return StreamStateSerializer.ofFormat(format);
    }

    @Override
    public TypeSerializerSchemaCompatibility<StreamState> resolveSchemaCompatibility(
            TypeSerializerSnapshot<StreamState> oldSnapshot) {
        if (!(oldSnapshot instanceof StreamStateSerializerSnapshot old)) {
            return TypeSerializerSchemaCompatibility.incompatible();
        }
        if (old.format == format) return TypeSerializerSchemaCompatibility.compatibleAsIs();
        if (old.format < format) return TypeSerializerSchemaCompatibility.compatibleAfterMigration();
        return TypeSerializerSchemaCompatibility.incompatible();
    }
}
