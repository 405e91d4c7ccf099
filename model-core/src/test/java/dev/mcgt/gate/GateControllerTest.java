package dev.mcgt.gate;

import static dev.mcgt.gate.GateDecision.ALLOW;
import static dev.mcgt.gate.GateDecision.FLUSH_KV;
import static dev.mcgt.gate.GateDecision.FREEZE_WRITES;
import static dev.mcgt.gate.GateDecision.QUARANTINE_UPDATES;
import static dev.mcgt.gate.GateDecision.REDUCE_SCOPE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcgt.config.GatePolicy;
import dev.mcgt.config.TransformerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The original design's golden decision table (docs/GATE.md), adapted only where a documented fix differs. */
class GateControllerTest {
    private static final long U32_MAX = 0xFFFF_FFFFL;
    private static final GateController B = new GateController(GatePolicy.defaults(), TierSizes.referenceBaseline());
    private static final GateController M = new GateController(GatePolicy.defaults(),
            TierSizes.of(TransformerConfig.micro()));

    private static GatePacket gate(long l, long p, int e, int c, int parts, int flags) {
        return new GatePacket(l, p, e, c, parts, flags);
    }

    /**
     * Columns: λ, λprev, edges, conc, parts, flags, decision, reason, tier, B layers/seq/win, M layers/seq/win.
     */
    @ParameterizedTest(name = "[{index}] gate({0},{1},{2},{3},{4},{5})")
    @CsvSource({
            "100,95,5,8192,3,0, ALLOW,NONE,0, 4,64,16, 2,32,8",
            "100,95,5,8192,3,2, ALLOW,FORCED_BY_FLAG,3, 0,0,0, 0,0,0",
            "100,95,5,8192,3,3, ALLOW,FORCED_BY_FLAG,3, 0,0,0, 0,0,0",
            "100,95,5,8192,3,1, FREEZE_WRITES,FORCED_BY_FLAG,2, 1,8,4, 1,4,4",
            "20,100,5,8192,3,0, QUARANTINE_UPDATES,LAMBDA_BELOW_MIN,2, 1,8,4, 1,4,4",
            "30,30,5,8192,3,0, ALLOW,NONE,0, 4,64,16, 2,32,8",
            "50,80,25,10000,5,0, REDUCE_SCOPE,BOUNDARY_SPIKE,1, 2,32,8, 1,16,4",
            "40,100,5,8192,3,0, FLUSH_KV,LAMBDA_DROPPED_FAST,1, 2,32,8, 1,16,4",
            "100,95,21,0,0,0, REDUCE_SCOPE,BOUNDARY_SPIKE,1, 2,32,8, 1,16,4",
            "100,95,20,0,0,0, ALLOW,NONE,0, 4,64,16, 2,32,8",
            "100,95,5,20481,3,0, REDUCE_SCOPE,BOUNDARY_CONCENTRATION_SPIKE,1, 2,32,8, 1,16,4",
            "100,95,5,20480,3,0, ALLOW,NONE,0, 4,64,16, 2,32,8",
            "100,95,5,8192,11,0, REDUCE_SCOPE,PARTITION_DRIFT,1, 2,32,8, 1,16,4",
            "100,95,5,8192,10,0, ALLOW,NONE,0, 4,64,16, 2,32,8",
            "10,95,50,30000,30,0, QUARANTINE_UPDATES,LAMBDA_BELOW_MIN,2, 1,8,4, 1,4,4",
            "4294967295,4294967295,65535,32767,65535,0, REDUCE_SCOPE,BOUNDARY_SPIKE,1, 2,32,8, 1,16,4",
            "0,0,0,0,0,0, QUARANTINE_UPDATES,LAMBDA_BELOW_MIN,2, 1,8,4, 1,4,4",
            "90,100,5,8192,3,0, ALLOW,NONE,0, 4,64,16, 2,32,8",
            "100,95,30,8192,3,0, REDUCE_SCOPE,BOUNDARY_SPIKE,1, 2,32,8, 1,16,4",
            "100,95,5,25000,3,0, REDUCE_SCOPE,BOUNDARY_CONCENTRATION_SPIKE,1, 2,32,8, 1,16,4",
            "100,95,5,8192,15,0, REDUCE_SCOPE,PARTITION_DRIFT,1, 2,32,8, 1,16,4",
    })
    void goldenTable(long l, long p, int e, int c, int parts, int flags, GateDecision decision, GateReason reason,
                     int tier, int bl, int bs, int bw, int ml, int ms, int mw) {
        GatePacket g = gate(l, p, e, c, parts, flags);
        TierDecision b = B.evaluate(g, null);
        TierDecision m = M.evaluate(g, null);
        assertThat(b.decision()).isEqualTo(decision);
        assertThat(b.reason()).isEqualTo(reason);
        assertThat(b.tier()).isEqualTo(tier);
        assertThat(b.skip()).isEqualTo(tier == 3);
        assertThat(new int[] {b.layersToRun(), b.effectiveSeqLen(), b.effectiveWindow()}).containsExactly(bl, bs, bw);
        assertThat(m.decision()).isEqualTo(decision);
        assertThat(m.reason()).isEqualTo(reason);
        assertThat(new int[] {m.layersToRun(), m.effectiveSeqLen(), m.effectiveWindow()}).containsExactly(ml, ms, mw);
    }

