package dev.mcgt.flink.functions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcgt.flink.telemetry.ChunkReject;
import dev.mcgt.flink.telemetry.EnergySample;
import dev.mcgt.flink.telemetry.ModelUpgrade;
import dev.mcgt.flink.telemetry.OutputTags;
import dev.mcgt.flink.telemetry.TierTransition;
import dev.mcgt.gate.GateDecision;
import dev.mcgt.gate.GateReason;
import java.io.IOException;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

/** Every record the function reads or writes is a Flink POJO/record type: no generic (Kryo) fallback. */
class RecordTypesTest {

    private static <T> T roundTrip(Class<T> type, T value) throws IOException {
        TypeInformation<T> info = TypeInformation.of(type);
        assertThat(info).as(type.getSimpleName()).isInstanceOf(PojoTypeInfo.class);
        SerializerConfigImpl config = new SerializerConfigImpl();
        config.setGenericTypes(false);
        TypeSerializer<T> s = info.createSerializer(config);   // throws if any field needs Kryo
        DataOutputSerializer out = new DataOutputSerializer(64);
        s.serialize(value, out);
        return s.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }

    @Test
    void inputAndOutputRecordsRoundTripThroughFlinksRecordSerializer() throws IOException {
        DocumentChunk c = new DocumentChunk("d", 3, new int[] {1, 2, 3}, true);
        assertThat(roundTrip(DocumentChunk.class, c)).isEqualTo(c);
        // bad input must cross the network intact to be rejected with its reason
        DocumentChunk bad = new DocumentChunk(null, -1, null, false);
        assertThat(roundTrip(DocumentChunk.class, bad)).isEqualTo(bad);

        ChunkScore s = new ChunkScore("d", 3, 2, 24, 0, 1, GateDecision.FLUSH_KV, GateReason.LAMBDA_DROPPED_FAST, 900,
                2000, -1100, true, 4000, false, false, 1, 12345, 67890, 4096, 1.5e6, 321, true, false,
                new float[] {0.5f, -1f});
        ChunkScore back = roundTrip(ChunkScore.class, s);
        assertThat(back).isEqualTo(s);
        assertThat(back.wallMicros()).isEqualTo(321);
    }

    @Test
    void sideOutputRecordsRoundTripAndTheTagsCarryTheirTypes() throws IOException {
        TierTransition t = new TierTransition("d", 1, 0, 3, GateDecision.ALLOW, GateReason.CACHE_HIT, 5, -7);
        EnergySample e = new EnergySample("d", 1, 3, 77, 0, 0, 0, 0, 64, 12.5, 9);
        ModelUpgrade m = new ModelUpgrade("d", "a", "b", 4, 4, 1234);
        ChunkReject r = new ChunkReject("", 2, 33, true, "chunk has 33 tokens");
        assertThat(roundTrip(TierTransition.class, t)).isEqualTo(t);
        assertThat(roundTrip(EnergySample.class, e)).isEqualTo(e);
        assertThat(roundTrip(ModelUpgrade.class, m)).isEqualTo(m);
        assertThat(roundTrip(ChunkReject.class, r)).isEqualTo(r);
        for (var tag : List.of(OutputTags.TIER_TRANSITIONS, OutputTags.ENERGY, OutputTags.MODEL_UPGRADE, OutputTags.REJECTS)) {
            assertThat(tag.getTypeInfo()).isInstanceOf(PojoTypeInfo.class);
        }
    }

    @Test
    void theFunctionAndItsSettingsShipWithTheJobGraph() throws Exception {
        GatedScoringFunction fn = new GatedScoringFunction(Docs.settings().withPolicy(dev.mcgt.config.GatePolicy.conservative()))
                .withStateFormat(1);
        GatedScoringFunction back = InstantiationUtil.clone(fn);
        assertThat(back.settings()).isEqualTo(fn.settings());
        assertThat(back.settings().policy()).isEqualTo(dev.mcgt.config.GatePolicy.conservative());
        assertThat(back.stateFormat()).isEqualTo(1);
        assertThat(DocumentChunk.KEY.getKey(new DocumentChunk(null, 0, null, false))).isEmpty();
        assertThat(InstantiationUtil.clone(DocumentChunk.KEY).getKey(new DocumentChunk("x", 0, null, false))).isEqualTo("x");
    }
}
