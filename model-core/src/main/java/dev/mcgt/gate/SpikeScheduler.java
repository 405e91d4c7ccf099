package dev.mcgt.gate;

import java.util.ArrayList;
import java.util.List;

/**
 * Maps a spike packet to a suggested tier from its fire rate and novelty (docs/GATE.md): not fired → skip;
 * a low rate → tier 3; otherwise the rate picks tier 0/1/2 and low novelty adds one (capped at 2). A sparse
 * mask is suggested when SPARSE_MASK is set and the top-k holds enough positions.
 */
public final class SpikeScheduler {
    private final SpikeSchedulerConfig config;

    public SpikeScheduler() {
        this(SpikeSchedulerConfig.defaults());
    }

    public SpikeScheduler(SpikeSchedulerConfig config) {
        this.config = config;
    }

    public SpikeSchedulerConfig config() { return config; }

    /** The schedule for one packet (the original order; {@code shouldRun} stays true even for tier 3). */
    public SpikeSchedule evaluate(SpikePacket spike) {
        if (!spike.isActive()) return new SpikeSchedule(false, 3, false, 0);
        int tier;
        if (spike.rateQ15() < config.rateSkipThresholdQ15()) {
            tier = 3;
        } else {
            int penalty = spike.noveltyQ15() < config.noveltyLowThresholdQ15() ? 1 : 0;
            int rateTier = spike.rateQ15() >= config.rateTier2ThresholdQ15() ? 0
                    : spike.rateQ15() >= config.rateTier1ThresholdQ15() ? 1 : 2;
            tier = Math.min(rateTier + penalty, 2);
        }
        boolean sparse = spike.useSparseMask() && spike.topLen() >= config.sparseMinPositions();
        return new SpikeSchedule(true, tier, sparse, sparse ? spike.topLen() : 0);
    }

    /** A mask of {@code maxPositions} entries with the top-k positions set (all false without SPARSE_MASK). */
    public static boolean[] buildSparseMask(SpikePacket spike, int maxPositions) {
        boolean[] mask = new boolean[maxPositions];
        if (!spike.useSparseMask()) return mask;
        for (int i = 0; i < spike.topLen(); i++) {
            int idx = spike.topIndex(i);
            if (idx < maxPositions) mask[idx] = true;
        }
        return mask;
    }

    /** A top-k position with its weight as a fraction (Q15 / 32768). */
    public record WeightedPosition(int index, float weight) { }

    /** The top-k positions, stably sorted by weight, heaviest first. */
    public static List<WeightedPosition> weightedPositions(SpikePacket spike) {
        List<WeightedPosition> out = new ArrayList<>(spike.topLen());
        for (int i = 0; i < spike.topLen(); i++) {
            out.add(new WeightedPosition(spike.topIndex(i), spike.topWeight(i) / 32768.0f));
        }
        out.sort((a, b) -> Float.compare(b.weight(), a.weight()));
        return out;
    }
}
