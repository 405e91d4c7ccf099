package dev.mcgt.job;

import static dev.mcgt.job.JobFixtures.JSON;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcgt.sql.McgtFunctions;
import dev.mcgt.sql.SqlScoring;
import dev.mcgt.testing.TinyEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQL path ({@code mcgt_score} over the filesystem connector's JSON) against the DataStream job on one
 * MiniCluster, same documents, policy and model: every good document's vector, chunk count and MACs equal bit for
 * bit; bad rows (null text, missing or empty id, a text over the limit, a blank text, no tokens, a repeated id)
 * come back as reject rows with their reason while the job finishes.
 */
class SqlEquivalenceTest {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    /** Text longer than this is a reject on the SQL path. */
    static final int MAX_CHARS = 3000;

    @TempDir static Path shared;
    static Path model;

    @TempDir Path dir;

    @BeforeAll
    static void writeModel() {
        model = TinyEncoder.write(shared.resolve("tiny.mcgt"));
    }

    /** Good documents (string ids) and, for the SQL path, bad rows by expected reason fragment. */
    private static Map<String, String> badRows() {
        Map<String, String> bad = new HashMap<>();
        bad.put("{\"id\": \"n1\"}", "text is missing");
        bad.put("{\"id\": \"\", \"text\": \"alpha bravo\"}", "document id is missing");
        bad.put("{\"text\": \"no id here\"}", "document id is missing");
        bad.put(JobFixtures.doc("big", "x".repeat(MAX_CHARS + 1), null), "over the limit");
        bad.put(JobFixtures.doc("e1", "   ", null), "text is empty");
        bad.put(JobFixtures.doc("ctl", "\u0001\u0002\u0003", null), "text has no tokens");
        bad.put(JobFixtures.doc("doc-3", "alpha bravo", null), "duplicate id");
        return bad;
    }

    private static List<String> goodLines() {
        return JobFixtures.goodLines().stream().filter(l -> !l.startsWith("{\"id\": 42")).toList();
    }

    @Test
    void sqlDocumentVectorsEqualTheDataStreamJobsAndBadRowsAreRejects() throws Exception {
        List<String> lines = new ArrayList<>(goodLines());
        lines.addAll(badRows().keySet());
        Path in = dir.resolve("docs.jsonl");
        Files.write(in, lines, StandardCharsets.UTF_8);

        // the DataStream job, BATCH, parallelism 2
        Path out = dir.resolve("out");
        JobSettings js = JobFixtures.settings(model, in, out, false, true);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(new Configuration());
        env.setParallelism(2);
        DocumentScoringJob.build(env, js);
        env.execute("datastream");
        Map<String, JsonNode> expected = new TreeMap<>();
        for (String l : RunSummary.readLines(out.resolve(DocumentScoringJob.SCORES))) {
            JsonNode n = JSON.readTree(l);
            expected.put(n.get("id").asText(), n);
        }

        // the SQL path, STREAMING, parallelism 2
        StreamExecutionEnvironment senv = StreamExecutionEnvironment.getExecutionEnvironment(new Configuration());
        senv.setParallelism(2);
        senv.setRuntimeMode(RuntimeExecutionMode.STREAMING);
        StreamTableEnvironment t = StreamTableEnvironment.create(senv);
        McgtFunctions.register(t, new SqlScoring(js.scoring(), JobFixtures.MAX_TOKENS, 0, MAX_CHARS));
        t.executeSql("CREATE TABLE docs (id STRING, text STRING) WITH ('connector' = 'filesystem', 'path' = '"
                + in.toUri() + "', 'format' = 'json')");
        t.executeSql("CREATE TEMPORARY VIEW v AS SELECT id AS doc_id, text FROM docs");
        Map<String, Row> documents = new TreeMap<>();
        Map<String, List<String>> rejects = new TreeMap<>();
        Map<String, Integer> chunkRows = new HashMap<>();
        TableResult r = t.executeSql("SELECT * FROM mcgt_score(input => TABLE v PARTITION BY doc_id)");
        try (CloseableIterator<Row> it = r.collect()) {
            while (it.hasNext()) {
                Row row = it.next();
                String id = row.getFieldAs("doc_id");
                String kind = row.getFieldAs("kind");
                switch (kind) {
                    case "document" -> assertThat(documents.put(id, row)).as("%s once", id).isNull();
                    case "chunk" -> chunkRows.merge(id, 1, Integer::sum);
                    case "reject" -> rejects.computeIfAbsent(String.valueOf(id), k -> new ArrayList<>())
                            .add(row.getFieldAs("reject_reason"));
                    default -> throw new AssertionError("kind " + kind);
                }
            }
        }

        List<String> goodIds = goodLines().stream().map(l -> {
            try {
                return JSON.readTree(l).get("id").asText();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
        assertThat(documents.keySet()).containsExactlyInAnyOrderElementsOf(goodIds);
        for (String id : goodIds) {
            JsonNode e = expected.get(id);
            Row got = documents.get(id);
            assertThat((int) got.getFieldAs("chunks")).as(id).isEqualTo(e.get("chunks").asInt());
            assertThat(chunkRows.get(id)).as(id).isEqualTo(e.get("chunks").asInt());
            assertThat((int) got.getFieldAs("tokens")).as(id).isEqualTo(e.get("tokens").asInt());
            assertThat((long) got.getFieldAs("macs")).as(id).isEqualTo(e.get("macs").asLong());
            assertThat((long) got.getFieldAs("ungated_macs")).as(id).isEqualTo(e.get("ungatedMacs").asLong());
            assertThat((long) got.getFieldAs("lambda_min")).as(id).isEqualTo(e.get("lambda").get("min").asLong());
            JsonNode a = e.get("embedding");
            float[] want = new float[a.size()];
            for (int k = 0; k < want.length; k++) want[k] = a.get(k).floatValue();
            assertThat(floats(got.getField("embedding"))).as(id + " embedding, bit for bit").containsExactly(want);
        }
        String all = rejects.toString();
        for (String reason : badRows().values()) assertThat(all).contains(reason);
        assertThat(rejects.values().stream().mapToInt(List::size).sum()).isEqualTo(badRows().size());
    }

    private static float[] floats(Object v) {
        if (v instanceof float[] f) return f;
        Float[] b = (Float[]) v;
        float[] f = new float[b.length];
        for (int i = 0; i < b.length; i++) f[i] = b[i];
        return f;
    }
}
