package dev.mcgt.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Builds the report's "Peers on SpamAssassin" table ({@code peers-spamassassin.json}, the {@link ExtraTable}
 * format) from a results folder: the {@code SpamAssassinPeersBenchmark} variants of the JMH files (seconds per
 * call over {@code docs} documents) and the {@code peers-<engine>.json} quality files the benchmark writes.
 */
public final class PeersTable {
    static final String BENCHMARK = "SpamAssassinPeersBenchmark";
    /** The column of each engine's throughput relative to ONNX Runtime INT8 (the report's targets read it). */
    static final String VS_INT8 = "× ONNX Runtime INT8";
    /** The first cell of the gated engine's row. */
    static final String GATED = "mcgt gated";
    private static final String[] ENGINES = {"ortFp32", "ortInt8", "mcgtTier0", "mcgtGated"};
    private static final Map<String, String> NAMES = Map.of("ortFp32", "ONNX Runtime fp32", "ortInt8",
            "ONNX Runtime INT8", "mcgtTier0", "mcgt tier 0 (ungated)", "mcgtGated", GATED);

    private PeersTable() { }

    /** The table as JSON, or null when the folder has no peers results. */
    public static ObjectNode build(Path dir, String machine) throws IOException {
        Map<String, JmhRecord> byEngine = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().matches("jmh.*\\.json")).sorted().toList()) {
                for (JmhRecord r : Results.parseJmh(Results.JSON.readTree(f.toFile()))) {
                    if (r.className().equals(BENCHMARK)) byEngine.put(r.params().get("engine"), r);
                }
            }
        }
        if (byEngine.isEmpty()) return null;
        JmhRecord int8 = byEngine.get("ortInt8");
        double int8Rate = int8 == null ? Double.NaN : docsPerSecond(int8);
        double int8Cpu = int8 == null ? Double.NaN : cpuSeconds(int8);
        ObjectNode t = Results.JSON.createObjectNode();
        JmhRecord any = byEngine.values().iterator().next();
        t.put("measured", String.valueOf(Files.getLastModifiedTime(dir)).substring(0, 16).replace('T', ' ') + " UTC");
        t.put("machine", machine);
        t.put("command", "scripts/bench.sh peers");
        ArrayNode cols = t.putArray("columns");
        for (String c : List.of("engine", "documents", "s per run", "docs/s", VS_INT8, "CPU s per run",
                "× ONNX Runtime INT8 (CPU time)", "cosine vs fp32 (mean)",
                "p5", "min", "MACs % of ungated", "tier 0/1/2/skip %")) cols.add(c);
        ArrayNode rows = t.putArray("rows");
        for (String e : ENGINES) {
            JmhRecord r = byEngine.get(e);
            if (r == null) continue;
            JsonNode q = quality(dir, e);
            ArrayNode row = rows.addArray();
            row.add(NAMES.get(e));
            row.add(Integer.parseInt(r.params().get("docs")));
            row.add(r.score());
            row.add(docsPerSecond(r));
            row.add(docsPerSecond(r) / int8Rate);
            addOrDash(row, cpuSeconds(r));
            addOrDash(row, int8Cpu / cpuSeconds(r));
            addOrDash(row, q, "cosineMean");
            addOrDash(row, q, "cosineP5");
            addOrDash(row, q, "cosineMin");
            if (q != null && q.has("macRatio")) row.add(100 * q.get("macRatio").asDouble());
            else row.add("—");
            row.add(q != null && q.has("tiers") ? mix(q.get("tiers")) : "—");
        }
        List<String> notes = new ArrayList<>();
        notes.add(String.format(Locale.ROOT, "One thread. %s e-mails (every k-th line of data/spam-assassin.jsonl), at "
                + "most %s content tokens each, the same framed 128-token chunks for every engine; a document's vector "
                + "is the normalised mean of its chunk vectors (ours: the scorer's depth-aware pooling). Time per "
                + "run from JMH single-shot mode (%s); CPU time is the benchmark thread's (every engine runs on that "
                + "one thread), which leaves out the time it waited for a core on a shared machine.", any.params().get("docs"), any.params().get("maxTokens"),
                any.settings().describe()));
        notes.add("Our engines embed each chunk on its own, as ONNX Runtime does (cross-chunk context is off for "
                + "encoders); our times include the coherence probe and spike detector of every chunk.");
        JsonNode gated = quality(dir, "mcgtGated");
        if (gated != null && gated.has("policy")) notes.add("Gated policy: " + gated.get("policy").asText() + ".");
        ArrayNode n = t.putArray("notes");
        notes.forEach(n::add);
        return t;
    }

    private static double docsPerSecond(JmhRecord r) {
        double seconds = JmhRecord.toMicros(r.score(), r.unit()) / 1e6;
        return Integer.parseInt(r.params().get("docs")) / seconds;
    }

    /** CPU seconds per run (secondary counters cpuNanos / calls), NaN when the record has none. */
    private static double cpuSeconds(JmhRecord r) {
        Double cpu = r.secondary().get("cpuNanos");
        Double calls = r.secondary().get("calls");
        return cpu == null || calls == null || calls <= 0 ? Double.NaN : cpu / calls / 1e9;
    }

    private static void addOrDash(ArrayNode row, double v) {
        if (Double.isFinite(v)) row.add(v);
        else row.add("—");
    }

    private static JsonNode quality(Path dir, String engine) throws IOException {
        Path f = dir.resolve("peers-" + engine + ".json");
        return Files.isRegularFile(f) ? Results.JSON.readTree(f.toFile()) : null;
    }

    private static void addOrDash(ArrayNode row, JsonNode q, String field) {
        if (q != null && q.has(field)) row.add(q.get(field).asDouble());
        else row.add("—");
    }

    private static String mix(JsonNode tiers) {
        double total = 0;
        for (JsonNode t : tiers) total += t.asDouble();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < tiers.size(); i++) {
            if (i > 0) b.append('/');
            b.append(Math.round(total == 0 ? 0 : 100 * tiers.get(i).asDouble() / total));
        }
        return b.toString();
    }
}
