package dev.mcgt.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcgt.bench.report.ExtraTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report's per-stage cost table of the scoring job ({@code job-breakdown.json}, an {@link ExtraTable}) from
 * the JMH results of {@code flink-jobs}' {@code JobStagesBenchmark}: each stage's mean time per operation, per
 * chunk (per-document stages divided by the sample's chunks per document), and as a share of scoring one chunk
 * gate off and gate on.
 *
 * <p>Usage: {@code JobStagesTable OUT.json JMH.json CHUNKS_PER_DOCUMENT MACHINE COMMAND}
 */
public final class JobStagesTable {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Map<String, String[]> STAGES = new LinkedHashMap<>();

    static {
        STAGES.put("parse", new String[] {"document", "parse a JSON line"});
        STAGES.put("tokenize", new String[] {"document", "WordPiece tokenization"});
        STAGES.put("chunk", new String[] {"document", "chunking (framed 128-token chunks)"});
        STAGES.put("chunkRecord", new String[] {"chunk", "chunk record serializer, write + read"});
        STAGES.put("stateRoundTrip", new String[] {"chunk", "stream state serializer, write + read (RocksDB)"});
        STAGES.put("scoreRecord", new String[] {"chunk", "score record serializer, write + read"});
        STAGES.put("energyJson", new String[] {"chunk", "energy sample as JSON (telemetry sink)"});
        STAGES.put("scoreGateOff", new String[] {"chunk", "scoring, gate off"});
        STAGES.put("scoreGateOn", new String[] {"chunk", "scoring, gate on (calibrated policy)"});
    }

    private JobStagesTable() { }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        double chunksPerDoc = Double.parseDouble(args[2]);
        Map<String, Double> us = new LinkedHashMap<>();
        for (JsonNode r : JSON.readTree(Path.of(args[1]).toFile())) {
            String name = r.get("benchmark").asText();
            name = name.substring(name.lastIndexOf('.') + 1);
            us.put(name, r.get("primaryMetric").get("score").asDouble());
        }
        ObjectNode t = JSON.createObjectNode().put("measured", java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC)
                .toString().substring(0, 16).replace('T', ' ') + " UTC").put("machine", args[3]).put("command", args[4]);
        ArrayNode cols = t.putArray("columns");
        for (String c : List.of("stage", "per", "µs per op", "µs per chunk", "% of a chunk's scoring, gate off",
                "% of a chunk's scoring, gate on")) cols.add(c);
        ArrayNode rows = t.putArray("rows");
        double off = us.getOrDefault("scoreGateOff", Double.NaN);
        double on = us.getOrDefault("scoreGateOn", Double.NaN);
        for (Map.Entry<String, String[]> e : STAGES.entrySet()) {
            Double v = us.get(e.getKey());
            if (v == null) continue;
            double perChunk = e.getValue()[0].equals("document") ? v / chunksPerDoc : v;
            rows.addArray().add(e.getValue()[1]).add(e.getValue()[0]).add(round(v)).add(round(perChunk))
                    .add(round(100 * perChunk / off)).add(round(100 * perChunk / on));
        }
        t.putArray("notes").add(String.format(Locale.ROOT, "JMH (one thread, no Flink runtime) on the sample of "
                + "bench-job.sh's e-mails, all-MiniLM-L6-v2, at most 256 content tokens: %.2f chunks per document. "
                + "Per-document stages are divided by that to give a per-chunk cost.", chunksPerDoc));
        Files.writeString(out, JSON.writeValueAsString(t) + "\n");
        System.out.print(ExtraTable.of(JSON.readTree(out.toFile())).render());
    }

    private static double round(double v) {
        if (Double.isNaN(v)) return v;
        double m = Math.abs(v) >= 10 ? 10 : Math.abs(v) >= 1 ? 100 : 1000;
        return Math.round(v * m) / m;
    }
}
