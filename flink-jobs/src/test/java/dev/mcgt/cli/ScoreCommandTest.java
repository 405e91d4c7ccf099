package dev.mcgt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcgt.model.ModelFile;
import dev.mcgt.testing.TinyEncoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mcgt score} on the embedded Flink: summary, exit codes, output-folder safety, one-line errors. */
class ScoreCommandTest {
    @TempDir static Path shared;
    static Path model;

    @TempDir Path dir;

    @BeforeAll
    static void writeModel() {
        model = TinyEncoder.write(shared.resolve("tiny.mcgt"));
    }

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
