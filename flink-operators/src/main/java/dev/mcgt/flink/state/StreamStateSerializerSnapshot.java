package dev.mcgt.flink.state;

import dev.mcgt.stream.StreamState;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * What a checkpoint or savepoint records about the {@link StreamStateSerializer}: its format.
 *
 * <p>The snapshot's own layout has a version apart from the data format. Snapshot versions 1 to 3 are the first
 * layout: the version is the format and the payload is empty. They are still written for formats 1 to 3, so that
 * the build that introduced a format reads the savepoints it is rolled back to. Snapshot version
 * {@link #SNAPSHOT_VERSION} (4) is the second layout: the payload is the format as an int, and a format after 3
 * is written that way, so a new data format no longer needs a new snapshot version (and the reverse).
 * {@code StreamStateUpgradeTest} restores the committed snapshots of every format.
 *
 * <p>On restore Flink asks the new serializer's snapshot about the stored one
 * ({@link #resolveSchemaCompatibility}): the same format is compatible as is; an older format is compatible after
 * migration — Flink reads every value with {@link #restoreSerializer()} (the old framing) and writes it with the
 * current serializer, on the heap backend and on RocksDB; a newer format (a savepoint of a newer build) or
 * another serializer is incompatible.
 */
public final class StreamStateSerializerSnapshot implements TypeSerializerSnapshot<StreamState> {
    /** The highest snapshot version of the first layout (version = format, empty payload). */
    static final int LAST_VERSION_EQUAL_TO_FORMAT = 3;
    /** The second layout: the payload holds the format. */
    static final int SNAPSHOT_VERSION = 4;

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

    /** The layout this snapshot is written in: the first one for formats 1 to 3, else {@link #SNAPSHOT_VERSION}. */
    @Override
    public int getCurrentVersion() { return format <= LAST_VERSION_EQUAL_TO_FORMAT ? format : SNAPSHOT_VERSION; }

    @Override
    public void writeSnapshot(DataOutputView out) throws IOException {
        if (format > LAST_VERSION_EQUAL_TO_FORMAT) out.writeInt(format);
        // first layout: the version written by Flink is the format, nothing else to record
    }

    @Override
    public void readSnapshot(int readVersion, DataInputView in, ClassLoader userCodeClassLoader) throws IOException {
        if (readVersion < 1 || readVersion > SNAPSHOT_VERSION) {
            throw new IOException("stream state serializer snapshot has version " + readVersion + "; this build reads "
                    + "versions 1.." + SNAPSHOT_VERSION + " (a savepoint of a newer mcgt?)");
        }
        int stored = readVersion <= LAST_VERSION_EQUAL_TO_FORMAT ? readVersion : in.readInt();
        if (stored < StreamStateSerializer.FORMAT_V1 || stored > StreamStateSerializer.CURRENT_FORMAT) {
            throw new IOException("stream state was written in format " + stored + "; this build reads formats "
                    + StreamStateSerializer.FORMAT_V1 + ".." + StreamStateSerializer.CURRENT_FORMAT
                    + " (a savepoint of a newer mcgt?)");
        }
        format = stored;
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
