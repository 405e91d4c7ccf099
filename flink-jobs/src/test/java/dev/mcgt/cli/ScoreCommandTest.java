package dev.mcgt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcgt.model.ModelFile;
import dev.mcgt.testing.TinyEncoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mcgt score} on the embedded Flink: summary, exit codes, output-folder safety, one-line errors. */
class ScoreCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Path model = TinyEncoder.file();

    @TempDir Path dir;

    private Path input(String... lines) throws Exception {
        return Files.write(dir.resolve("docs.jsonl"), List.of(lines));
    }

    private static String doc(String id, int words, String label) {
        return "{\"id\": \"" + id + "\", \"label\": \"" + label + "\", \"text\": \"" + TinyEncoder.words(words, id.length())
                + "\"}";
    }

    @Test
    void scoresPrintsASummaryAndRefusesToMixRuns() throws Exception {
        Path in = input(doc("a", 30, "x"), doc("b", 12, "y"), doc("c", 50, "x"), "{broken");
        Path out = dir.resolve("out");
        Cli run = Cli.run("score", "--model", model.toString(), "--input", in.toString(), "--output", out.toString(),
                "--parallelism", "2", "--progress-seconds", "0");
        assertThat(run.code()).as(run.err()).isEqualTo(ScoreCommand.EXIT_REJECTS);
        assertThat(run.out()).contains("mcgt score: 3 documents, ").contains(" 1 rejects in ")
                .contains("batch, parallelism 2").contains("tier mix").contains("MACs").contains("% of an ungated run");

        Cli again = Cli.run("score", "--model", model.toString(), "--input", in.toString(), "--output", out.toString());
        assertThat(again.code()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(again.errLines()).hasSize(1);
        assertThat(again.err()).contains("already holds results").contains("--overwrite");

        Path good = Files.write(dir.resolve("good.jsonl"), List.of(doc("a", 30, "x"), doc("b", 12, "y")));
        Cli over = Cli.run("score", "--model", model.toString(), "--input", good.toString(), "--output", out.toString(),
                "--overwrite", "--mode", "streaming", "--checkpoint-interval", "100", "--progress-seconds", "0");
        assertThat(over.code()).as(over.err()).isZero();
        assertThat(over.out()).contains("mcgt score: 2 documents, ").contains(" 0 rejects ").contains("streaming");
    }

    /** --incomplete-timeout and --id-memory reach the job's settings; negative values are one-line errors. */
    @Test
    void documentTimeoutsAreOptionsWithClearErrors() throws Exception {
        Path in = input(doc("a", 30, "x"));
        Path out = dir.resolve("out");
        String[] base = {"--model", model.toString(), "--input", in.toString(), "--output", out.toString()};
        dev.mcgt.job.JobSettings defaults = ScoreOptions.parse(base).resolve();
        assertThat(defaults.incompleteTimeout()).isEqualTo(java.time.Duration.ofHours(24));
        assertThat(defaults.idMemory()).isEqualTo(java.time.Duration.ofHours(24));
        String[] set = java.util.stream.Stream.concat(java.util.Arrays.stream(base),
                java.util.stream.Stream.of("--incomplete-timeout", "90000", "--id-memory", "0")).toArray(String[]::new);
        dev.mcgt.job.JobSettings s = ScoreOptions.parse(set).resolve();
        assertThat(s.incompleteTimeout()).isEqualTo(java.time.Duration.ofSeconds(90));
        assertThat(s.idMemory()).isZero();
        for (String flag : new String[] {"--incomplete-timeout", "--id-memory"}) {
            Cli bad = Cli.run("score", "--model", model.toString(), "--input", in.toString(), "--output", out.toString(),
                    flag, "-1");
            assertThat(bad.code()).isNotZero();
            assertThat(bad.errLines()).hasSize(1);
            assertThat(bad.err()).contains(flag + " cannot be negative");
        }
    }

    /** --text-prefix on the Flink job: the same vectors as the joined text (as embed gives), in the summary. */
    @Test
    void textPrefixGoesBeforeEveryDocument() throws Exception {
        String text = TinyEncoder.words(40, 3);
        Path joined = Files.write(dir.resolve("joined.jsonl"), List.of("{\"id\": \"a\", \"text\": \"golf: " + text + "\"}"));
        Path plain = Files.write(dir.resolve("plain.jsonl"), List.of("{\"id\": \"a\", \"text\": \"" + text + "\"}"));
        JsonNode a = scoreOne(joined, "joined");
        JsonNode b = scoreOne(plain, "prefixed", "--text-prefix", "golf: ");
        assertThat(b.get("tokens").asInt()).isEqualTo(a.get("tokens").asInt());
        assertThat(b.get("embedding")).isEqualTo(a.get("embedding"));
        assertThat(JSON.readTree(dir.resolve("prefixed.json").toFile()).get("textPrefix").asText()).isEqualTo("golf: ");
        assertThat(JSON.readTree(dir.resolve("joined.json").toFile()).get("textPrefix").asText()).isEmpty();
    }

    private JsonNode scoreOne(Path in, String name, String... extra) throws Exception {
        Path out = dir.resolve(name);
        List<String> args = new java.util.ArrayList<>(List.of("score", "--model", model.toString(), "--input",
                in.toString(), "--output", out.toString(), "--gate", "off", "--emit-embeddings", "--parallelism", "1",
                "--progress-seconds", "0", "--summary-json", dir.resolve(name + ".json").toString()));
        args.addAll(List.of(extra));
        Cli run = Cli.run(args.toArray(String[]::new));
        assertThat(run.code()).as(run.err()).isZero();
        List<JsonNode> lines = new java.util.ArrayList<>();
        try (var files = Files.walk(out.resolve("scores"))) {
            for (Path f : files.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith("."))
                    .toList()) {
                for (String l : Files.readAllLines(f)) if (!l.isBlank()) lines.add(JSON.readTree(l));
            }
        }
        assertThat(lines).hasSize(1);
        return lines.get(0);
    }

    @Test
    void mistakesAreOneLine() throws Exception {
        Path in = input(doc("a", 5, "x"));
        String out = dir.resolve("o").toString();
        Cli mode = Cli.run("score", "--model", model.toString(), "--input", in.toString(), "--output", out, "--mode", "fast");
        assertThat(mode.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(mode.err()).contains("--mode must be batch or streaming");
        Cli missing = Cli.run("score", "--model", model.toString(), "--input", dir.resolve("nope.jsonl").toString(),
                "--output", out);
        assertThat(missing.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(missing.err()).contains("no such file or folder");
        Cli preset = Cli.run("score", "--model", "micro", "--input", in.toString(), "--output", out);
        assertThat(preset.err()).contains("has no tokenizer");
        Path bare = dir.resolve("bare.mcgt");
        ModelFile.write(TinyEncoder.bare(), bare);
        Cli noTok = Cli.run("score", "--model", bare.toString(), "--input", in.toString(), "--output", out);
        assertThat(noTok.err()).contains("has no tokenizer");
        Cli policy = Cli.run("score", "--model", model.toString(), "--input", in.toString(), "--output", out,
                "--policy", "wild");
        assertThat(policy.err()).contains("unknown policy 'wild'");
        for (Cli c : List.of(mode, missing, preset, noTok, policy)) assertThat(c.errLines()).hasSize(1);
    }
}
