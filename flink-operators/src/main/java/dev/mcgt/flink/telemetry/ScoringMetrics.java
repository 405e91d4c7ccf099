package dev.mcgt.flink.telemetry;

import dev.mcgt.gate.GateDecision;
import java.util.Locale;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * The scoring function's Flink metrics, in the group {@value #GROUP} of the operator: counters
 * {@code chunksScored}, {@code chunksRejected}, {@code chunksSkipped}, {@code modelUpgrades}, one per tier
 * ({@code chunksTier0} … {@code chunksTier3}) and one per gate decision ({@code chunksAllow},
 * {@code chunksReduceScope}, {@code chunksFlushKv}, {@code chunksFreezeWrites}, {@code chunksQuarantineUpdates});
 * the gauge {@code skipRate} (skipped / scored chunks of this subtask, 0 before the first); the histogram
 * {@code latencyMicros} (wall time of the scoring step over a sliding window of samples).
 */
public final class ScoringMetrics {
    /** The metric group under the operator's. */
    public static final String GROUP = "mcgt";

    private final Counter scored;
    private final Counter rejected;
    private final Counter skipped;
    private final Counter upgrades;
    private final Counter[] tiers = new Counter[4];
    private final Counter[] decisions = new Counter[GateDecision.values().length];
    private final Histogram latency;

    /** Registers every metric under {@code parent}'s group {@value #GROUP}. */
    public ScoringMetrics(MetricGroup parent, int latencyWindow) {
        MetricGroup g = parent.addGroup(GROUP);
        scored = g.counter("chunksScored");
        rejected = g.counter("chunksRejected");
        skipped = g.counter("chunksSkipped");
        upgrades = g.counter("modelUpgrades");
        for (int t = 0; t < tiers.length; t++) tiers[t] = g.counter("chunksTier" + t);
        for (GateDecision d : GateDecision.values()) decisions[d.ordinal()] = g.counter("chunks" + camel(d.name()));
        g.gauge("skipRate", (Gauge<Double>) this::skipRate);
        latency = g.histogram("latencyMicros", new DescriptiveStatisticsHistogram(latencyWindow));
    }

    /** "FLUSH_KV" → "FlushKv". */
    static String camel(String constant) {
        StringBuilder b = new StringBuilder();
        for (String part : constant.toLowerCase(Locale.ROOT).split("_")) {
            if (!part.isEmpty()) b.append(Character.toUpperCase(part.charAt(0))).append(part, 1, part.length());
        }
        return b.toString();
    }

    /** Counts one scored chunk. */
    public void recordScored(int tier, GateDecision decision, boolean wasSkipped, long wallMicros) {
        scored.inc();
        tiers[tier].inc();
        decisions[decision.ordinal()].inc();
        if (wasSkipped) skipped.inc();
        latency.update(wallMicros);
    }

    /** Counts one rejected chunk. */
    public void recordRejected() { rejected.inc(); }

    /** Counts one model upgrade of a key's state. */
    public void recordUpgrade() { upgrades.inc(); }

    public long chunksScored() { return scored.getCount(); }

    public long chunksRejected() { return rejected.getCount(); }

    public long modelUpgrades() { return upgrades.getCount(); }

    public long chunksAtTier(int tier) { return tiers[tier].getCount(); }

    public long chunksWith(GateDecision decision) { return decisions[decision.ordinal()].getCount(); }

    /** The latency histogram (microseconds). */
    public Histogram latency() { return latency; }

    /** Skipped / scored chunks, 0 before the first. */
    public double skipRate() {
        long n = scored.getCount();
        return n == 0 ? 0.0 : (double) skipped.getCount() / n;
    }
}
