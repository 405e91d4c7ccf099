package dev.mcgt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcgt.sql.SqlScript;
import dev.mcgt.testing.TinyEncoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mcgt sql -f}: a script with the example's shape (JSON lines in, a statement set writing document scores
 * and rejects, the scalar functions) on the embedded Flink; a bad statement, a missing model and a missing script
 * are one line and exit code 2.
 */
class SqlCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir static Path shared;
    static Path model;

    @TempDir Path dir;

    @BeforeAll
    static void writeModel() {
        model = TinyEncoder.write(shared.resolve("tiny.mcgt"));
    }

    private static String table(String name, String columns, Path path) {
        return "CREATE TABLE " + name + " (" + columns + ") WITH ('connector' = 'filesystem', 'path' = '" + path.toUri()
                + "', 'format' = 'json');\n";
    }

    /** JSON rows of every committed file under {@code folder}. */
    static List<JsonNode> rows(Path folder) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(folder)) {
            for (Path f : s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")).toList()) {
                for (String l : Files.readAllLines(f)) if (!l.isBlank()) out.add(JSON.readTree(l));
            }
        }
        return out;
    }

    @Test
    void aScriptScoresDocumentsWritesRejectsAndRunsTheScalarFunctions() throws Exception {
        Path in = dir.resolve("docs.jsonl");
        Files.writeString(in, "{\"id\": \"d1\", \"text\": \"" + TinyEncoder.words(30, 1) + "\"}\n"
                + "{\"id\": \"d2\", \"text\": \"" + TinyEncoder.words(70, 2) + "\"}\n"
                + "{\"id\": \"d3\"}\n");
        String script = "-- scores; rejects; tokens\n"
                + table("docs", "id STRING, text STRING", in)
                + table("scores", "doc_id STRING, chunks INT, embedding ARRAY<FLOAT>", dir.resolve("scores"))
                + table("rejects", "doc_id STRING, reject_reason STRING", dir.resolve("rejects"))
                + table("tokens", "id STRING, n INT, dims INT", dir.resolve("tokens"))
                + "CREATE TEMPORARY VIEW v AS SELECT id AS doc_id, text FROM docs;\n"
                + "CREATE TEMPORARY VIEW scored AS SELECT * FROM mcgt_score(input => TABLE v PARTITION BY doc_id);\n"
                + "EXECUTE STATEMENT SET BEGIN\n"
                + "  INSERT INTO scores SELECT doc_id, chunks, embedding FROM scored WHERE kind = 'document';\n"
                + "  INSERT INTO rejects SELECT doc_id, reject_reason FROM scored WHERE kind = 'reject';\n"
                + "END;\n"
                + "INSERT INTO tokens SELECT id, mcgt_tokens(text), CARDINALITY(mcgt_embed(text)) FROM docs;\n";
        Path f = dir.resolve("s.sql");
        Files.writeString(f, script);
        assertThat(SqlScript.split(script)).hasSize(8);

        Cli r = Cli.run("sql", "--model", model.toString(), "--parallelism", "1", "-f", f.toString());
        assertThat(r.code()).as(r.err()).isZero();
        List<JsonNode> scores = rows(dir.resolve("scores"));
        assertThat(scores).extracting(n -> n.get("doc_id").asText()).containsExactlyInAnyOrder("d1", "d2");
        int dims = TinyEncoder.config().outputSize();
        for (JsonNode n : scores) assertThat(n.get("embedding").size()).isEqualTo(dims);
        assertThat(rows(dir.resolve("rejects"))).singleElement()
                .satisfies(n -> assertThat(n.get("reject_reason").asText()).isEqualTo("text is missing"));
        List<JsonNode> tokens = rows(dir.resolve("tokens"));
        assertThat(tokens).hasSize(3);
        for (JsonNode n : tokens) {
            if (n.get("id").asText().equals("d3")) assertThat(n.get("n").isNull()).isTrue();
            else assertThat(n.get("dims").asInt()).isEqualTo(dims);
        }
    }

    @Test
    void badStatementsAndMissingModelsAreOneLineWithExitCode2() throws Exception {
        Path f = dir.resolve("bad.sql");
        Files.writeString(f, "CREATE TEMPORARY VIEW a AS SELECT 1 AS x;\n\nSELECT * FROM no_such_table;\n");
        Cli r = Cli.run("sql", "--model", model.toString(), "-f", f.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.errLines()).singleElement().satisfies(l -> assertThat(l)
                .startsWith("mcgt sql: statement 2 (line 3 of ").contains("no_such_table"));

        Path calls = dir.resolve("calls.sql");
        Files.writeString(calls, "SELECT mcgt_tokens('alpha bravo');\n");
        Cli noModel = Cli.run("sql", "-f", calls.toString());
        assertThat(noModel.code()).isEqualTo(2);
        assertThat(noModel.errLines()).singleElement().satisfies(l -> assertThat(l).contains("set mcgt.model"));

        // a script that calls no mcgt function needs no model: the bad statement is the error
        Cli noFunctions = Cli.run("sql", "-f", f.toString());
        assertThat(noFunctions.code()).isEqualTo(2);
        assertThat(noFunctions.errLines()).singleElement().satisfies(l -> assertThat(l).contains("no_such_table"));

        Cli noScript = Cli.run("sql", "--model", model.toString(), "-f", dir.resolve("none.sql").toString());
        assertThat(noScript.code()).isEqualTo(2);
        assertThat(noScript.errLines()).singleElement().satisfies(l -> assertThat(l).contains("cannot read script"));
    }
}
