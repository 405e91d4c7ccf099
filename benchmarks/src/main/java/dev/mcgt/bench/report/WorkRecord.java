package dev.mcgt.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A work file written by {@code dev.mcgt.bench.WorkRecorder}: the mean counters of one request of a benchmark
 * variant (MACs, bytes of weights and KV moved, estimated energy, ...).
 *
 * @param benchmarkClass simple name of the benchmark class
 * @param params         the variant's JMH parameters
 * @param kernel         the kernel that ran, e.g. {@code vector-256}
 * @param perRequest     counter name → mean per request
 * @param perKind        request kind ({@code tier0}, {@code tier1}, {@code cache_hit}, ...) → counters
 */
public record WorkRecord(String benchmarkClass, Map<String, String> params, String kernel,
                         Map<String, Double> perRequest, Map<String, Map<String, Double>> perKind) {

    /** A counter of the mean request, NaN when absent. */
    public double get(String counter) {
        Double v = perRequest.get(counter);
        return v == null ? Double.NaN : v;
    }

    /** Weight and KV bytes read and written by the mean request. */
    public double bytesMoved() {
        return get("weightBytesRead") + get("kvBytesRead") + get("kvBytesWritten");
    }

    /** Whether this file describes the given JMH variant (same class, same parameters). */
    public boolean matches(JmhRecord r) {
        return r.className().equals(benchmarkClass) && r.params().equals(params);
    }

    public static WorkRecord of(JsonNode n) {
        String bench = n.path("benchmark").asText();
        String simple = bench.substring(bench.lastIndexOf('.') + 1);
        Map<String, String> params = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.path("params").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            params.put(e.getKey(), e.getValue().asText());
        }
        Map<String, Map<String, Double>> kinds = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.path("perKind").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            kinds.put(e.getKey(), counters(e.getValue()));
        }
        return new WorkRecord(simple, Collections.unmodifiableMap(params), n.path("kernel").asText(""),
                counters(n.path("perRequest")), Collections.unmodifiableMap(kinds));
    }

    private static Map<String, Double> counters(JsonNode n) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            m.put(e.getKey(), JmhRecord.number(e.getValue()));
        }
        return Collections.unmodifiableMap(m);
    }
}
