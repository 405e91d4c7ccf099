package dev.mcgt.runtime;

import static dev.mcgt.gate.GateDecision.ALLOW;
import static dev.mcgt.gate.GateDecision.FLUSH_KV;
import static dev.mcgt.gate.GateDecision.FREEZE_WRITES;
import static dev.mcgt.gate.GateDecision.QUARANTINE_UPDATES;
import static dev.mcgt.gate.GateDecision.REDUCE_SCOPE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcgt.config.GatePolicy;
import dev.mcgt.config.TransformerConfig;
import dev.mcgt.gate.EnergyGateConfig;
import dev.mcgt.gate.GatePacket;
import dev.mcgt.gate.GateReason;
import dev.mcgt.gate.KvAction;
import dev.mcgt.gate.SpikePacket;
import dev.mcgt.model.SyntheticWeights;
import org.junit.jupiter.api.Test;

/** The original design's model-level gate integration (docs/GATE.md), adapted: our counters count real work. */
class GateIntegrationTest {
    private final GatedTransformer baseline = Fixtures.model(Fixtures.BASELINE);
    private final GatedTransformer micro = Fixtures.model(Fixtures.MICRO);

    private static GatePacket gate(long l, long p, int e, int c, int parts, int flags) {
        return new GatePacket(l, p, e, c, parts, flags);
    }

    private InferOutput run(GatedTransformer m, int n, GatePacket g) {
        return Fixtures.run(m, InferInput.of(Fixtures.tokens(n, m.config().vocabSize(), n), g), m.newState());
    }

    private InferOutput run(GatedTransformer m, int n, GatePacket g, SpikePacket s) {
        return Fixtures.run(m, InferInput.of(Fixtures.tokens(n, m.config().vocabSize(), n), g).withSpikes(s), m.newState());
    }

    @Test
    void normalThenBoundarySpike() {
        InferOutput a = run(baseline, 32, gate(100, 95, 5, 8192, 3, 0));
        assertThat(a.witness().decision()).isEqualTo(ALLOW);
        assertThat(a.witness().tier()).isZero();
        assertThat(a.stats().layersExecuted()).isEqualTo(4);
        assertThat(a.witness().kvWritesEnabled()).isTrue();
        assertThat(a.witness().externalWritesEnabled()).isTrue();
        InferOutput b = run(baseline, 32, gate(100, 95, 30, 8192, 3, 0));
        assertThat(b.witness().decision()).isEqualTo(REDUCE_SCOPE);
        assertThat(b.witness().reason()).isEqualTo(GateReason.BOUNDARY_SPIKE);
        assertThat(b.witness().tier()).isEqualTo(1);
        assertThat(b.stats().layersExecuted()).isEqualTo(2);
        assertThat(b.witness().kvWritesEnabled()).isTrue();
        assertThat(b.witness().externalWritesEnabled()).isFalse();
    }

    @Test
    void risingLambdaStaysNormal() {
        InferState s = baseline.newState();
        for (int step = 0; step < 5; step++) {
            GatePacket g = gate(100 + step, 100 + Math.max(step - 1, 0), 5, 8192, 3, 0);
            InferOutput o = Fixtures.run(baseline, InferInput.of(Fixtures.tokens(16, 1024, step), g), s);
            assertThat(o.witness().decision()).isEqualTo(ALLOW);
            assertThat(o.witness().tier()).isZero();
        }
    }

    @Test
    void fastDropFlushes() {
        InferOutput o = run(baseline, 32, gate(40, 100, 5, 8192, 3, 0));
        assertThat(o.witness().decision()).isEqualTo(FLUSH_KV);
        assertThat(o.witness().reason()).isEqualTo(GateReason.LAMBDA_DROPPED_FAST);
        assertThat(o.witness().kvAction()).isEqualTo(KvAction.FLUSH);
        assertThat(o.stats().layersExecuted()).isLessThan(4);
    }

    @Test
    void reducedScopeDoesLessAttention() {
        assertThat(run(baseline, 64, gate(100, 95, 30, 8192, 3, 0)).stats().attentionDots())
                .isLessThan(run(baseline, 64, gate(100, 95, 5, 8192, 3, 0)).stats().attentionDots());
    }

    @Test
    void repeatedPacketsGiveIdenticalDecisions() {
        Witness first = run(baseline, 32, gate(50, 80, 25, 10000, 5, 0)).witness().copy();
        assertThat(first.decision()).isEqualTo(REDUCE_SCOPE);
        for (int i = 0; i < 9; i++) assertThat(run(baseline, 32, gate(50, 80, 25, 10000, 5, 0)).witness()).isEqualTo(first);
    }

