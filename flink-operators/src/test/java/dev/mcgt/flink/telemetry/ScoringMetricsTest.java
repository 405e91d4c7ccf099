package dev.mcgt.flink.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcgt.gate.GateDecision;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;

/** The metrics the function registers, under the names dashboards will use. */
class ScoringMetricsTest {

    /** Records every metric registered below it, by dotted name. */
    private static final class Capturing extends UnregisteredMetricsGroup {
        final Map<String, Metric> metrics;
        final String prefix;

        Capturing(Map<String, Metric> metrics, String prefix) {
            this.metrics = metrics;
            this.prefix = prefix;
        }

        @Override public Counter counter(String name) { return counter(name, new org.apache.flink.metrics.SimpleCounter()); }

        @Override public <C extends Counter> C counter(String name, C c) { metrics.put(prefix + name, c); return c; }

        @Override public <T, G extends Gauge<T>> G gauge(String name, G g) { metrics.put(prefix + name, g); return g; }

        @Override public <H extends Histogram> H histogram(String name, H h) { metrics.put(prefix + name, h); return h; }

        @Override public MetricGroup addGroup(String name) { return new Capturing(metrics, prefix + name + "."); }
    }

    @Test
    void everyMetricIsRegisteredUnderItsNameAndCounts() {
        Map<String, Metric> m = new TreeMap<>();
        ScoringMetrics metrics = new ScoringMetrics(new Capturing(m, ""), 16);
        assertThat(m.keySet()).containsExactlyInAnyOrder("mcgt.chunksScored", "mcgt.chunksRejected", "mcgt.chunksSkipped",
                "mcgt.modelUpgrades", "mcgt.chunksTier0", "mcgt.chunksTier1", "mcgt.chunksTier2", "mcgt.chunksTier3",
                "mcgt.chunksAllow", "mcgt.chunksReduceScope", "mcgt.chunksFlushKv", "mcgt.chunksFreezeWrites",
                "mcgt.chunksQuarantineUpdates", "mcgt.skipRate", "mcgt.latencyMicros");
        @SuppressWarnings("unchecked")
        Gauge<Double> skipRate = (Gauge<Double>) m.get("mcgt.skipRate");
        assertThat(skipRate.getValue()).isZero();

        metrics.recordScored(0, GateDecision.ALLOW, false, 100);
        metrics.recordScored(1, GateDecision.FLUSH_KV, false, 50);
        metrics.recordScored(3, GateDecision.ALLOW, true, 2);
        metrics.recordScored(3, GateDecision.ALLOW, true, 4);
        metrics.recordRejected();
        metrics.recordUpgrade();

        assertThat(((Counter) m.get("mcgt.chunksScored")).getCount()).isEqualTo(4);
        assertThat(((Counter) m.get("mcgt.chunksTier3")).getCount()).isEqualTo(2);
        assertThat(((Counter) m.get("mcgt.chunksTier2")).getCount()).isZero();
        assertThat(((Counter) m.get("mcgt.chunksAllow")).getCount()).isEqualTo(3);
        assertThat(((Counter) m.get("mcgt.chunksFlushKv")).getCount()).isEqualTo(1);
        assertThat(((Counter) m.get("mcgt.chunksRejected")).getCount()).isEqualTo(1);
        assertThat(((Counter) m.get("mcgt.modelUpgrades")).getCount()).isEqualTo(1);
        assertThat(skipRate.getValue()).isEqualTo(0.5);
        Histogram latency = (Histogram) m.get("mcgt.latencyMicros");
        assertThat(latency.getCount()).isEqualTo(4);
        assertThat(latency.getStatistics().getMax()).isEqualTo(100);
        assertThat(latency.getStatistics().getMin()).isEqualTo(2);
        assertThat(metrics.chunksWith(GateDecision.FLUSH_KV)).isEqualTo(1);
    }

    @Test
    void decisionNamesAreCamelCase() {
        assertThat(ScoringMetrics.camel("QUARANTINE_UPDATES")).isEqualTo("QuarantineUpdates");
        assertThat(ScoringMetrics.camel("ALLOW")).isEqualTo("Allow");
    }
}
