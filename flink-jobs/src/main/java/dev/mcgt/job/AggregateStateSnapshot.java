package dev.mcgt.job;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * What a checkpoint records about an {@link AggregateStateSerializer} (the aggregation's and the chunking stage's). The snapshot's own layout has its version
 * ({@link #VERSION}: the kind as UTF, then the data format as an int), apart from the data format of the values:
 * a new data format changes the payload, not the snapshot version. The same format restores as is, an older one
 * after migration (read with its serializer, rewritten with the current one), anything else is incompatible.
 */
public final class AggregateStateSnapshot<T> implements TypeSerializerSnapshot<T> {
    /** Layout 1: kind, format. */
    static final int VERSION = 1;

    private String kind;
    private int format;

    /** For Flink, which instantiates a snapshot and then reads it. */
    public AggregateStateSnapshot() { }

    AggregateStateSnapshot(String kind, int format) {
        this.kind = kind;
        this.format = format;
    }

    /** The record the serializer wrote. */
    public String kind() { return kind; }

    /** The data format the values were written in. */
    public int format() { return format; }

    @Override public int getCurrentVersion() { return VERSION; }

    @Override
    public void writeSnapshot(DataOutputView out) throws IOException {
        out.writeUTF(kind);
        out.writeInt(format);
    }

    @Override
    public void readSnapshot(int readVersion, DataInputView in, ClassLoader userCodeClassLoader) throws IOException {
        if (readVersion != VERSION) {
            throw new IOException("job state snapshot has version " + readVersion + "; this build reads version "
                    + VERSION + " (a savepoint of a newer mcgt?)");
        }
        kind = in.readUTF();
        format = in.readInt();
        if (AggregateStateSerializer.of(kind, format) == null) {
            throw new IOException("job state '" + kind + "' was written in format " + format
                    + ", which this build does not know (a savepoint of a newer mcgt?)");
        }
    }

    @SuppressWarnings("unchecked")
    @Override
    public TypeSerializer<T> restoreSerializer() {
        return (TypeSerializer<T>) AggregateStateSerializer.of(kind, format);
    }

    @Override
    public TypeSerializerSchemaCompatibility<T> resolveSchemaCompatibility(TypeSerializerSnapshot<T> oldSnapshot) {
        if (!(oldSnapshot instanceof AggregateStateSnapshot<?> old) || !kind.equals(old.kind)) {
            return TypeSerializerSchemaCompatibility.incompatible();
        }
        if (old.format == format) return TypeSerializerSchemaCompatibility.compatibleAsIs();
        if (old.format < format) return TypeSerializerSchemaCompatibility.compatibleAfterMigration();
        return TypeSerializerSchemaCompatibility.incompatible();
    }
}
