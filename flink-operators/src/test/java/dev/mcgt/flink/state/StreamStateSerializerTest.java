package dev.mcgt.flink.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcgt.stream.StreamState;
import dev.mcgt.stream.StreamStateCodec;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The state serializer and its versioned snapshot, without Flink's runtime. */
class StreamStateSerializerTest {
    private static StreamState state;

    /** A micro stream after three chunks: KV cache, histories and cached output all filled. */
    @BeforeAll
    static void scoreSomeChunks() {
        state = MicroStream.afterThreeChunks();
        assertThat(state.inferState().kvCache().totalLength()).isPositive();
    }

    private static byte[] write(TypeSerializer<StreamState> s, StreamState value) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        s.serialize(value, out);
        return out.getCopyOfBuffer();
    }

    private static StreamState read(TypeSerializer<StreamState> s, byte[] bytes) throws IOException {
        DataInputDeserializer in = new DataInputDeserializer(bytes);
        StreamState v = s.deserialize(in);
        assertThat(in.available()).as("every byte consumed").isZero();
        return v;
    }

    @Test
    void everyFormatRoundTripsTheCodecBytesExactly() throws IOException {
        for (int format : new int[] {StreamStateSerializer.FORMAT_V1, StreamStateSerializer.FORMAT_V2,
                StreamStateSerializer.FORMAT_V3}) {
            StreamStateSerializer s = StreamStateSerializer.ofFormat(format);
            byte[] bytes = write(s, state);
            // formats 1 and 2 write codec version 1 (what their builds read), format 3 the current codec
            byte[] codec = format >= 3 ? state.toBytes() : StreamStateCodec.encode(state, StreamStateCodec.VERSION_1);
            assertThat(bytes.length).isEqualTo(4 + codec.length + (format >= 2 ? 4 : 0));
            assertThat(StreamStateCodec.encode(read(s, bytes), format >= 3 ? 2 : 1)).isEqualTo(codec);
            // the compact form: INT8 KV positions cost 2·hidden + 8·heads bytes each, plus small histories
            long kv = (long) state.inferState().kvCache().totalLength() * state.inferState().kvCache().bytesPerPosition();
            assertThat((long) codec.length).isLessThan(kv + 8_192);
        }
        assertThat(StreamStateSerializer.ofFormat(3)).isSameAs(StreamStateSerializer.INSTANCE);
        assertThatThrownBy(() -> StreamStateSerializer.ofFormat(4)).hasMessageContaining("unknown stream state format 4");
    }

    @Test
    void theFormatsReallyDiffer() throws IOException {
        byte[] v1 = write(StreamStateSerializer.ofFormat(1), state);
        assertThatThrownBy(() -> StreamStateSerializer.INSTANCE.deserialize(new DataInputDeserializer(v1)))
                .isInstanceOf(IOException.class);
    }

    @Test
    void corruptBytesAreReportedNotDecoded() throws IOException {
        byte[] good = write(StreamStateSerializer.INSTANCE, state);
        byte[] flipped = good.clone();
        flipped[good.length / 2] ^= 0x10;
        assertThatThrownBy(() -> read(StreamStateSerializer.INSTANCE, flipped)).isInstanceOf(IOException.class)
                .hasMessageContaining("checksum mismatch");
        byte[] badLength = good.clone();
        badLength[0] = (byte) 0x7F;
        assertThatThrownBy(() -> read(StreamStateSerializer.INSTANCE, badLength)).isInstanceOf(IOException.class)
                .hasMessageContaining("invalid length");
        // format 1 has no checksum: the codec's own checks catch a broken header
        byte[] v1 = write(StreamStateSerializer.ofFormat(1), state);
        v1[4] ^= 0x01;
        assertThatThrownBy(() -> read(StreamStateSerializer.ofFormat(1), v1)).isInstanceOf(IOException.class)
                .hasMessageContaining("stream state");
    }

    @Test
    void copiesAreDeepAndTheBinaryCopyIsExact() throws IOException {
        StreamState c = StreamStateSerializer.INSTANCE.copy(state);
        assertThat(c).isNotSameAs(state).isEqualTo(state);
        assertThat(c.inferState()).isNotSameAs(state.inferState());
        assertThat(StreamStateSerializer.INSTANCE.copy((StreamState) null)).isNull();
        for (int format : new int[] {1, 2, 3}) {
            StreamStateSerializer s = StreamStateSerializer.ofFormat(format);
            byte[] bytes = write(s, state);
            DataOutputSerializer out = new DataOutputSerializer(64);
            s.copy(new DataInputDeserializer(bytes), out);
            assertThat(out.getCopyOfBuffer()).isEqualTo(bytes);
        }
    }

    @Test
    void theSerializerSurvivesJavaSerialization() throws Exception {
        StreamStateSerializer back = InstantiationUtil.clone(StreamStateSerializer.INSTANCE);
        assertThat(back).isSameAs(StreamStateSerializer.INSTANCE);
        StreamStateSerializer v1 = InstantiationUtil.clone(StreamStateSerializer.ofFormat(1));
        assertThat(v1).isEqualTo(StreamStateSerializer.ofFormat(1)).isNotEqualTo(StreamStateSerializer.INSTANCE);
        assertThat(StreamStateSerializer.INSTANCE.duplicate()).isSameAs(StreamStateSerializer.INSTANCE);
    }

    private static TypeSerializerSnapshot<StreamState> roundTrip(TypeSerializerSnapshot<StreamState> s) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, s);
        return TypeSerializerSnapshot.readVersionedSnapshot(new DataInputDeserializer(out.getCopyOfBuffer()),
                StreamStateSerializerTest.class.getClassLoader());
    }

    @Test
    void theSnapshotRecordsTheFormatAndResolvesCompatibility() throws IOException {
        TypeSerializerSnapshot<StreamState> v1 = roundTrip(StreamStateSerializer.ofFormat(1).snapshotConfiguration());
        TypeSerializerSnapshot<StreamState> v2 = roundTrip(StreamStateSerializer.INSTANCE.snapshotConfiguration());
        assertThat(((StreamStateSerializerSnapshot) v1).format()).isEqualTo(1);
        assertThat(((StreamStateSerializerSnapshot) v2).format()).isEqualTo(3);
        assertThat(v1.restoreSerializer()).isEqualTo(StreamStateSerializer.ofFormat(1));
        assertThat(v2.restoreSerializer()).isSameAs(StreamStateSerializer.INSTANCE);
        assertThat(new StreamStateSerializerSnapshot().getCurrentVersion()).isEqualTo(StreamStateSerializer.CURRENT_FORMAT);

        // Flink 2.x asks the NEW snapshot about the OLD one
        TypeSerializerSchemaCompatibility<StreamState> upgrade = v2.resolveSchemaCompatibility(v1);
        assertThat(upgrade.isCompatibleAfterMigration()).isTrue();
        assertThat(v2.resolveSchemaCompatibility(v2).isCompatibleAsIs()).isTrue();
        assertThat(v1.resolveSchemaCompatibility(v2).isIncompatible()).as("a newer savepoint on an older build").isTrue();
        @SuppressWarnings({"unchecked", "rawtypes"})
        TypeSerializerSnapshot<StreamState> other = (TypeSerializerSnapshot) org.apache.flink.api.common.typeutils.base
                .StringSerializer.INSTANCE.snapshotConfiguration();
        assertThat(v2.resolveSchemaCompatibility(other).isIncompatible()).isTrue();
    }

    @Test
    void aSnapshotOfAnUnknownNewerFormatFailsWithAClearMessage() throws IOException {
        assertThatThrownBy(() -> new StreamStateSerializerSnapshot().readSnapshot(5, new DataInputDeserializer(new byte[0]),
                getClass().getClassLoader())).isInstanceOf(IOException.class).hasMessageContaining("version 5")
                .hasMessageContaining("1..4");
        DataOutputSerializer payload = new DataOutputSerializer(4);
        payload.writeInt(7);
        assertThatThrownBy(() -> new StreamStateSerializerSnapshot().readSnapshot(4,
                new DataInputDeserializer(payload.getCopyOfBuffer()), getClass().getClassLoader()))
                .isInstanceOf(IOException.class).hasMessageContaining("format 7").hasMessageContaining("1..3");
    }

    @Test
    void theSecondSnapshotLayoutCarriesTheFormatInItsPayload() throws IOException {
        for (int format = 1; format <= StreamStateSerializer.CURRENT_FORMAT; format++) {
            DataOutputSerializer payload = new DataOutputSerializer(4);
            payload.writeInt(format);
            StreamStateSerializerSnapshot s = new StreamStateSerializerSnapshot();
            s.readSnapshot(StreamStateSerializerSnapshot.SNAPSHOT_VERSION,
                    new DataInputDeserializer(payload.getCopyOfBuffer()), getClass().getClassLoader());
            assertThat(s.format()).isEqualTo(format);
            assertThat(s.restoreSerializer()).isEqualTo(StreamStateSerializer.ofFormat(format));
        }
    }
}
