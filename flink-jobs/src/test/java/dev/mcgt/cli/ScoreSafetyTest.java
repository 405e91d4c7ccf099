package dev.mcgt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcgt.job.DocumentScoringJob;
import dev.mcgt.job.RunSummary;
import dev.mcgt.model.ModelFile;
import dev.mcgt.testing.TinyEncoder;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mcgt score} never lets two runs write one folder, says what is wrong in one honest line (a folder for a
 * model, a model without tokenizer, an input with nothing to read, a parallelism it cannot run, a failure inside
 * Flink), keeps Flink's own logs off the terminal, and leaves nothing in the temporary folder.
 */
class ScoreSafetyTest {
    @TempDir static Path shared;
    static Path model;
    static Path input;

    @TempDir Path dir;

    @BeforeAll
    static void setUp() throws Exception {
        model = TinyEncoder.write(shared.resolve("tiny.mcgt"));
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 8; i++) lines.add("{\"id\": \"d" + i + "\", \"text\": \"" + TinyEncoder.words(20 + i, i) + "\"}");
        input = Files.write(shared.resolve("docs.jsonl"), lines);
    }

    private static Cli score(Path in, Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("score", "--model", model.toString(), "--input", in.toString(),
                "--output", out.toString()));
        args.addAll(List.of(extra));
        if (!args.contains("--progress-seconds")) args.addAll(List.of("--progress-seconds", "0"));
        if (!args.contains("--parallelism")) args.addAll(List.of("--parallelism", "1"));
        return Cli.run(args.toArray(String[]::new));
    }

    private static Set<String> ids(Path out) throws Exception {
        Set<String> ids = new HashSet<>();
        for (String l : RunSummary.readLines(out.resolve(DocumentScoringJob.SCORES))) {
            String id = LabelledCorpus.JSON.readTree(l).get("id").asText();
            assertThat(ids.add(id)).as("scored once: " + id).isTrue();
        }
        return ids;
    }

    @Test
    void twoRunsStartedTogetherIntoOneFolderNeverBothWrite() throws Exception {
        Path out = dir.resolve("out");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Cli>> runs = new ArrayList<>();
            for (int i = 0; i < 2; i++) runs.add(pool.submit(() -> {
                go.await();
                return score(input, out);
            }));
            go.countDown();
            Cli a = runs.get(0).get();
            Cli b = runs.get(1).get();
            Cli ok = a.code() == 0 ? a : b;
            Cli refused = a.code() == 0 ? b : a;
            assertThat(ok.code()).as(a.err() + b.err()).isZero();
            assertThat(refused.code()).as(refused.err()).isEqualTo(Main.EXIT_FAILURE);
            assertThat(refused.errLines()).hasSize(1);
            assertThat(refused.err()).containsAnyOf("is in use by another mcgt score run", "already holds results");
        } finally {
            pool.shutdownNow();
        }
        assertThat(ids(out)).hasSize(8);
        assertThat(RunSummary.read(out).documents()).isEqualTo(8);
    }

    @Test
    void aFolderClaimedByAnotherProcessIsRefusedAndFreedWhenThatProcessDies() throws Exception {
        Path out = dir.resolve("claimed");
        Process holder = ChildJvm.start(LockHolder.class, dir, out.toString());
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertThat(r.readLine()).isEqualTo("claimed");
            Cli refused = score(input, out);
            assertThat(refused.code()).isEqualTo(Main.EXIT_FAILURE);
            assertThat(refused.errLines()).containsExactly("mcgt: output " + out + " is in use by another mcgt score run "
                    + "(it holds " + out.resolve(OutputLock.FILE) + "); wait for it to finish or choose another folder");
            assertThat(out.resolve(DocumentScoringJob.SCORES)).doesNotExist();
        } finally {
            holder.destroyForcibly().waitFor();   // SIGKILL: the claim must not outlive the process
        }
        Cli after = score(input, out);
        assertThat(after.code()).as(after.err()).isZero();
        assertThat(ids(out)).hasSize(8);
    }

    @Test
    void mistakesAreOneHonestLineBeforeAnythingRuns() throws Exception {
        Path out = dir.resolve("o");
        Path bare = dir.resolve("bare.mcgt");
        ModelFile.write(TinyEncoder.bare(), bare);
        Cli noTokenizer = Cli.run("score", "--model", bare.toString(), "--input", input.toString(), "--output", out.toString());
        assertThat(noTokenizer.code()).as("refused before the job starts").isEqualTo(Main.EXIT_USAGE);
        assertThat(noTokenizer.err()).contains("has no tokenizer; import one with mcgt model import");

        Path folderModel = Files.createDirectories(dir.resolve("model-folder"));
        Cli folder = Cli.run("score", "--model", folderModel.toString(), "--input", input.toString(), "--output", out.toString());
        assertThat(folder.err()).contains("model path " + folderModel + " is a folder, not a model file");

        Path empty = Files.createDirectories(dir.resolve("empty"));
        Files.writeString(empty.resolve("README.md"), "no documents here");
        Cli none = score(empty, out);
        assertThat(none.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(none.err()).contains("no input files in folder " + empty);

        Path loop = Files.createDirectories(dir.resolve("looped/sub"));
        Files.copy(input, loop.resolve("docs.jsonl"));
        Files.createSymbolicLink(loop.resolve("back"), loop.getParent());
        Cli looped = score(loop.getParent(), out);
        assertThat(looped.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(looped.err()).contains("has a symbolic-link loop at " + loop.resolve("back"));

        Cli huge = score(input, out, "--parallelism", "100000");
        assertThat(huge.err()).contains("--parallelism must be in 1..32768");
        Cli tooMany = score(input, out, "--parallelism", "200");
        assertThat(tooMany.err()).contains("--parallelism 200 is more than the embedded Flink runs (at most 128");

        Path synthOut = Files.createDirectories(dir.resolve("model.mcgt"));
        Files.writeString(synthOut.resolve("keep.txt"), "mine");
        Cli synth = Cli.run("model", "synth", "--preset", "micro", "--out", synthOut.toString());
        Cli imp = Cli.run("model", "import", "--onnx", dir.resolve("none.onnx").toString(), "--out", synthOut.toString());
        for (Cli c : List.of(synth, imp)) {
            assertThat(c.code()).isEqualTo(Main.EXIT_USAGE);
            assertThat(c.err()).contains("--out " + synthOut + " is a folder; give the model file's name");
        }
        assertThat(synthOut.resolve("keep.txt")).hasContent("mine");

        for (Cli c : List.of(noTokenizer, folder, none, looped, huge, tooMany, synth, imp)) {
            assertThat(c.errLines()).as(c.err()).hasSize(1);
        }
        assertThat(out).doesNotExist();
    }

    @Test
    void anInputWithoutDocumentsWarnsAndExitsNonZero() throws Exception {
        Path blank = Files.writeString(dir.resolve("blank.jsonl"), "\n  \n");
        Cli r = score(blank, dir.resolve("out"), "--progress-seconds", "0.5");
        assertThat(r.code()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(r.out()).contains("mcgt score: 0 documents, 0 chunks, 0 rejects");
        assertThat(r.err()).contains("warning: the input held no documents");
    }

    @Test
    void aFailureInsideFlinkIsOneLineAndLeavesNoTemporaryFiles() throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Path notAFolder = Files.writeString(dir.resolve("plain-file"), "x");
        Path out = dir.resolve("out");
        ChildJvm r = ChildJvm.mcgt(tmp, "score", "--model", model.toString(), "--input", input.toString(), "--output",
                out.toString(), "--mode", "streaming", "--checkpoint-dir", notAFolder.toUri() + "/checkpoints",
                "--progress-seconds", "0", "--parallelism", "1");
        assertThat(r.code()).as(r.err()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(r.errLines()).as(r.err()).containsExactly("mcgt: the scoring job failed: Failed to create checkpoint "
                + "storage at checkpoint coordinator side: FileAlreadyExistsException: " + notAFolder);
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left).as("left in the temporary folder").isEmpty();
        }
    }
}