    @Test
    void spikesGateTheModel() {
        InferOutput active = run(baseline, 32, Fixtures.NORMAL, SpikePacket.of(1, 15000, 20000));
        assertThat(active.stats().skipped()).isFalse();
        assertThat(active.stats().tier()).isLessThan(3);
        InferOutput inactive = run(baseline, 32, Fixtures.NORMAL, SpikePacket.of(0, 15000, 20000));
        assertThat(inactive.stats().tier()).isEqualTo(3);
        assertThat(inactive.stats().skipped()).isTrue();
        assertThat(inactive.witness().reason()).isEqualTo(GateReason.SPIKE_INACTIVE);
        assertThat(inactive.witness().kvAction()).isEqualTo(KvAction.NONE);
        InferOutput storm = run(baseline, 32, Fixtures.NORMAL, SpikePacket.of(1, 30000, 20000));
        assertThat(storm.witness().decision()).isEqualTo(FREEZE_WRITES);
        assertThat(storm.witness().reason()).isEqualTo(GateReason.SPIKE_STORM);
        assertThat(storm.witness().tier()).isEqualTo(2);
    }

    @Test
    void boundaryFiguresReduceScope() {
        InferOutput conc = run(baseline, 32, gate(100, 95, 5, 25000, 3, 0));
        assertThat(conc.witness().reason()).isEqualTo(GateReason.BOUNDARY_CONCENTRATION_SPIKE);
        assertThat(conc.witness().tier()).isEqualTo(1);
        assertThat(run(baseline, 32, gate(100, 95, 5, 8192, 15, 0)).witness().reason())
                .isEqualTo(GateReason.PARTITION_DRIFT);
    }

    @Test
    void kvPermissions() {
        InferOutput normal = run(baseline, 32, Fixtures.NORMAL);
        assertThat(normal.witness().kvWritesEnabled()).isTrue();
        assertThat(normal.stats().kvBytesWritten()).isPositive();
        InferOutput safe = run(baseline, 32, Fixtures.FORCE_SAFE);
        assertThat(safe.witness().decision()).isEqualTo(FREEZE_WRITES);
        assertThat(safe.witness().reason()).isEqualTo(GateReason.FORCED_BY_FLAG);
        assertThat(safe.witness().kvWritesEnabled()).isFalse();
        assertThat(safe.stats().kvBytesWritten()).isZero();
        assertThat(safe.stats().layersExecuted()).isEqualTo(1);
    }

    @Test
    void microRunsAndPoliciesDiffer() {
        InferOutput m = run(micro, 16, Fixtures.NORMAL);
        assertThat(m.witness().decision()).isEqualTo(ALLOW);
        assertThat(m.stats().layersExecuted()).isEqualTo(2);
        GatePacket g = gate(45, 50, 8, 12000, 4, 0);
        assertThat(run(baseline.withPolicy(GatePolicy.conservative()), 16, g).witness().decision()).isEqualTo(QUARANTINE_UPDATES);
        assertThat(run(baseline.withPolicy(GatePolicy.permissive()), 16, g).witness().decision()).isEqualTo(ALLOW);
    }

    @Test
    void withPolicyKeepsTheModelsSizes() {
        GatedTransformer m = micro.withPolicy(GatePolicy.defaults());
        InferOutput o = run(m, 32, Fixtures.NORMAL);
        assertThat(o.witness().layersRun()).isEqualTo(2);
        assertThat(o.witness().effectiveSeqLen()).isEqualTo(32);
        assertThat(o.witness().effectiveWindow()).isEqualTo(8);
        assertThat(o.stats().gemmCalls()).isEqualTo(13);
        assertThat(m.policy()).isEqualTo(GatePolicy.defaults());
    }

    @Test
    void skipTierReportsItsRealReasonAndCaches() {
        InferState s = micro.newState();
        int[] tokens = Fixtures.tokens(12, 256, 1);
        InferOutput skip = Fixtures.run(micro, InferInput.of(tokens, Fixtures.SKIP), s);
        assertThat(skip.witness().reason()).isEqualTo(GateReason.FORCED_BY_FLAG);
        assertThat(skip.witness().tier()).isEqualTo(3);
        assertThat(skip.witness().layersRun()).isZero();
        assertThat(skip.stats().cacheHit()).isFalse();
        assertThat(s.hasCachedSignature()).isFalse();

        InferOutput full = Fixtures.run(micro, InferInput.of(tokens, Fixtures.NORMAL).withSignature(42), s);
        assertThat(s.cachedSignature()).isEqualTo(42);
        InferOutput hit = Fixtures.run(micro, InferInput.of(tokens, Fixtures.SKIP).withSignature(42), s);
        assertThat(hit.stats().cacheHit()).isTrue();
        assertThat(hit.witness().reason()).isEqualTo(GateReason.FORCED_BY_FLAG);
        assertThat(hit.output()).isEqualTo(full.output());
        InferOutput miss = Fixtures.run(micro, InferInput.of(tokens, Fixtures.SKIP).withSignature(43), s);
        assertThat(miss.stats().cacheHit()).isFalse();
        assertThat(miss.output()).isNotEqualTo(full.output());
        // Without a given signature the FNV-1a of the tokens is the key.
        Fixtures.run(micro, InferInput.of(tokens, Fixtures.NORMAL), s);
        assertThat(s.cachedSignature()).isEqualTo(dev.mcgt.gate.Signatures.ofTokens(tokens));
    }

