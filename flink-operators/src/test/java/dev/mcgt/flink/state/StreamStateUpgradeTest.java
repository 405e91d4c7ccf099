package dev.mcgt.flink.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcgt.stream.StreamState;
import dev.mcgt.stream.StreamStateCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Golden bytes of every stream state format, in the style of Flink's serializer upgrade tests: for each format a
 * serializer snapshot ({@code format-N.snapshot}, as {@link TypeSerializerSnapshot#writeVersionedSnapshot} writes
 * it into a checkpoint) and one value ({@code format-N.data}, {@link MicroStream#afterThreeChunks()}), committed
 * under {@code src/test/resources/golden/stream-state/} by the build that introduced the format. This build must
 * read them, restore the same state, resolve the right compatibility, and still write the same bytes.
 *
 * <p>A new format: add it to the parameters and run once with {@code -Dmcgt.golden.write=true}, which writes the
 * files that do not exist yet (existing files are never rewritten).
 */
class StreamStateUpgradeTest {
    private static final Path DIR = Path.of("src/test/resources/golden/stream-state");
    private static StreamState state;

    @BeforeAll
    static void buildState() throws IOException {
        state = MicroStream.afterThreeChunks();
        if (Boolean.getBoolean("mcgt.golden.write")) {
            Files.createDirectories(DIR);
            for (int f = StreamStateSerializer.FORMAT_V1; f <= StreamStateSerializer.CURRENT_FORMAT; f++) {
                StreamStateSerializer s = StreamStateSerializer.ofFormat(f);
                writeIfMissing(DIR.resolve("format-" + f + ".snapshot"), snapshotBytes(s.snapshotConfiguration()));
                writeIfMissing(DIR.resolve("format-" + f + ".data"), data(s, state));
            }
        }
    }

    private static void writeIfMissing(Path p, byte[] bytes) throws IOException {
        if (!Files.exists(p)) Files.write(p, bytes);
    }

    private static byte[] snapshotBytes(TypeSerializerSnapshot<StreamState> s) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, s);
        return out.getCopyOfBuffer();
    }

    private static byte[] data(TypeSerializer<StreamState> s, StreamState v) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(4096);
        s.serialize(v, out);
        return out.getCopyOfBuffer();
    }

    private static byte[] golden(String name) throws IOException {
        return Files.readAllBytes(DIR.resolve(name));
    }

    private static int codecVersion(int format) {
        return format >= StreamStateSerializer.FORMAT_V3 ? StreamStateCodec.VERSION_2 : StreamStateCodec.VERSION_1;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void theGoldenSnapshotRestoresTheGoldenState(int format) throws IOException {
        TypeSerializerSnapshot<StreamState> stored = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(golden("format-" + format + ".snapshot")), getClass().getClassLoader());
        assertThat(((StreamStateSerializerSnapshot) stored).format()).isEqualTo(format);

        DataInputDeserializer in = new DataInputDeserializer(golden("format-" + format + ".data"));
        StreamState restored = stored.restoreSerializer().deserialize(in);
        assertThat(in.available()).as("every byte read").isZero();
        assertThat(StreamStateCodec.encode(restored, codecVersion(format)))
                .isEqualTo(StreamStateCodec.encode(state, codecVersion(format)));
        if (format == StreamStateSerializer.CURRENT_FORMAT) assertThat(restored).isEqualTo(state);

        TypeSerializerSchemaCompatibility<StreamState> c =
                StreamStateSerializer.INSTANCE.snapshotConfiguration().resolveSchemaCompatibility(stored);
        if (format == StreamStateSerializer.CURRENT_FORMAT) assertThat(c.isCompatibleAsIs()).isTrue();
        else assertThat(c.isCompatibleAfterMigration()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void thisBuildStillWritesTheGoldenBytes(int format) throws IOException {
        StreamStateSerializer s = StreamStateSerializer.ofFormat(format);
        assertThat(data(s, state)).isEqualTo(golden("format-" + format + ".data"));
        assertThat(snapshotBytes(s.snapshotConfiguration())).isEqualTo(golden("format-" + format + ".snapshot"));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void anOlderFormatMigratesToTheCurrentBytes(int format) throws IOException {
        StreamState old = StreamStateSerializer.ofFormat(format)
                .deserialize(new DataInputDeserializer(golden("format-" + format + ".data")));
        // what Flink's migration does: read with the old serializer, write with the current one
        byte[] migrated = data(StreamStateSerializer.INSTANCE, old);
        StreamState back = StreamStateSerializer.INSTANCE.deserialize(new DataInputDeserializer(migrated));
        assertThat(back.toBytes()).isEqualTo(old.toBytes());
        assertThat(old.poolingMemory().isEmpty()).as("codec version 1 carries no pooling memory").isTrue();
    }
}
