package dev.mcgt.job;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Base of the explicit serializers of the job's own keyed state: {@link AggregateDocuments}'
 * ({@link PendingDocumentSerializer}, {@link PooledChunkSerializer}) and {@link ChunkDocuments}'
 * ({@link DocumentMemorySerializer}). Each has a kind (which record), a data format (how its fields are laid out),
 * and an {@link AggregateStateSnapshot} recording both (the names stay those of the first users: checkpoints
 * record the snapshot's class name). No reflection, no Kryo; the layouts are in docs/STATE.md.
 */
abstract class AggregateStateSerializer<T> extends TypeSerializer<T> {
    private static final long serialVersionUID = 1L;

    /** The first (and current) data format of every kind. */
    static final int FORMAT_1 = 1;

    /** The record this serializer writes, as recorded in its snapshot. */
    abstract String kind();

    /** The data format this serializer reads and writes. */
    int format() { return FORMAT_1; }

    abstract void write(T value, DataOutputView out) throws IOException;

    abstract T read(DataInputView in) throws IOException;

    @Override public TypeSerializer<T> duplicate() { return this; }

    /** The records need their fields; there is no empty instance. */
    @Override public T createInstance() { return null; }

    @Override public T copy(T from, T reuse) { return copy(from); }

    @Override public int getLength() { return -1; }

    @Override public final void serialize(T record, DataOutputView target) throws IOException { write(record, target); }

    @Override public final T deserialize(DataInputView source) throws IOException { return read(source); }

    @Override public final T deserialize(T reuse, DataInputView source) throws IOException { return read(source); }

    @Override
    public final void copy(DataInputView source, DataOutputView target) throws IOException {
        write(read(source), target);
    }

    @Override public boolean equals(Object o) { return o != null && o.getClass() == getClass(); }

    @Override public int hashCode() { return getClass().hashCode(); }

    @Override
    public TypeSerializerSnapshot<T> snapshotConfiguration() {
        return new AggregateStateSnapshot<>(kind(), format());
    }

    @Override public String toString() { return getClass().getSimpleName() + "[format " + format() + "]"; }

    /** The serializer of a kind and format, or null when this build does not know them. */
    static AggregateStateSerializer<?> of(String kind, int format) {
        if (format != FORMAT_1) return null;
        if (PendingDocumentSerializer.KIND.equals(kind)) return PendingDocumentSerializer.INSTANCE;
        if (PooledChunkSerializer.KIND.equals(kind)) return PooledChunkSerializer.INSTANCE;
        if (DocumentMemorySerializer.KIND.equals(kind)) return DocumentMemorySerializer.INSTANCE;
        return null;
    }
}