    @Test
    void skipOnCacheHitSkipsRepeatsButNotForcedSafe() {
        GatedTransformer m = Fixtures.model(Fixtures.MICRO, RuntimeOptions.defaults().withSkipOnCacheHit(true));
        InferState s = m.newState();
        int[] tokens = Fixtures.tokens(20, 256, 8);
        InferOutput first = Fixtures.run(m, InferInput.of(tokens, Fixtures.NORMAL), s);
        float[] firstOut = first.output().clone();
        InferOutput again = Fixtures.run(m, InferInput.of(tokens, Fixtures.NORMAL), s);
        assertThat(again.witness().reason()).isEqualTo(GateReason.CACHE_HIT);
        assertThat(again.witness().tier()).isEqualTo(3);
        assertThat(again.stats().cacheHit()).isTrue();
        assertThat(again.stats().macs()).isZero();
        assertThat(again.output()).isEqualTo(firstOut);
        InferOutput forced = Fixtures.run(m, InferInput.of(tokens, Fixtures.FORCE_SAFE), s);
        assertThat(forced.witness().tier()).isEqualTo(2);
        assertThat(forced.stats().cacheHit()).isFalse();
    }

    @Test
    void witnessHonoursTheConfigAndCarriesTheProbe() {
        TransformerConfig c = TransformerConfig.micro().toBuilder().enableExternalWrites(false).build();
        GatedTransformer m = Fixtures.model(SyntheticWeights.generate(c, 1));
        InferInput in = InferInput.of(Fixtures.tokens(8, 256, 1), Fixtures.NORMAL)
                .withTopBoundaryEdgeIds(new long[] {7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
        InferOutput o = Fixtures.run(m, in, m.newState());
        assertThat(o.witness().decision()).isEqualTo(ALLOW);
        assertThat(o.witness().externalWritesEnabled()).isFalse();
        assertThat(o.witness().topBoundaryEdgeIds()).containsExactly(7, 8, 9, 10, 11, 12, 13, 14);
        assertThat(o.witness().lambdaDelta()).isEqualTo(5);
        assertThat(o.witness().boundaryEdges()).isEqualTo(5);
        assertThat(o.witness().boundaryConcentrationQ15()).isEqualTo(8192);
        assertThat(o.witness().partitionCount()).isEqualTo(3);
        assertThat(o.witness().earlyExitLayer()).isEqualTo(-1);
    }

    @Test
    void energyAdvisorNeverTurnsASkipIntoARun() {
        GatedTransformer m = Fixtures.model(Fixtures.MICRO, RuntimeOptions.defaults().withEnergyAdvisor(EnergyGateConfig.defaults()));
        assertThat(run(m, 8, Fixtures.SKIP).witness().tier()).isEqualTo(3);
        assertThat(run(m, 8, Fixtures.NORMAL, SpikePacket.of(1, 30000, 0)).witness().reason()).isEqualTo(GateReason.SPIKE_STORM);
        assertThat(run(m, 8, Fixtures.NORMAL).witness().tier()).isZero();
    }

    @Test
    void sparseMasksChangeAttention() {
        int[] tokens = Fixtures.tokens(32, 256, 5);
        GatedTransformer sparse = Fixtures.model(Fixtures.MICRO, RuntimeOptions.defaults().withSparseAttention(true));
        InferOutput plain = Fixtures.run(micro, InferInput.of(tokens, Fixtures.NORMAL), micro.newState());
        long plainDots = plain.stats().attentionDots();
        // Spike top-k positions 0 and 1 become visible to every later query, beyond the window of 8.
        SpikePacket spikes = new SpikePacket(1, 1000, 20000, new int[] {0, 1}, new int[] {30000, 20000},
                SpikePacket.FLAG_SPARSE_MASK);
        InferOutput withSpikes = Fixtures.run(micro, InferInput.of(tokens, Fixtures.NORMAL).withSpikes(spikes), micro.newState());
        // Layer 0: queries 8..31 gain position 0, queries 9..31 position 1 (4 heads); layer 1 (last position): 2.
        assertThat(withSpikes.stats().attentionDots()).isEqualTo(plainDots + 4L * (24 + 23 + 2));
        assertThat(withSpikes.output()).isNotEqualTo(plain.output());
        // Partitions: two halves, no boundary tokens: keys across the split become invisible.
        int[] parts = new int[32];
        for (int i = 16; i < 32; i++) parts[i] = 1;
        InferInput partitioned = InferInput.of(tokens, Fixtures.NORMAL).withPartitionOf(parts);
        InferOutput masked = Fixtures.run(sparse, partitioned, sparse.newState());
        // Queries 16..22 lose the keys of positions 9..15 they could see in the window: 7+6+...+1 = 28 per head.
        assertThat(masked.stats().attentionDots()).isEqualTo(plainDots - 4L * 28);
        // Boundary tokens bridge partitions again.
        int[] boundary = new int[32];
        for (int i = 0; i < 32; i++) boundary[i] = i;
        InferOutput bridged = Fixtures.run(sparse, partitioned.withBoundaryTokens(boundary), sparse.newState());
        assertThat(bridged.output()).isEqualTo(plain.output());
        // Without the option the partition mask is ignored.
        assertThat(Fixtures.run(micro, partitioned, micro.newState()).output()).isEqualTo(plain.output());
    }
}
