package dev.mcgt.runtime;

import dev.mcgt.gate.GateDecision;
import dev.mcgt.gate.GateReason;
import dev.mcgt.gate.KvAction;
import java.util.Arrays;
import java.util.Objects;

/**
 * The auditable record of one inference: what the gate decided and why, the packet it saw, what
 * ran and what it did to the KV cache. Mutable and reused per call by its {@link InferOutput} (the hot path
 * does not allocate); {@link #copy()} to keep one.
 *
 * <p>Fixes over the original design (docs/GATE.md): the skip tier keeps its real reason (FORCED_BY_FLAG, SPIKE_INACTIVE,
 * CACHE_HIT); {@code kvWritesEnabled} is true only when this inference wrote the KV cache (WRITE or FLUSH,
 * never with the cache disabled); {@code externalWritesEnabled} is false whenever the config disables
 * external writes; {@code layersRun} is the number of blocks that really ran; top boundary edge ids are
 * filled when the probe supplied them.
 */
public final class Witness {
    /** Capacity of {@link #topBoundaryEdgeIds()}. */
    public static final int MAX_TOP_BOUNDARY_EDGES = 8;

    GateDecision decision = GateDecision.ALLOW;
    GateReason reason = GateReason.NONE;
    long lambda;
    long lambdaPrev;
    int lambdaDelta;
    int tier;
    int layersRun;
    int effectiveSeqLen;
    int effectiveWindow;
    KvAction kvAction = KvAction.NONE;
    boolean kvWritesEnabled;
    boolean externalWritesEnabled;
    int boundaryEdges;
    int boundaryConcentrationQ15;
    int partitionCount;
    final long[] topBoundaryEdgeIds = new long[MAX_TOP_BOUNDARY_EDGES];
    int topBoundaryEdgeCount;
    int earlyExitLayer = -1;
    long tokensSkipped;

    /** The default witness: ALLOW, NONE, everything zero, no early exit. */
    public Witness() { }

    /** An independent copy. */
    public Witness copy() {
        Witness w = new Witness();
        w.decision = decision;
        w.reason = reason;
        w.lambda = lambda;
        w.lambdaPrev = lambdaPrev;
        w.lambdaDelta = lambdaDelta;
        w.tier = tier;
        w.layersRun = layersRun;
        w.effectiveSeqLen = effectiveSeqLen;
        w.effectiveWindow = effectiveWindow;
        w.kvAction = kvAction;
        w.kvWritesEnabled = kvWritesEnabled;
        w.externalWritesEnabled = externalWritesEnabled;
        w.boundaryEdges = boundaryEdges;
        w.boundaryConcentrationQ15 = boundaryConcentrationQ15;
        w.partitionCount = partitionCount;
        System.arraycopy(topBoundaryEdgeIds, 0, w.topBoundaryEdgeIds, 0, MAX_TOP_BOUNDARY_EDGES);
        w.topBoundaryEdgeCount = topBoundaryEdgeCount;
        w.earlyExitLayer = earlyExitLayer;
        w.tokensSkipped = tokensSkipped;
        return w;
    }

    public GateDecision decision() { return decision; }

    public GateReason reason() { return reason; }

    public long lambda() { return lambda; }

    public long lambdaPrev() { return lambdaPrev; }

    public int lambdaDelta() { return lambdaDelta; }

    /** 0 full, 1 reduced, 2 safe, 3 skipped. */
    public int tier() { return tier; }

    /** Blocks that really ran. */
    public int layersRun() { return layersRun; }

    /** The tier's token budget (the gate's grant; stats hold the tokens actually computed). */
    public int effectiveSeqLen() { return effectiveSeqLen; }

    /** The tier's attention window. */
    public int effectiveWindow() { return effectiveWindow; }

    public KvAction kvAction() { return kvAction; }

    /** True when this inference wrote the KV cache (WRITE or FLUSH). */
    public boolean kvWritesEnabled() { return kvWritesEnabled; }

    /** The decision permits external writes and the config enables them. */
    public boolean externalWritesEnabled() { return externalWritesEnabled; }

    public int boundaryEdges() { return boundaryEdges; }

    public int boundaryConcentrationQ15() { return boundaryConcentrationQ15; }

    public int partitionCount() { return partitionCount; }

    /** The probe's top boundary edge ids (at most 8; empty when the probe did not supply them). */
    public long[] topBoundaryEdgeIds() { return Arrays.copyOf(topBoundaryEdgeIds, topBoundaryEdgeCount); }

    /** First layer not run because of early exit, or −1. */
    public int earlyExitLayer() { return earlyExitLayer; }

    /** Σ over executed blocks of tokens Mixture-of-Depths routed around the block. */
    public long tokensSkipped() { return tokensSkipped; }

    @Override
    public boolean equals(Object o) {
        return o instanceof Witness w && decision == w.decision && reason == w.reason && lambda == w.lambda
                && lambdaPrev == w.lambdaPrev && lambdaDelta == w.lambdaDelta && tier == w.tier
                && layersRun == w.layersRun && effectiveSeqLen == w.effectiveSeqLen
                && effectiveWindow == w.effectiveWindow && kvAction == w.kvAction
                && kvWritesEnabled == w.kvWritesEnabled && externalWritesEnabled == w.externalWritesEnabled
                && boundaryEdges == w.boundaryEdges && boundaryConcentrationQ15 == w.boundaryConcentrationQ15
                && partitionCount == w.partitionCount && topBoundaryEdgeCount == w.topBoundaryEdgeCount
                && Arrays.equals(topBoundaryEdgeIds, w.topBoundaryEdgeIds) && earlyExitLayer == w.earlyExitLayer
                && tokensSkipped == w.tokensSkipped;
    }

    @Override
    public int hashCode() {
        return Objects.hash(decision, reason, lambda, lambdaPrev, tier, layersRun, effectiveSeqLen, effectiveWindow,
                kvAction, kvWritesEnabled, externalWritesEnabled, boundaryEdges, boundaryConcentrationQ15,
                partitionCount, Arrays.hashCode(topBoundaryEdgeIds), earlyExitLayer, tokensSkipped);
    }

    @Override
    public String toString() {
        return "Witness[decision=" + decision + ", reason=" + reason + ", lambda=" + lambda + ", lambdaPrev="
                + lambdaPrev + ", lambdaDelta=" + lambdaDelta + ", tier=" + tier + ", layersRun=" + layersRun
                + ", effectiveSeqLen=" + effectiveSeqLen + ", effectiveWindow=" + effectiveWindow + ", kvAction="
                + kvAction + ", kvWritesEnabled=" + kvWritesEnabled + ", externalWritesEnabled="
                + externalWritesEnabled + ", boundaryEdges=" + boundaryEdges + ", boundaryConcentrationQ15="
                + boundaryConcentrationQ15 + ", partitionCount=" + partitionCount + ", topBoundaryEdgeIds="
                + Arrays.toString(topBoundaryEdgeIds()) + ", earlyExitLayer=" + earlyExitLayer + ", tokensSkipped="
                + tokensSkipped + "]";
    }
}
