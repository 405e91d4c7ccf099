package dev.mcgt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcgt.testing.TinyEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped Parquet example through {@code mcgt sql}: {@code scripts/sql/json-to-parquet.sql} turns JSON lines
 * into Parquet (no model needed), {@code scripts/sql/score-parquet.sql} scores the Parquet documents into Parquet
 * scores and rejects, and {@code scripts/sql/score-json.sql} scores the same JSON lines into JSON; the Parquet round
 * trip gives every document the JSON path's vector bit for bit, and the same rejects. The scripts' relative paths
 * are pointed at a temporary folder.
 */
class SqlParquetTest {
    @TempDir Path dir;

    private static Path root() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("scripts/sql"))) return p;
        }
        throw new AssertionError("no scripts/sql above " + Path.of("").toAbsolutePath());
    }

    /** The shipped script with its input and output paths moved under {@link #dir}. */
    private Path script(String name, Path input) throws Exception {
        String s = Files.readString(root().resolve("scripts/sql/" + name), StandardCharsets.UTF_8);
        assertThat(s).contains("'out/sql/");
        s = s.replace("'scripts/sql/docs.jsonl'", "'" + input.toUri() + "'")
                .replace("'out/sql/", "'" + dir.resolve("out/sql").toUri() + "/");
        Path f = dir.resolve(name);
        Files.writeString(f, s, StandardCharsets.UTF_8);
        return f;
    }

    private static void run(String... args) {
        Cli r = Cli.run(args);
        assertThat(r.code()).as(String.join(" ", args) + "\n" + r.err()).isZero();
    }

    @Test
    void parquetRoundTripGivesTheJsonPathsVectorsBitForBit() throws Exception {
        Path in = dir.resolve("docs.jsonl");
        Files.writeString(in, "{\"id\": \"d1\", \"text\": \"" + TinyEncoder.words(30, 1) + "\"}\n"
                + "{\"id\": \"d2\", \"text\": \"" + TinyEncoder.words(90, 2) + "\"}\n"
                + "{\"id\": \"d3\", \"text\": \"" + TinyEncoder.words(12, 3) + "\"}\n"
                + "{\"id\": \"d4\"}\n"
                + "{\"id\": \"\", \"text\": \"alpha bravo\"}\n", StandardCharsets.UTF_8);

        run("sql", "--parallelism", "1", "-f", script("json-to-parquet.sql", in).toString());
        assertThat(parquetFiles(dir.resolve("out/sql/docs-parquet"))).isPositive();
        String model = TinyEncoder.file().toString();
        run("sql", "--model", model, "--parallelism", "2", "-f", script("score-parquet.sql", in).toString());
        run("sql", "--model", model, "--parallelism", "2", "-f", script("score-json.sql", in).toString());

        Map<String, float[]> json = new TreeMap<>();
        Map<String, Integer> jsonChunks = new TreeMap<>();
        for (JsonNode n : SqlCommandTest.rows(dir.resolve("out/sql/scores"))) {
            JsonNode a = n.get("embedding");
            float[] v = new float[a.size()];
            for (int k = 0; k < v.length; k++) v[k] = a.get(k).floatValue();
            json.put(n.get("doc_id").asText(), v);
            jsonChunks.put(n.get("doc_id").asText(), n.get("chunks").asInt());
        }
        Map<String, String> jsonRejects = new TreeMap<>();
        for (JsonNode n : SqlCommandTest.rows(dir.resolve("out/sql/rejects"))) {
            jsonRejects.put(n.get("doc_id").asText(), n.get("reject_reason").asText());
        }
        assertThat(json.keySet()).containsExactly("d1", "d2", "d3");
        assertThat(jsonChunks.get("d2")).as("a document of several chunks").isGreaterThan(1);
        assertThat(jsonRejects).containsOnlyKeys("d4", "");

        TableEnvironment t = TableEnvironment.create(EnvironmentSettings.inBatchMode());
        t.executeSql("CREATE TABLE s (doc_id STRING, chunks INT, embedding ARRAY<FLOAT>) WITH ('connector' = "
                + "'filesystem', 'path' = '" + dir.resolve("out/sql/scores-parquet").toUri() + "', 'format' = 'parquet')");
        t.executeSql("CREATE TABLE r (doc_id STRING, reject_reason STRING) WITH ('connector' = 'filesystem', 'path' = '"
                + dir.resolve("out/sql/rejects-parquet").toUri() + "', 'format' = 'parquet')");
        Map<String, float[]> parquet = new TreeMap<>();
        try (CloseableIterator<Row> it = t.executeSql("SELECT doc_id, chunks, embedding FROM s").collect()) {
            while (it.hasNext()) {
                Row row = it.next();
                String id = row.getFieldAs("doc_id");
                assertThat((int) row.getFieldAs("chunks")).as(id).isEqualTo(jsonChunks.get(id));
                assertThat(parquet.put(id, floats(row.getField("embedding")))).as(id + " once").isNull();
            }
        }
        Map<String, String> parquetRejects = new TreeMap<>();
        try (CloseableIterator<Row> it = t.executeSql("SELECT doc_id, reject_reason FROM r").collect()) {
            while (it.hasNext()) {
                Row row = it.next();
                parquetRejects.put(row.getFieldAs("doc_id"), row.getFieldAs("reject_reason"));
            }
        }
        assertThat(parquet.keySet()).isEqualTo(json.keySet());
        for (String id : json.keySet()) {
            assertThat(parquet.get(id)).as(id + " embedding, bit for bit").containsExactly(json.get(id));
        }
        assertThat(parquetRejects).isEqualTo(jsonRejects);
    }

    private static long parquetFiles(Path folder) throws Exception {
        try (Stream<Path> s = Files.walk(folder)) {
            return s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")).count();
        }
    }

    private static float[] floats(Object v) {
        if (v instanceof float[] f) return f;
        Object[] b = (Object[]) v;
        float[] f = new float[b.length];
        for (int i = 0; i < b.length; i++) f[i] = (Float) b[i];
        return f;
    }
}
