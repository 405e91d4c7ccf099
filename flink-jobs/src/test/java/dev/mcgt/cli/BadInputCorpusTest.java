package dev.mcgt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcgt.config.GatePolicy;
import dev.mcgt.flink.functions.ModelSource;
import dev.mcgt.flink.functions.ScoringSettings;
import dev.mcgt.job.DocumentScoringJob;
import dev.mcgt.job.InputFields;
import dev.mcgt.job.JobSettings;
import dev.mcgt.job.RunSummary;
import dev.mcgt.testing.BadInputCorpus;
import dev.mcgt.testing.TinyEncoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bad-input corpus ({@link BadInputCorpus}) through {@code mcgt score} (a child JVM, as a user runs it),
 * {@code mcgt embed} and the Flink job itself in STREAMING mode: every good document scored exactly once, every bad
 * record rejected exactly once with its file, line and reason, the documented exit codes, nothing written outside
 * the output folder, nothing left in the temporary folder, nothing on stderr but mcgt's own lines.
 */
class BadInputCorpusTest {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @TempDir static Path work;
    static Path model;
    static Path corpus;
    static BadInputCorpus.Expected expected;
    static List<Path> inputFiles;

    @BeforeAll
    static void setUp() throws Exception {
        model = TinyEncoder.write(Files.createDirectories(work.resolve("model")).resolve("tiny.mcgt"));
        corpus = work.resolve("corpus");
        expected = BadInputCorpus.write(corpus);
        inputFiles = files(corpus);
    }

    private static List<Path> files(Path root) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    /** scores/ holds exactly the expected ids, each once; rejects/ exactly the expected records, each once. */
    private static void assertOutput(Path out, Set<String> good, List<BadInputCorpus.Bad> bad) throws Exception {
        List<String> seen = new ArrayList<>();
        for (String l : RunSummary.readLines(out.resolve(DocumentScoringJob.SCORES))) {
            seen.add(LabelledCorpus.JSON.readTree(l).get("id").asText());
        }
        assertThat(seen).as("every good document exactly once").containsExactlyInAnyOrderElementsOf(good);
        List<JsonNode> rejects = new ArrayList<>();
        for (String l : RunSummary.readLines(out.resolve(DocumentScoringJob.REJECTS))) rejects.add(LabelledCorpus.JSON.readTree(l));
        assertThat(rejects).as("one reject per bad record").hasSameSizeAs(bad);
        for (BadInputCorpus.Bad b : bad) {
            List<JsonNode> m = rejects.stream().filter(r -> r.get("origin").asText().equals(b.origin())
                    && r.get("reason").asText().contains(b.reason())).toList();
            assertThat(m).as("reject of %s (%s) among %s", b.origin(), b.reason(), rejects).hasSize(1);
        }
        for (JsonNode r : rejects) assertThat(r.get("reason").asText()).doesNotContain("\n").isNotBlank();
    }

