package dev.mcgt.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

/**
 * The job state's serializers (the aggregation's, and the chunking stage's {@link DocumentMemorySerializer}) against golden bytes ({@code golden/aggregate/<kind>-<format>.snapshot} and
 * {@code .data}, written by the build that introduced the format; {@code -Dmcgt.golden.write=true} writes missing
 * files): the stored snapshot restores a serializer that reads the stored value, and this build writes the same
 * bytes.
 */
class AggregateSerializersTest {
    private static final Path DIR = Path.of("src/test/resources/golden/aggregate");

    static final PendingDocument PENDING = new PendingDocument(new DocumentInfo("doc-ü", null, "in/a.jsonl:7", 300, 12, 3),
            2, 86_400_000L, 86_400_000L);
    static final PendingDocument NO_INFO = new PendingDocument(null, 1, Long.MAX_VALUE, Long.MAX_VALUE);
    static final PooledChunk CHUNK = new PooledChunk(4, 3, true, true, 1234, 0, 6000, 0.1 + 0.2, true,
            new float[] {1.5f, -0f, Float.intBitsToFloat(0x7fc00001), Float.MIN_VALUE});

    static final DocumentMemory MEMORY = new DocumentMemory(new OpenDocument("in/b.jsonl:3", true, 5, 410, 7, 2, "spam-ü"),
            86_400_000L);
    static final DocumentMemory CLOSED = new DocumentMemory(new OpenDocument("x", false, 1, 3, 0, 1, null), Long.MAX_VALUE);

    private static <T> byte[] data(TypeSerializer<T> s, T value) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        s.serialize(value, out);
        return out.getCopyOfBuffer();
    }

    private static byte[] snapshot(TypeSerializer<?> s) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, s.snapshotConfiguration());
        return out.getCopyOfBuffer();
    }

    /** Checks (and with -Dmcgt.golden.write=true first writes) the golden files of one kind. */
    private static <T> void golden(AggregateStateSerializer<T> s, T value) throws IOException {
        String base = s.kind() + "-" + s.format();
        Path snap = DIR.resolve(base + ".snapshot");
        Path dat = DIR.resolve(base + ".data");
        if (Boolean.getBoolean("mcgt.golden.write")) {
            if (!Files.exists(snap)) Files.write(snap, snapshot(s));
            if (!Files.exists(dat)) Files.write(dat, data(s, value));
        }
        TypeSerializerSnapshot<T> stored = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(Files.readAllBytes(snap)), AggregateSerializersTest.class.getClassLoader());
        assertThat(s.snapshotConfiguration().resolveSchemaCompatibility(stored).isCompatibleAsIs()).isTrue();
        DataInputDeserializer in = new DataInputDeserializer(Files.readAllBytes(dat));
        assertThat(stored.restoreSerializer().deserialize(in)).isEqualTo(value);
        assertThat(in.available()).isZero();
        assertThat(data(s, value)).isEqualTo(Files.readAllBytes(dat));
        assertThat(snapshot(s)).isEqualTo(Files.readAllBytes(snap));
    }

    @Test
    void theGoldenBytesOfFormat1Restore() throws IOException {
        golden(PendingDocumentSerializer.INSTANCE, PENDING);
        golden(PooledChunkSerializer.INSTANCE, CHUNK);
        golden(DocumentMemorySerializer.INSTANCE, MEMORY);
    }

    @Test
    void valuesRoundTripBitForBit() throws IOException {
        for (PendingDocument d : new PendingDocument[] {PENDING, NO_INFO}) {
            byte[] b = data(PendingDocumentSerializer.INSTANCE, d);
            assertThat(PendingDocumentSerializer.INSTANCE.deserialize(new DataInputDeserializer(b))).isEqualTo(d);
        }
        for (DocumentMemory m : new DocumentMemory[] {MEMORY, CLOSED}) {
            byte[] b = data(DocumentMemorySerializer.INSTANCE, m);
            assertThat(DocumentMemorySerializer.INSTANCE.deserialize(new DataInputDeserializer(b))).isEqualTo(m);
        }
        byte[] corrupt = data(DocumentMemorySerializer.INSTANCE, CLOSED);
        corrupt[8] = 2;   // the open flag
        assertThatThrownBy(() -> DocumentMemorySerializer.INSTANCE.deserialize(new DataInputDeserializer(corrupt)))
                .isInstanceOf(IOException.class).hasMessageContaining("document memory state is corrupt");
        PooledChunk back = PooledChunkSerializer.INSTANCE.deserialize(
                new DataInputDeserializer(data(PooledChunkSerializer.INSTANCE, CHUNK)));
        assertThat(Float.floatToRawIntBits(back.output()[2])).as("NaN payload kept").isEqualTo(0x7fc00001);
        assertThat(Float.floatToRawIntBits(back.output()[1])).as("negative zero kept").isEqualTo(0x80000000);
        PooledChunk copy = PooledChunkSerializer.INSTANCE.copy(CHUNK);
        assertThat(copy).isEqualTo(CHUNK);
        assertThat(copy.output()).isNotSameAs(CHUNK.output());
        DataOutputSerializer out = new DataOutputSerializer(16);
        byte[] b = data(PooledChunkSerializer.INSTANCE, CHUNK);
        PooledChunkSerializer.INSTANCE.copy(new DataInputDeserializer(b), out);
        assertThat(out.getCopyOfBuffer()).isEqualTo(b);
    }

    @Test
    void corruptValuesAndUnknownSnapshotsAreClearErrors() throws Exception {
        byte[] b = data(PooledChunkSerializer.INSTANCE, CHUNK);
        b[12] = (byte) 0x40;   // the flags byte
        assertThatThrownBy(() -> PooledChunkSerializer.INSTANCE.deserialize(new DataInputDeserializer(b)))
                .isInstanceOf(IOException.class).hasMessageContaining("pooled chunk state is corrupt");
        DataOutputSerializer payload = new DataOutputSerializer(16);
        payload.writeUTF(PooledChunkSerializer.KIND);
        payload.writeInt(2);
        assertThatThrownBy(() -> new AggregateStateSnapshot<>().readSnapshot(AggregateStateSnapshot.VERSION,
                new DataInputDeserializer(payload.getCopyOfBuffer()), getClass().getClassLoader()))
                .isInstanceOf(IOException.class).hasMessageContaining("format 2");
        assertThatThrownBy(() -> new AggregateStateSnapshot<>().readSnapshot(2, new DataInputDeserializer(new byte[0]),
                getClass().getClassLoader())).isInstanceOf(IOException.class).hasMessageContaining("version 2");
        // a snapshot of the other kind is not compatible
        TypeSerializerSnapshot<PooledChunk> chunkSnap = PooledChunkSerializer.INSTANCE.snapshotConfiguration();
        @SuppressWarnings({"unchecked", "rawtypes"})
        TypeSerializerSnapshot<PooledChunk> docSnap = (TypeSerializerSnapshot) PendingDocumentSerializer.INSTANCE
                .snapshotConfiguration();
        assertThat(chunkSnap.resolveSchemaCompatibility(docSnap).isIncompatible()).isTrue();
        assertThat(InstantiationUtil.clone(PooledChunkSerializer.INSTANCE)).isSameAs(PooledChunkSerializer.INSTANCE);
    }
}
