package dev.mcgt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One input path and one set of rules for every command that reads documents: {@code embed}, {@code calibrate},
 * {@code eval} and {@code prototypes} read files and folders exactly as {@code mcgt score} does, report a bad
 * line (invalid UTF-8 included) with its number and reason and go on, and treat {@code --progress-seconds 0}
 * as "no progress lines".
 */
class InputRulesTest {
    @TempDir static Path shared;
    static Path model;
    static Path mixed;
    static final int GOOD = 12;

    @TempDir Path dir;

    /** Twelve labelled documents with three bad lines among them: invalid UTF-8, two values, a repeated key. */
    @BeforeAll
    static void setUp() throws Exception {
        model = LabelledCorpus.write(shared.resolve("tiny.mcgt"));
        List<String> docs = LabelledCorpus.documents(GOOD, 4);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = 0; i < docs.size(); i++) {
            if (i == 3) {
                b.write("{\"id\": \"bad-utf8\", \"label\": \"ham\", \"text\": \"caf".getBytes(StandardCharsets.UTF_8));
                b.write(new byte[] {(byte) 0xC3, (byte) 0x28});
                b.write("\"}\n".getBytes(StandardCharsets.UTF_8));
            }
            if (i == 6) b.write((docs.get(0).replace("doc-0", "two-a") + " " + docs.get(1).replace("doc-1", "two-b") + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            if (i == 8) b.write("{\"id\": \"dup\", \"id\": \"dup2\", \"label\": \"ham\", \"text\": \"river stone\"}\n"
                    .getBytes(StandardCharsets.UTF_8));
            b.write((docs.get(i) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        mixed = Files.write(shared.resolve("mixed.jsonl"), b.toByteArray());
    }

    /** The three bad lines of {@link #mixed} in the command's stderr, each once with its number and reason. */
    private static void assertBadLinesReported(Cli r) {
        assertThat(r.err()).contains("mcgt: " + mixed + " line 4: invalid UTF-8 at byte 47")
                .contains("mcgt: " + mixed + " line 8: malformed JSON: a second JSON value starts at column")
                .contains("mcgt: " + mixed + " line 11: malformed JSON: duplicate field 'id'")
                .doesNotContain("I/O error");
        assertThat(r.code()).as(r.err()).isEqualTo(Main.EXIT_FAILURE);
    }

    @Test
    void embedReportsInvalidUtf8ByLineAndGoesOn() throws Exception {
        Path out = dir.resolve("emb.jsonl");
        Cli r = Cli.run("embed", "--model", model.toString(), "--input", mixed.toString(), "--output", out.toString());
        assertBadLinesReported(r);
        assertThat(Files.readAllLines(out)).hasSize(GOOD);
        assertThat(r.errLines()[r.errLines().length - 1]).startsWith("mcgt embed: " + GOOD + " documents embedded, 3 lines rejected");
    }

    @Test
    void evalPrototypesAndCalibrateReportInvalidUtf8ByLineAndGoOn() throws Exception {
        Cli eval = Cli.run("eval", "--model", model.toString(), "--input", mixed.toString(), "--threads", "1");
        assertBadLinesReported(eval);
        JsonNode report = LabelledCorpus.JSON.readTree(eval.out());
        assertThat(report.get("documents").asInt()).isEqualTo(GOOD);
        assertThat(report.get("rejected").asInt()).isEqualTo(3);

        Path proto = dir.resolve("proto.json");
        Cli prototypes = Cli.run("prototypes", "--model", model.toString(), "--input", mixed.toString(), "--out",
                proto.toString(), "--threads", "1");
        assertBadLinesReported(prototypes);
        assertThat(LabelledCorpus.JSON.readTree(prototypes.out()).get("documents").asInt()).isEqualTo(GOOD);

        Cli calibrate = Cli.run("calibrate", "--model", model.toString(), "--input", mixed.toString(), "--mix", "40/40/20",
                "--out", dir.resolve("policy.json").toString(), "--threads", "1");
        assertBadLinesReported(calibrate);
        assertThat(LabelledCorpus.JSON.readTree(calibrate.out()).get("documents").asInt()).isEqualTo(GOOD);
    }

    @Test
    void progressSecondsZeroMeansNoProgressInEveryCommand() throws Exception {
        Path good = Files.write(dir.resolve("good.jsonl"), LabelledCorpus.documents(6, 2));
        Cli embed = Cli.run("embed", "--model", model.toString(), "--input", good.toString(), "--output",
                dir.resolve("e.jsonl").toString(), "--progress-seconds", "0");
        assertThat(embed.code()).as(embed.err()).isZero();
        assertThat(embed.err()).doesNotContain("documents done");
        Cli eval = Cli.run("eval", "--model", model.toString(), "--input", good.toString(), "--progress-seconds", "0");
        assertThat(eval.code()).as(eval.err()).isZero();
        assertThat(eval.err()).doesNotContain("documents done");
        for (String command : new String[] {"embed", "eval"}) {
            List<String> args = new ArrayList<>(List.of(command, "--model", model.toString(), "--input", good.toString(),
                    "--progress-seconds", "-1"));
            if (command.equals("embed")) args.addAll(List.of("--output", dir.resolve("x.jsonl").toString()));
            Cli negative = Cli.run(args.toArray(String[]::new));
            assertThat(negative.code()).isEqualTo(Main.EXIT_USAGE);
            assertThat(negative.err()).contains("--progress-seconds cannot be negative");
        }
    }

    @Test
    void embedReadsFoldersAndJsonFilesByTheRulesOfScore() throws Exception {
        List<String> docs = LabelledCorpus.documents(6, 9);
        Path root = Files.createDirectories(dir.resolve("corpus/sub"));
        Files.write(dir.resolve("corpus/a.jsonl"), List.of(docs.get(0), docs.get(1)));
        Files.write(dir.resolve("corpus/lines.json"), List.of(docs.get(2), docs.get(3)));
        Files.writeString(dir.resolve("corpus/sub/one.json"), docs.get(4).replace(",\"", ",\n  \""));
        Files.writeString(dir.resolve("corpus/sub/note.txt"), "river stone cloud");
        Files.write(dir.resolve("corpus/.hidden.jsonl"), List.of(docs.get(5)));
        Files.write(dir.resolve("corpus/_skip.jsonl"), List.of(docs.get(5)));
        Files.writeString(dir.resolve("corpus/README.md"), "not input");
        Path out = dir.resolve("emb.jsonl");
        Cli r = Cli.run("embed", "--model", model.toString(), "--input", root.getParent().toString(), "--output",
                out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        List<String> ids = new ArrayList<>();
        for (String l : Files.readAllLines(out)) ids.add(LabelledCorpus.JSON.readTree(l).get("id").asText());
        assertThat(ids).containsExactly("doc-0", "doc-1", "doc-2", "doc-3", "sub/note.txt", "doc-4");
    }

    @Test
    void gateBatchLinesAreReadStrictlyToo() throws Exception {
        Path in = Files.writeString(dir.resolve("packets.jsonl"),
                "{\"lambda\":40,\"lambdaPrev\":100}\n{\"lambda\":40} {\"lambda\":50}\n{\"lambda\":40,\"lambda\":41}\n");
        Cli r = Cli.run("gate", "--batch", in.toString());
        assertThat(r.code()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(r.outLines()).hasSize(1);
        assertThat(r.errLines()).containsExactly(
                "mcgt: " + in + " line 2: not valid JSON: a second JSON value starts at column 15 (one value per record; "
                        + "JSON lines need one record per line)",
                "mcgt: " + in + " line 3: not valid JSON: duplicate field 'lambda' at column 22");
    }
}
