package dev.mcgt.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * One benchmark variant of a JMH JSON result file ({@code -rf json}): name, mode, parameters, primary score with
 * its percentiles, secondary metrics and the run settings. Times are converted to microseconds by
 * {@link #toMicros}.
 *
 * @param benchmark        fully qualified {@code package.Class.method}
 * @param mode             {@code avgt}, {@code sample}, {@code thrpt}, {@code ss}
 * @param params           JMH parameters (empty when none)
 * @param score            primary score
 * @param scoreError       99.9 % half-width, NaN when JMH had too few iterations
 * @param unit             primary score unit, e.g. {@code us/op}
 * @param percentiles      percentile (0..100) → value in {@code unit}
 * @param samples          sample-time mode: how many calls were timed; otherwise measurement iterations
 * @param secondary        secondary metric name → score
 * @param settings         the run's settings (JDK, VM, warm-up, measurement, forks, threads)
 */
public record JmhRecord(String benchmark, String mode, Map<String, String> params, double score, double scoreError,
                        String unit, Map<Double, Double> percentiles, long samples, Map<String, Double> secondary,
                        Settings settings) {

    /** How a variant was run. */
    public record Settings(String jmhVersion, String jdkVersion, String vmName, String vmVersion, int threads,
                           int forks, int warmupIterations, String warmupTime, int measurementIterations,
                           String measurementTime) {
        /** e.g. {@code 5 × 1 s warm-up, 8 × 250 ms measurement, 1 fork, 1 thread}. */
        public String describe() {
            return warmupIterations + " × " + warmupTime + " warm-up, " + measurementIterations + " × "
                    + measurementTime + " measurement, " + forks + (forks == 1 ? " fork, " : " forks, ") + threads
                    + (threads == 1 ? " thread" : " threads");
        }
    }

    /** The benchmark class's simple name, e.g. {@code TierLatencyBenchmark}. */
    public String className() {
        String[] parts = benchmark.split("\\.");
        return parts.length >= 2 ? parts[parts.length - 2] : benchmark;
    }

    /** A parameter, or null. */
    public String param(String name) { return params.get(name); }

    /** The primary score in microseconds per operation (NaN for a non-time unit). */
    public double scoreMicros() { return toMicros(score, unit); }

    /** A percentile (e.g. 50, 99) in microseconds, NaN when absent. */
    public double percentileMicros(double p) {
        Double v = percentiles.get(p);
        return v == null ? Double.NaN : toMicros(v, unit);
    }

    /** A time per operation in {@code unit} converted to microseconds; NaN for other units. */
    public static double toMicros(double v, String unit) {
        return switch (unit) {
            case "ns/op" -> v / 1e3;
            case "us/op" -> v;
            case "ms/op" -> v * 1e3;
            case "s/op" -> v * 1e6;
            default -> Double.NaN;
        };
    }

    /** Reads one element of the JMH JSON array. */
    public static JmhRecord of(JsonNode n) {
        Map<String, String> params = new TreeMap<>();
        JsonNode p = n.path("params");
        for (Iterator<Map.Entry<String, JsonNode>> it = p.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            params.put(e.getKey(), e.getValue().asText());
        }
        JsonNode pm = n.path("primaryMetric");
        Map<Double, Double> pct = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = pm.path("scorePercentiles").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            pct.put(Double.parseDouble(e.getKey()), number(e.getValue()));
        }
        Map<String, Double> secondary = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.path("secondaryMetrics").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            secondary.put(e.getKey(), number(e.getValue().path("score")));
        }
        Settings s = new Settings(n.path("jmhVersion").asText(""), n.path("jdkVersion").asText(""),
                n.path("vmName").asText(""), n.path("vmVersion").asText(""), n.path("threads").asInt(1),
                n.path("forks").asInt(1), n.path("warmupIterations").asInt(0), n.path("warmupTime").asText(""),
                n.path("measurementIterations").asInt(0), n.path("measurementTime").asText(""));
        return new JmhRecord(n.path("benchmark").asText(), n.path("mode").asText(), Collections.unmodifiableMap(params),
                number(pm.path("score")), number(pm.path("scoreError")), pm.path("scoreUnit").asText(""),
                Collections.unmodifiableMap(pct), samples(n, pm), Collections.unmodifiableMap(secondary), s);
    }

    /** Sample mode: the calls in the histogram; other modes: the measurement iterations of all forks. */
    private static long samples(JsonNode n, JsonNode pm) {
        long count = 0;
        JsonNode hist = pm.path("rawDataHistogram");
        if (hist.isArray()) {
            for (JsonNode fork : hist) {
                for (JsonNode iteration : fork) {
                    for (JsonNode bin : iteration) count += bin.path(1).asLong();
                }
            }
            return count;
        }
        for (JsonNode fork : pm.path("rawData")) count += fork.size();
        return count;
    }

    /** JMH writes "NaN" as a string when a value is undefined. */
    static double number(JsonNode v) {
        if (v == null || v.isMissingNode() || v.isNull()) return Double.NaN;
        if (v.isNumber()) return v.asDouble();
        try {
            return Double.parseDouble(v.asText());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