    /** Nothing but the inputs (unchanged) and the output folder under the test's folder {@code top}. */
    private static void assertNothingOutside(Path top, Path out) throws Exception {
        assertThat(files(corpus)).isEqualTo(inputFiles);
        // the output folder is not walked: Flink may still be deleting old checkpoints in it after the job ended
        List<Path> strays = new ArrayList<>();
        Files.walkFileTree(top, new java.nio.file.SimpleFileVisitor<>() {
            @Override
            public java.nio.file.FileVisitResult preVisitDirectory(Path dir, java.nio.file.attribute.BasicFileAttributes a) {
                return dir.startsWith(out) || dir.startsWith(corpus) || dir.startsWith(model.getParent())
                        ? java.nio.file.FileVisitResult.SKIP_SUBTREE : java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult visitFile(Path f, java.nio.file.attribute.BasicFileAttributes a) {
                if (a.isRegularFile()) strays.add(f);
                return java.nio.file.FileVisitResult.CONTINUE;
            }
        });
        assertThat(strays).as("files written outside the output folder").isEmpty();
    }

    @Test
    void mcgtScoreScoresEveryGoodDocumentOnceAndRejectsEveryBadRecordOnce(@TempDir Path top) throws Exception {
        Path tmp = Files.createDirectories(top.resolve("tmp"));
        Path out = top.resolve("out");
        ChildJvm r = ChildJvm.mcgt(tmp, "score", "--model", model.toString(), "--input", corpus.toString(), "--output",
                out.toString(), "--max-record-mb", Integer.toString(BadInputCorpus.MAX_RECORD_MB), "--max-tokens", "48",
                "--parallelism", "2", "--progress-seconds", "0");
        assertThat(r.code()).as(r.err()).isEqualTo(ScoreCommand.EXIT_REJECTS);
        assertThat(r.err()).as("nothing on stderr but mcgt's own lines").isEmpty();
        assertThat(r.out()).contains("mcgt score: " + expected.scoreGood().size() + " documents, ")
                .contains(" " + expected.scoreBad().size() + " rejects in ");
        assertOutput(out, expected.scoreGood(), expected.scoreBad());
        assertNothingOutside(top, out);
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left).as("left in the temporary folder").isEmpty();
        }
    }

    @Test
    void theStreamingJobGivesTheSameOutcome(@TempDir Path top) throws Exception {
        Path out = top.resolve("out");
        ScoringSettings scoring = ScoringSettings.of(ModelSource.file(model.toString())).withPolicy(GatePolicy.defaults());
        JobSettings s = new JobSettings(corpus.toString(), out.toString(), true, scoring, InputFields.defaults(), 48, 0,
                (long) BadInputCorpus.MAX_RECORD_MB << 20, null, false, Duration.ofMillis(200), null);
        Configuration conf = new Configuration();
        conf.setString("pipeline.generic-types", "false");
        conf.setString("state.backend.type", "rocksdb");
        conf.setString("execution.checkpointing.dir", out.resolve("_checkpoints").toUri().toString());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        DocumentScoringJob.build(env, s);
        env.execute("bad-input corpus, streaming");
        assertOutput(out, expected.scoreGood(), expected.scoreBad());
        assertNothingOutside(top, out);
    }

    @Test
    void mcgtEmbedEmbedsEveryGoodDocumentOnceAndReportsEveryBadRecordOnce(@TempDir Path top) throws Exception {
        Path out = top.resolve("out");
        Files.createDirectories(out);
        Path emb = out.resolve("embeddings.jsonl");
        Cli r = Cli.run("embed", "--model", model.toString(), "--input", corpus.toString(), "--output", emb.toString(),
                "--max-record-mb", Integer.toString(BadInputCorpus.MAX_RECORD_MB), "--max-tokens", "48",
                "--progress-seconds", "0");
        assertThat(r.code()).as(r.err()).isEqualTo(Main.EXIT_FAILURE);
        List<String> ids = new ArrayList<>();
        for (String l : Files.readAllLines(emb)) ids.add(LabelledCorpus.JSON.readTree(l).get("id").asText());
        assertThat(ids).as("every good document exactly once").containsExactlyInAnyOrderElementsOf(expected.embedGood());
        String[] err = r.errLines();
        assertThat(err).hasSize(expected.embedBad().size() + 1);
        assertThat(err[err.length - 1]).startsWith("mcgt embed: " + expected.embedGood().size() + " documents embedded, "
                + expected.embedBad().size() + " lines rejected");
        Set<String> reported = new HashSet<>(List.of(err).subList(0, err.length - 1));
        for (BadInputCorpus.Bad b : expected.embedBad()) {
            String where = "mcgt: " + corpus.resolve(b.file()) + (b.line() > 0 ? " line " + b.line() : "") + ": ";
            List<String> m = reported.stream().filter(l -> l.startsWith(where) && l.contains(b.reason())).toList();
            assertThat(m).as("reported: %s (%s) among %s", where, b.reason(), reported).hasSize(1);
        }
        assertNothingOutside(top, out);
    }
}
