package dev.mcgt.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcgt.McgtException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class GatePacketTest {
    private static final long U32_MAX = 0xFFFF_FFFFL;

    @ParameterizedTest(name = "drop({0},{1}) = {2}")
    @CsvSource({"90,100,3276", "75,100,8192", "50,100,16384", "25,100,24576", "0,100,32768", "40,100,19660",
            "35,100,21299", "50,80,12288", "20,100,26214", "10,50,26214", "1,3,21845", "0,1,32768", "99,100,327",
            "100,0,0", "0,0,0", "0,4294967295,32768"})
    void dropRatioGolden(long lambda, long prev, int expected) {
        assertThat(GatePacket.of(lambda, prev).dropRatioQ15()).isEqualTo(expected);
    }

    @Test
    void lambdaDeltaWrapsLikeSigned32Bit() {
        assertThat(GatePacket.of(100, 95).lambdaDelta()).isEqualTo(5);
        assertThat(GatePacket.of(80, 100).lambdaDelta()).isEqualTo(-20);
        assertThat(GatePacket.of(100, 80).lambdaDelta()).isEqualTo(20);
        assertThat(GatePacket.of(U32_MAX, U32_MAX).lambdaDelta()).isZero();
        assertThat(GatePacket.of(U32_MAX, 0).lambdaDelta()).isEqualTo(-1);
        assertThat(GatePacket.of(0, U32_MAX).lambdaDelta()).isEqualTo(1);
    }

    @Test
    void flags() {
        GatePacket p = new GatePacket(1, 1, 0, 0, 0, GatePacket.FLAG_SKIP | GatePacket.FLAG_FORCE_SAFE);
        assertThat(p.skipRequested()).isTrue();
        assertThat(p.forceSafe()).isTrue();
        assertThat(p.boundaryIdsAvailable()).isFalse();
    }

    @Test
    void outOfRangeFieldsAreRejectedWithTheirName() {
        assertThatThrownBy(() -> GatePacket.of(-1, 0)).isInstanceOf(McgtException.class)
                .hasMessageContaining("lambda must be in");
        assertThatThrownBy(() -> GatePacket.of(U32_MAX + 1, 0)).hasMessageContaining("lambda");
        assertThatThrownBy(() -> new GatePacket(1, 1, 65536, 0, 0, 0)).hasMessageContaining("boundary_edges");
        assertThatThrownBy(() -> new GatePacket(1, 1, 0, -1, 0, 0)).hasMessageContaining("concentration");
    }

    @Test
    void decisionPermissions() {
        assertThat(GateDecision.ALLOW.allowsKvWrites()).isTrue();
        assertThat(GateDecision.ALLOW.allowsExternalWrites()).isTrue();
        assertThat(GateDecision.REDUCE_SCOPE.allowsKvWrites()).isTrue();
        assertThat(GateDecision.REDUCE_SCOPE.allowsExternalWrites()).isFalse();
        for (GateDecision d : new GateDecision[] {GateDecision.FLUSH_KV, GateDecision.FREEZE_WRITES,
                GateDecision.QUARANTINE_UPDATES}) {
            assertThat(d.allowsKvWrites()).isFalse();
            assertThat(d.allowsExternalWrites()).isFalse();
            assertThat(d.isIntervention()).isTrue();
        }
        assertThat(GateDecision.ALLOW.isIntervention()).isFalse();
        assertThat(GateReason.FORCED_BY_FLAG.ordinal()).isEqualTo(7);
        assertThat(GateDecision.QUARANTINE_UPDATES.ordinal()).isEqualTo(4);
    }
}
