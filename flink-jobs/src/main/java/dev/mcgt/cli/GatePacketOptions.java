package dev.mcgt.cli;

import dev.mcgt.gate.GatePacket;
import dev.mcgt.gate.SpikePacket;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The gate and spike packet options shared by {@code gate} and {@code infer}. Without any option the packet is
 * a coherent one: λ = λprev = 100, no boundary edges, no partitions, no flags, and no spike packet at all.
 */
final class GatePacketOptions {
    /** λ when {@code --lambda} is not given. */
    static final long DEFAULT_LAMBDA = 100;

    @Option(names = "--lambda", paramLabel = "N", description = "Min-cut value λ, 0..4294967295 (default 100).")
    Long lambda;

    @Option(names = "--lambda-prev", paramLabel = "N", description = "Previous λ (default: same as --lambda).")
    Long lambdaPrev;

    @Option(names = "--boundary-edges", paramLabel = "N", description = "Edges across the cut, 0..65535 (default 0).")
    Integer boundaryEdges;

    @Option(names = "--concentration-q15", paramLabel = "N",
            description = "Boundary concentration in Q15, 0..65535 (default 0).")
    Integer concentrationQ15;

    @Option(names = "--partitions", paramLabel = "N", description = "Partition count, 0..65535 (default 0).")
    Integer partitions;

    @Option(names = "--flags", paramLabel = "N",
            description = "Gate flags: 1 = FORCE_SAFE, 2 = SKIP, 4 = BOUNDARY_IDS_AVAILABLE (default 0).")
    Integer flags;

    @Option(names = "--spike-fired", paramLabel = "0|1",
            description = "Send a spike packet; 0 = did not fire (the skip tier). Default 1 when any spike option "
                    + "is given.")
    Integer spikeFired;

    @Option(names = "--spike-rate-q15", paramLabel = "N", description = "Spike rate in Q15 (default 0).")
    Integer spikeRateQ15;

    @Option(names = "--spike-novelty-q15", paramLabel = "N", description = "Spike novelty in Q15 (default 0).")
    Integer spikeNoveltyQ15;

    /** True when any gate or spike packet option was given. */
    boolean anyGiven() {
        return lambda != null || lambdaPrev != null || boundaryEdges != null || concentrationQ15 != null
                || partitions != null || flags != null || spikeGiven();
    }

    boolean spikeGiven() {
        return spikeFired != null || spikeRateQ15 != null || spikeNoveltyQ15 != null;
    }

    /** The gate packet; an out-of-range value is a usage error. */
    GatePacket gate(CommandSpec spec) {
        long l = lambda == null ? DEFAULT_LAMBDA : lambda;
        return Usage.fromOptions(spec, () -> new GatePacket(l, lambdaPrev == null ? l : lambdaPrev,
                orZero(boundaryEdges), orZero(concentrationQ15), orZero(partitions), orZero(flags)));
    }

    /** The spike packet, or null when no spike option was given. */
    SpikePacket spike(CommandSpec spec, int[] topIdx, int[] topWeights, int spikeFlags) {
        if (!spikeGiven() && topIdx.length == 0 && spikeFlags == 0) return null;
        return Usage.fromOptions(spec, () -> new SpikePacket(spikeFired == null ? 1 : spikeFired, orZero(spikeRateQ15),
                orZero(spikeNoveltyQ15), topIdx, topWeights, spikeFlags));
    }

    SpikePacket spike(CommandSpec spec) {
        return spike(spec, new int[0], new int[0], 0);
    }

    private static int orZero(Integer v) {
        return v == null ? 0 : v;
    }
}