    @Test
    void spikes() {
        GatePacket normal = gate(100, 95, 5, 8192, 3, 0);
        // Fix 2 (docs/GATE.md): the original reported NONE for an inactive spike; we say why we skipped.
        TierDecision inactive = B.evaluate(normal, SpikePacket.of(0, 10000, 15000));
        assertThat(inactive.skip()).isTrue();
        assertThat(inactive.tier()).isEqualTo(3);
        assertThat(inactive.decision()).isEqualTo(ALLOW);
        assertThat(inactive.reason()).isEqualTo(GateReason.SPIKE_INACTIVE);
        assertThat(new int[] {inactive.layersToRun(), inactive.effectiveSeqLen(), inactive.effectiveWindow()})
                .containsExactly(0, 0, 0);

        TierDecision active = B.evaluate(normal, SpikePacket.of(1, 10000, 15000));
        assertThat(active.skip()).isFalse();
        assertThat(active.decision()).isEqualTo(ALLOW);

        TierDecision storm = M.evaluate(normal, SpikePacket.of(1, 16385, 0));
        assertThat(storm.decision()).isEqualTo(FREEZE_WRITES);
        assertThat(storm.reason()).isEqualTo(GateReason.SPIKE_STORM);
        assertThat(new int[] {storm.tier(), storm.layersToRun(), storm.effectiveSeqLen(), storm.effectiveWindow()})
                .containsExactly(2, 1, 4, 4);
        assertThat(B.evaluate(normal, SpikePacket.of(1, 16384, 0)).decision()).isEqualTo(ALLOW);
        assertThat(B.evaluate(normal, SpikePacket.of(1, 30000, 0)).reason()).isEqualTo(GateReason.SPIKE_STORM);

        // Spike storm wins over a low λ; flags win over spikes.
        assertThat(B.evaluate(gate(10, 95, 5, 8192, 3, 0), SpikePacket.of(1, 16385, 0)).reason())
                .isEqualTo(GateReason.SPIKE_STORM);
        TierDecision forcedNotFired = B.evaluate(gate(100, 95, 5, 8192, 3, GatePacket.FLAG_FORCE_SAFE),
                SpikePacket.of(0, 0, 0));
        assertThat(forcedNotFired.decision()).isEqualTo(FREEZE_WRITES);
        assertThat(forcedNotFired.reason()).isEqualTo(GateReason.FORCED_BY_FLAG);
    }

    @Test
    void policyPresets() {
        GateController conservative = new GateController(GatePolicy.conservative(), TierSizes.referenceBaseline());
        GateController permissive = new GateController(GatePolicy.permissive(), TierSizes.referenceBaseline());
        assertThat(conservative.evaluate(gate(40, 45, 8, 12000, 4, 0), null).decision()).isEqualTo(QUARANTINE_UPDATES);
        assertThat(conservative.evaluate(gate(45, 50, 8, 12000, 4, 0), null).decision()).isEqualTo(QUARANTINE_UPDATES);
        assertThat(permissive.evaluate(gate(45, 50, 8, 12000, 4, 0), null).decision()).isEqualTo(ALLOW);
        assertThat(permissive.evaluate(gate(25, 35, 40, 20000, 15, 0), null).decision()).isEqualTo(ALLOW);
    }

    @Test
    void unsignedLambdaComparison() {
        // λ above 2^31 is large, not negative.
        assertThat(B.evaluate(gate(0x8000_0000L, 0x8000_0000L, 0, 0, 0, 0), null).decision()).isEqualTo(ALLOW);
        assertThat(B.evaluate(gate(U32_MAX, 0, 0, 0, 0, 0), null).decision()).isEqualTo(ALLOW);
    }

    @Test
    void auxiliaryPredicates() {
        GatePacket low = gate(10, 10, 0, 0, 0, 0);
        assertThat(B.shouldAllowKvWrites(low)).isTrue();
        assertThat(B.shouldAllowExternalWrites(low)).isFalse();
        GateController conservative = new GateController(GatePolicy.conservative(), TierSizes.referenceBaseline());
        assertThat(conservative.shouldAllowKvWrites(low)).isFalse();
        assertThat(B.shouldAllowKvWrites(gate(100, 95, 0, 0, 0, 0))).isTrue();
    }

