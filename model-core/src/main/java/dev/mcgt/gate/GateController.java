package dev.mcgt.gate;

import dev.mcgt.config.GatePolicy;

/**
 * Picks a compute tier from a gate packet and an optional spike packet, in the order of docs/GATE.md: skip flag, force-safe flag, spikes (inactive → skip, storm → safe), λ below minimum, λ dropping
 * fast, boundary edges, boundary concentration, partitions, else full compute. Comparisons are strict and
 * λ is unsigned.
 *
 * <p>Deviations from the original design, each a documented fix in docs/GATE.md: tier 2 uses the config's safe sizes (fix 1); the
 * skip tier reports FORCED_BY_FLAG or SPIKE_INACTIVE (fix 2); the energy gate only ever makes a rule decision
 * more conservative and never overrides a skip, a flag or a spike storm (fix 3); a policy change keeps the
 * model's sizes because sizes are given explicitly, never defaulted (fix 4).
 *
 * <p>Immutable and allocation-free: every possible {@link TierDecision} is built once here.
 */
public final class GateController {
    private static final GateReason[] REASONS = GateReason.values();

    private final GatePolicy policy;
    private final TierSizes sizes;
    private final EnergyGate energyGate;
    private final TierDecision normal;
    private final TierDecision[] skip = new TierDecision[REASONS.length];
    private final TierDecision[] reduced = new TierDecision[REASONS.length];
    private final TierDecision[] flush = new TierDecision[REASONS.length];
    private final TierDecision[] freeze = new TierDecision[REASONS.length];
    private final TierDecision[] quarantine = new TierDecision[REASONS.length];

    /** A rule-only controller. */
    public GateController(GatePolicy policy, TierSizes sizes) {
        this(policy, sizes, null);
    }

    /**
     * @param energyGate optional conservative advisor (null for none)
     */
    public GateController(GatePolicy policy, TierSizes sizes, EnergyGate energyGate) {
        this.policy = policy.validate();
        this.sizes = sizes;
        this.energyGate = energyGate;
        this.normal = new TierDecision(GateDecision.ALLOW, GateReason.NONE, 0, sizes.layersNormal(),
                sizes.seqLenNormal(), sizes.windowNormal(), false);
        for (GateReason r : REASONS) {
            int i = r.ordinal();
            skip[i] = new TierDecision(GateDecision.ALLOW, r, 3, 0, 0, 0, true);
            reduced[i] = tier1(GateDecision.REDUCE_SCOPE, r);
            flush[i] = tier1(GateDecision.FLUSH_KV, r);
            freeze[i] = tier2(GateDecision.FREEZE_WRITES, r);
            quarantine[i] = tier2(GateDecision.QUARANTINE_UPDATES, r);
        }
    }

    private TierDecision tier1(GateDecision d, GateReason r) {
        return new TierDecision(d, r, 1, sizes.layersDegraded(), sizes.seqLenDegraded(), sizes.windowDegraded(), false);
    }

    private TierDecision tier2(GateDecision d, GateReason r) {
        return new TierDecision(d, r, 2, sizes.layersSafe(), sizes.seqLenSafe(), sizes.windowSafe(), false);
    }

    public GatePolicy policy() { return policy; }

    public TierSizes sizes() { return sizes; }

    /** A controller with another policy and the same sizes and advisor (fix 4). */
    public GateController withPolicy(GatePolicy newPolicy) {
        return new GateController(newPolicy, sizes, energyGate == null ? null : energyGate.withPolicy(newPolicy));
    }

    /** The skip outcome with the given reason (tier 3, nothing runs). */
    public TierDecision skipDecision(GateReason reason) {
        return skip[reason.ordinal()];
    }

    /** The tier for this packet; {@code spikes} may be null (no spike signal). */
    public TierDecision evaluate(GatePacket gate, SpikePacket spikes) {
        if (gate.skipRequested()) return skip[GateReason.FORCED_BY_FLAG.ordinal()];
        if (gate.forceSafe()) return freeze[GateReason.FORCED_BY_FLAG.ordinal()];
        if (spikes != null) {
            if (!spikes.isActive()) return skip[GateReason.SPIKE_INACTIVE.ordinal()];
            if (spikes.rateQ15() > policy.spikeRateQ15Max()) return freeze[GateReason.SPIKE_STORM.ordinal()];
        }
        TierDecision rule = evaluateSignals(gate);
        if (energyGate == null) return rule;
        return adviseConservatively(gate, rule);
    }

    /** Steps 4–9 of the decision order: λ, drop, boundary, concentration, partitions. */
    private TierDecision evaluateSignals(GatePacket gate) {
        if (gate.lambda() < policy.lambdaMin()) return quarantine[GateReason.LAMBDA_BELOW_MIN.ordinal()];
        if (gate.dropRatioQ15() > policy.dropRatioQ15Max()) return flush[GateReason.LAMBDA_DROPPED_FAST.ordinal()];
        if (gate.boundaryEdges() > policy.boundaryEdgesMax()) return reduced[GateReason.BOUNDARY_SPIKE.ordinal()];
        if (gate.boundaryConcentrationQ15() > policy.boundaryConcentrationQ15Max()) {
            return reduced[GateReason.BOUNDARY_CONCENTRATION_SPIKE.ordinal()];
        }
        if (gate.partitionCount() > policy.partitionsMax()) return reduced[GateReason.PARTITION_DRIFT.ordinal()];
        return normal;
    }

    /** Fix 3: the energy gate may only move to a more conservative decision, and only when confident. */
    private TierDecision adviseConservatively(GatePacket gate, TierDecision rule) {
        EnergyGate.Advice advice = energyGate.decide(gate);
        if (advice.confidence() < EnergyGate.CONTROLLER_CONFIDENCE) return rule;
        GateDecision d = advice.decision();
        if (d.ordinal() <= rule.decision().ordinal()) return rule;
        int r = GateReason.ENERGY_ADVISOR.ordinal();
        return switch (d) {
            case ALLOW -> rule;
            case REDUCE_SCOPE -> reduced[r];
            case FLUSH_KV -> flush[r];
            case FREEZE_WRITES -> freeze[r];
            case QUARANTINE_UPDATES -> quarantine[r];
        };
    }

    /** Helper that inference does not call (docs/GATE.md): whether KV writes are acceptable for this packet. */
    public boolean shouldAllowKvWrites(GatePacket gate) {
        if (gate.lambda() < policy.lambdaMin()) return policy.allowKvWriteWhenUnstable();
        if (gate.dropRatioQ15() > policy.dropRatioQ15Max()) return policy.allowKvWriteWhenUnstable();
        return true;
    }

    /** Helper that inference does not call (docs/GATE.md): whether external writes are acceptable for this packet. */
    public boolean shouldAllowExternalWrites(GatePacket gate) {
        if (gate.lambda() < policy.lambdaMin()) return policy.allowExternalWriteWhenUnstable();
        if (gate.dropRatioQ15() > policy.dropRatioQ15Max()) return policy.allowExternalWriteWhenUnstable();
        return true;
    }
}
