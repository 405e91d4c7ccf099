package dev.mcgt.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcgt.bench.report.ExtraTable;
import dev.mcgt.job.DocumentScoringJob;
import dev.mcgt.job.RunSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the {@link JobBench} results of one {@code scripts/bench-job.sh} run into the report's "Flink job
 * throughput" table ({@code flink-throughput.json}, an {@link ExtraTable}) and prints it: one row per run, the
 * document-vector cosine of each run to ONNX Runtime fp32 at the same mode and parallelism (each run's
 * {@code scores/} embeddings, joined by id), and in the notes the ratios the job issue targets, each computed
 * from rows of this one run.
 *
 * <p>Usage: {@code JobBenchTable OUT.json MACHINE COMMAND RESULT.json...}
 */
public final class JobBenchTable {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JobBenchTable() { }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        List<JsonNode> runs = new ArrayList<>();
        for (int i = 3; i < args.length; i++) runs.add(JSON.readTree(Path.of(args[i]).toFile()));
        Map<String, Map<String, float[]>> vectors = new HashMap<>();
        for (JsonNode r : runs) vectors.put(r.get("output").asText(), embeddings(Path.of(r.get("output").asText())));

        ObjectNode t = JSON.createObjectNode();
        t.put("measured", java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).toString().substring(0, 16).replace('T', ' ')
                + " UTC").put("machine", args[1]).put("command", args[2]);
        ArrayNode cols = t.putArray("columns");
        for (String c : List.of("engine", "mode", "p", "docs", "chunks", "wall s", "start-up s (cluster)", "steady docs/s",
                "steady chunks/s", "CPU s", "peak heap MiB", "peak RSS MiB", "MACs % of ungated", "tier 0/1/2/skip %",
                "cosine to ORT fp32 (mean / min)")) cols.add(c);
        ArrayNode rows = t.putArray("rows");
        for (JsonNode r : runs) {
            ArrayNode row = rows.addArray();
            long chunks = Math.max(1, r.get("chunks").asLong());
            JsonNode tiers = r.get("tiers");
            row.add(r.get("engine").asText() + (r.hasNonNull("policy") ? " (" + r.get("policy").asText() + ")" : ""))
                    .add(r.get("mode").asText()).add(r.get("parallelism").asInt()).add(r.get("documents").asLong())
                    .add(r.get("chunks").asLong()).add(round(r.get("wallSeconds").asDouble(), 1))
                    .add(String.format(Locale.ROOT, "%.1f (%.1f)", r.get("startupSeconds").asDouble(),
                            r.path("clusterStartSeconds").asDouble(Double.NaN)))
                    .add(round(r.get("steadyDocsPerSecond").asDouble(), 2))
                    .add(round(r.get("steadyChunksPerSecond").asDouble(), 1))
                    .add(round(r.get("cpuSeconds").asDouble(), 1)).add(Math.round(r.get("peakHeapMiB").asDouble()))
                    .add(Math.round(r.get("peakRssMiB").asDouble()));
            double ratio = r.get("macRatio").asDouble(Double.NaN);
            if (Double.isNaN(ratio) || r.get("ungatedMacs").asLong() == 0) row.add("—");
            else row.add(round(100 * ratio, 1));
            row.add(String.format(Locale.ROOT, "%.0f/%.0f/%.0f/%.0f", 100.0 * tiers.get(0).asLong() / chunks,
                    100.0 * tiers.get(1).asLong() / chunks, 100.0 * tiers.get(2).asLong() / chunks,
                    100.0 * tiers.get(3).asLong() / chunks));
            JsonNode ref = reference(runs, r);
            if (ref == null) {
                row.add("—");
            } else {
                double[] c = cosines(vectors.get(ref.get("output").asText()), vectors.get(r.get("output").asText()));
                row.add(c.length == 0 ? "—" : String.format(Locale.ROOT, "%.4f / %.4f",
                        Arrays.stream(c).average().orElse(Double.NaN), Arrays.stream(c).min().orElse(Double.NaN)));
            }
        }
        ArrayNode notes = t.putArray("notes");
        notes.add("Embedded Flink (mcgt score's), all-MiniLM-L6-v2, at most 256 content tokens per e-mail, chunks of 128; "
                + "every engine on the same graph (file source, parsing, our tokenizer and chunking, per-document pooling, "
                + "file sinks), only the chunk-scoring step differs (ours keyed by document, the ONNX Runtime peer a map "
                + "chained to the chunking stage, one intra-op thread per subtask). STREAMING: RocksDB, checkpoints every "
                + "10 s. Start-up: submit to the first chunk scored (100 ms buckets); in brackets, the part until the embedded cluster had started and accepted the job. Steady state: from the first 1 % of "
                + "the documents finished to the last chunk. CPU: the JVM's CPU time over the run; heap sampled every 100 "
                + "ms; RSS = VmHWM of the one JVM (JobManager and TaskManager).");
        for (String n : ratios(runs)) notes.add(n);
        Files.writeString(out, JSON.writeValueAsString(t) + "\n");
        System.out.print(ExtraTable.of(JSON.readTree(out.toFile())).render());
        System.err.println("bench-job: wrote " + out);
    }

    /** The ratios the job issue targets, from rows of this run (absent rows: not stated). */
    static List<String> ratios(List<JsonNode> runs) {
        List<String> out = new ArrayList<>();
        for (JsonNode r : runs) {
            String e = r.get("engine").asText();
            String where = r.get("mode").asText() + ", p" + r.get("parallelism").asInt();
            JsonNode peer = find(runs, "ONNX Runtime INT8", r.get("mode").asText(), r.get("parallelism").asInt());
            if (e.startsWith("mcgt") && peer != null) {
                out.add(String.format(Locale.ROOT, "%s vs ONNX Runtime INT8 (%s): %.2f× steady docs/s (target %s), "
                                + "%.2f× wall time's docs/s", e, where, steady(r) / steady(peer),
                        e.endsWith("off") ? "≥ 1.0×" : "≥ 2.5×",
                        (r.get("documents").asDouble() / r.get("wallSeconds").asDouble())
                                / (peer.get("documents").asDouble() / peer.get("wallSeconds").asDouble())));
            }
            if (r.get("parallelism").asInt() == 2) {
                JsonNode one = find(runs, e, r.get("mode").asText(), 1);
                if (one != null) out.add(String.format(Locale.ROOT, "%s, %s: parallelism 2 / 1 = %.2f× steady docs/s "
                        + "(target ≥ 1.8×)", e, r.get("mode").asText(), steady(r) / steady(one)));
            }
            if (r.get("mode").asText().equals("streaming")) {
                JsonNode batch = find(runs, e, "batch", r.get("parallelism").asInt());
                if (batch != null) out.add(String.format(Locale.ROOT, "%s, p%d: STREAMING / BATCH = %.2f× steady docs/s "
                        + "(target ≥ 0.85×)", e, r.get("parallelism").asInt(), steady(r) / steady(batch)));
            }
        }
        return out;
    }

    private static double steady(JsonNode r) {
        return r.get("steadyDocsPerSecond").asDouble(Double.NaN);
    }

    private static JsonNode find(List<JsonNode> runs, String engine, String mode, int p) {
        for (JsonNode r : runs) {
            if (r.get("engine").asText().equals(engine) && r.get("mode").asText().equals(mode)
                    && r.get("parallelism").asInt() == p) return r;
        }
        return null;
    }

    private static JsonNode reference(List<JsonNode> runs, JsonNode r) {
        JsonNode same = find(runs, "ONNX Runtime fp32", r.get("mode").asText(), r.get("parallelism").asInt());
        if (same != null) return same;
        for (JsonNode x : runs) if (x.get("engine").asText().equals("ONNX Runtime fp32")) return x;
        return null;
    }

    private static Map<String, float[]> embeddings(Path output) throws Exception {
        Map<String, float[]> m = new HashMap<>();
        for (String l : RunSummary.readLines(output.resolve(DocumentScoringJob.SCORES))) {
            JsonNode n = JSON.readTree(l);
            JsonNode e = n.get("embedding");
            if (e == null) continue;
            float[] v = new float[e.size()];
            for (int i = 0; i < v.length; i++) v[i] = e.get(i).floatValue();
            m.put(n.get("id").asText(), v);
        }
        return m;
    }

    /** Cosine per document id present in both (vectors are L2-normalised: the dot product, in double). */
    static double[] cosines(Map<String, float[]> ref, Map<String, float[]> mine) {
        List<Double> out = new ArrayList<>();
        for (Map.Entry<String, float[]> e : ref.entrySet()) {
            float[] b = mine.get(e.getKey());
            if (b == null) continue;
            float[] a = e.getValue();
            double dot = 0, na = 0, nb = 0;
            for (int i = 0; i < a.length; i++) {
                dot += (double) a[i] * b[i];
                na += (double) a[i] * a[i];
                nb += (double) b[i] * b[i];
            }
            out.add(na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb));
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Double.isNaN(v) ? Double.NaN : Math.round(v * f) / f;
    }
}