    @Test
    void fix1SafeTierUsesConfigSizes() {
        TransformerConfig cfg = TransformerConfig.micro().toBuilder().layersSafe(2).windowSafe(2).build();
        GateController c = new GateController(GatePolicy.defaults(), TierSizes.of(cfg));
        TierDecision safe = c.evaluate(gate(10, 10, 0, 0, 0, 0), null);
        assertThat(safe.layersToRun()).isEqualTo(2);
        assertThat(safe.effectiveWindow()).isEqualTo(2);
    }

    @Test
    void fix4PolicyChangeKeepsModelSizes() {
        GateController changed = M.withPolicy(GatePolicy.permissive());
        TierDecision d = changed.evaluate(gate(100, 95, 5, 8192, 3, 0), null);
        // The reference rebuilt the controller with baseline sizes (4/64/16) here.
        assertThat(new int[] {d.layersToRun(), d.effectiveSeqLen(), d.effectiveWindow()}).containsExactly(2, 32, 8);
        assertThat(changed.policy()).isEqualTo(GatePolicy.permissive());
    }

    @Test
    void decisionsAreSharedInstances() {
        GatePacket g = gate(100, 95, 5, 8192, 3, 0);
        assertThat(B.evaluate(g, null)).isSameAs(B.evaluate(g, null));
    }

    @Test
    void fix3EnergyAdvisorNeverOverridesSkipFlagsOrSpikes() {
        EnergyGate energy = new EnergyGate(EnergyGateConfig.defaults(), GatePolicy.defaults());
        GateController c = new GateController(GatePolicy.defaults(), TierSizes.referenceBaseline(), energy);
        // Reference bug: FLAG_SKIP became a tier-0 run.
        TierDecision skip = c.evaluate(gate(100, 95, 5, 8192, 3, GatePacket.FLAG_SKIP), null);
        assertThat(skip.skip()).isTrue();
        assertThat(skip.reason()).isEqualTo(GateReason.FORCED_BY_FLAG);
        // Reference quirk: force-safe lost its reason.
        TierDecision safe = c.evaluate(gate(100, 95, 5, 8192, 3, GatePacket.FLAG_FORCE_SAFE), null);
        assertThat(safe.decision()).isEqualTo(FREEZE_WRITES);
        assertThat(safe.reason()).isEqualTo(GateReason.FORCED_BY_FLAG);
        // Reference bug: a confident energy path (λ 20000, 1 partition) hid the inactive spike.
        TierDecision quiet = c.evaluate(gate(20000, 20000, 0, 0, 1, 0), SpikePacket.of(0, 0, 0));
        assertThat(quiet.skip()).isTrue();
        assertThat(quiet.reason()).isEqualTo(GateReason.SPIKE_INACTIVE);
        TierDecision storm = c.evaluate(gate(20000, 20000, 0, 0, 1, 0), SpikePacket.of(1, 30000, 0));
        assertThat(storm.reason()).isEqualTo(GateReason.SPIKE_STORM);
        // A confident ALLOW never relaxes a rule intervention.
        TierDecision rule = c.evaluate(gate(20000, 20000, 30, 0, 1, 0), null);
        assertThat(rule.decision()).isEqualTo(REDUCE_SCOPE);
        assertThat(c.evaluate(gate(100, 95, 5, 8192, 3, 0), null).decision()).isEqualTo(ALLOW);
    }

    @Test
    void fix3EnergyAdvisorMayTightenWhenConfident() {
        // A test config whose confidence is reachable: the advisor moves ALLOW to QUARANTINE when energy is high.
        EnergyGateConfig eager = new EnergyGateConfig(1.0f, 0.5f, 0.3f, 2.0f, 3, 0.2f, 0.3f, 0.0f, 150.0f);
        GatePolicy lax = new GatePolicy(0, 32767, 65535, 32767, 65535, 32767, 0, true, false);
        EnergyGate energy = new EnergyGate(eager, lax);
        GateController c = new GateController(lax, TierSizes.referenceBaseline(), energy);
        GatePacket incoherent = gate(1, 1, 1000, 32767, 20, 0);
        assertThat(new GateController(lax, TierSizes.referenceBaseline()).evaluate(incoherent, null).decision())
                .isEqualTo(ALLOW);
        TierDecision advised = c.evaluate(incoherent, null);
        assertThat(advised.decision()).isEqualTo(QUARANTINE_UPDATES);
        assertThat(advised.reason()).isEqualTo(GateReason.ENERGY_ADVISOR);
        assertThat(advised.tier()).isEqualTo(2);
        assertThat(FLUSH_KV.ordinal()).isGreaterThan(REDUCE_SCOPE.ordinal());
    }
}
