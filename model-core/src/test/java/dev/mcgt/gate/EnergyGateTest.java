package dev.mcgt.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.mcgt.config.GatePolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The energy gate's golden values (energy, gradient, decision, confidence; docs/GATE.md). */
class EnergyGateTest {
    private static final EnergyGate GATE = new EnergyGate(EnergyGateConfig.defaults(), GatePolicy.defaults());

    private static GatePacket gate(long l, long p, int e, int c, int parts) {
        return new GatePacket(l, p, e, c, parts, 0);
    }

    @ParameterizedTest(name = "E({0},{1},{2},{3},{4}) = {5}")
    @CsvSource({"100,95,10,8192,3,0.461465", "200,195,5,4096,2,0.312572", "20,100,50,20000,8,0.794927",
            "150,145,5,4096,2,0.352255", "250,245,2,2048,2,0.269963", "30,100,80,25000,8,0.830553",
            "0,0,0,0,0,0.555556", "80,75,15,10000,4,0.525881", "100,95,5,8192,3,0.454520",
            "1000,1000,0,0,1,0.072464", "10,10,100,32767,20,0.965274"})
    void energyGolden(long l, long p, int e, int c, int parts, float expected) {
        assertThat(GATE.energy(gate(l, p, e, c, parts))).isCloseTo(expected, within(1e-6f));
    }

    @ParameterizedTest(name = "grad({0},{1},{2},{3},{4})")
    @CsvSource({"100,95,10,8192,3,-1.328021e-3,1.388878e-3,2.082312e-2,2.091160e-2",
            "200,195,5,4096,2,-6.783605e-4,1.388878e-3,2.934855e-2,2.938923e-2",
            "20,100,50,20000,8,-2.866745e-3,1.388788e-3,8.525372e-3,9.101040e-3",
            "1000,1000,0,0,1,-6.295741e-5,1.388893e-3,5.017167e-2,5.019093e-2",
            "0,0,0,0,0,-3.679156e-3,1.388907e-3,0,3.932589e-3"})
    void gradientGolden(long l, long p, int e, int c, int parts, float dl, float db, float dp, float mag) {
        EnergyGate.Gradient g = GATE.gradient(gate(l, p, e, c, parts));
        assertThat(g.dLambda()).isCloseTo(dl, within(2e-6f));
        assertThat(g.dBoundary()).isCloseTo(db, within(2e-6f));
        assertThat(g.dPartition()).isCloseTo(dp, within(2e-6f));
        assertThat(g.magnitude()).isCloseTo(mag, within(2e-6f));
    }

    @Test
    void saturatingGradientAtTheTopOfTheRange() {
        EnergyGate.Gradient g = GATE.gradient(gate(100, 100, 65535, 0, 65535));
        assertThat(g.dBoundary()).isZero();
        assertThat(g.dPartition()).isZero();
    }

    @ParameterizedTest(name = "decide({0},{1},{2},{3},{4})")
    @CsvSource({"100,95,10,8192,3,ALLOW,0.5", "20,100,50,20000,8,QUARANTINE_UPDATES,0.5",
            "30,100,80,25000,8,FLUSH_KV,0.5", "0,0,0,0,0,QUARANTINE_UPDATES,0.5",
            "10,10,100,32767,20,QUARANTINE_UPDATES,0.5", "30,100,5,4096,2,FLUSH_KV,0.5",
            "40,100,5,8192,3,FLUSH_KV,0.5", "1000,1000,0,0,1,ALLOW,0.606079"})
    void decideGolden(long l, long p, int e, int c, int parts, GateDecision d, float conf) {
        EnergyGate.Advice a = GATE.decide(gate(l, p, e, c, parts));
        assertThat(a.decision()).isEqualTo(d);
        assertThat(a.confidence()).isCloseTo(conf, within(1e-6f));
        assertThat(GATE.refine(gate(l, p, e, c, parts), 5)).isEqualTo(d);
    }

    @Test
    void decideWithTestConfig() {
        EnergyGate g = new EnergyGate(new EnergyGateConfig(1.0f, 0.5f, 0.3f, 2.0f, 3, 0.7f, 0.95f, 0.3f, 150f),
                GatePolicy.defaults());
        EnergyGate.Advice a = g.decide(gate(250, 245, 2, 2048, 2));
        assertThat(a.decision()).isEqualTo(GateDecision.ALLOW);
        assertThat(a.confidence()).isCloseTo(0.606459f, within(1e-6f));
        EnergyGate.Advice q = g.decide(gate(20, 100, 50, 20000, 8));
        assertThat(q.decision()).isEqualTo(GateDecision.QUARANTINE_UPDATES);
        assertThat(q.confidence()).isEqualTo(0.5f);
    }

    @ParameterizedTest(name = "confidence λ={0} parts={1}")
    @CsvSource({"5000,0,0.677555", "5000,1,0.684875", "5000,2,0.611513", "10000,1,0.696034", "15000,1,0.699828",
            "16000,1,0.700305", "20000,1,0.701739", "50000,1,0.705202", "1000000,0,0.700092", "1000000,2,0.634050"})
    void confidenceGolden(long lambda, int parts, float expected) {
        EnergyGate.Advice a = GATE.decide(gate(lambda, lambda, 0, 0, parts));
        assertThat(a.confidence()).isCloseTo(expected, within(2e-6f));
    }

    @Test
    void flagsAreCertain() {
        assertThat(GATE.decide(new GatePacket(1, 1, 0, 0, 0, GatePacket.FLAG_SKIP)))
                .isEqualTo(new EnergyGate.Advice(GateDecision.ALLOW, 1.0f));
        assertThat(GATE.decide(new GatePacket(1, 1, 0, 0, 0, GatePacket.FLAG_FORCE_SAFE)))
                .isEqualTo(new EnergyGate.Advice(GateDecision.FREEZE_WRITES, 1.0f));
    }
}
