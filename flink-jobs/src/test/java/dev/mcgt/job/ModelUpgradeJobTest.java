package dev.mcgt.job;

import static dev.mcgt.job.JobFixtures.JSON;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcgt.flink.functions.ModelSource;
import dev.mcgt.model.ModelFile;
import dev.mcgt.testing.TinyEncoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model upgrade through a savepoint, in STREAMING mode with a watched input folder: documents that are open at
 * the savepoint (their first part said {@code "more": true}) finish under the new model — their KV caches are
 * dropped, their λ history and counters are kept — and no document is lost or written twice.
 */
class ModelUpgradeJobTest {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @TempDir Path dir;

    private static String part(String id, int words, int shift, boolean more) {
        return "{\"id\": \"" + id + "\", \"text\": \"" + TinyEncoder.words(words, shift) + "\"" + (more ? ", \"more\": true" : "")
                + "}";
    }

    private static Configuration conf(Path out, String restoreFrom) {
        Configuration c = new Configuration();
        c.setString("pipeline.generic-types", "false");
        c.setString("state.backend.type", "rocksdb");
        c.setString("execution.checkpointing.incremental", "true");
        c.setString("execution.checkpointing.dir", out.resolve("_checkpoints").toUri().toString());
        if (restoreFrom != null) c.setString("execution.state-recovery.path", restoreFrom);
        return c;
    }

    private static JobClient start(JobSettings s, Configuration conf, String name) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        DocumentScoringJob.build(env, s);
        return env.executeAsync(name);
    }

    private static void await(Callable<Boolean> done, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!done.call()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(100);
        }
    }

    private static Map<String, JsonNode> scores(Path out) throws Exception {
        Map<String, JsonNode> byId = new HashMap<>();
        for (String l : RunSummary.readLines(out.resolve(DocumentScoringJob.SCORES))) {
            JsonNode n = JSON.readTree(l);
            assertThat(byId.put(n.get("id").asText(), n)).as("written once: " + l).isNull();
        }
        return byId;
    }

    @Test
    void openDocumentsFinishUnderTheNewModelWithHistoryKeptAndNothingLostOrDuplicated() throws Exception {
        Path modelA = TinyEncoder.write(dir.resolve("a.mcgt"), 5);
        Path modelB = TinyEncoder.write(dir.resolve("b.mcgt"), 6);
        String fpA = ModelFile.info(modelA).fingerprint();
        String fpB = ModelFile.info(modelB).fingerprint();
        Path in = Files.createDirectories(dir.resolve("in"));
        Path out = dir.resolve("out");
        List<String> first = new ArrayList<>();
        for (int i = 0; i < 4; i++) first.add(part("open-" + i, 30, i, true));
        first.add(part("whole-0", 20, 7, false));
        first.add(part("whole-1", 25, 8, false));
        Files.write(in.resolve("part-1.jsonl"), first);

        JobSettings a = new JobSettings(in.toString(), out.toString(), true,
                dev.mcgt.flink.functions.ScoringSettings.of(ModelSource.file(modelA.toString())), InputFields.defaults(),
                0, 0, 1L << 20, null, false, Duration.ofMillis(200), Duration.ofMillis(100));
        JobClient jobA = start(a, conf(out, null), "model A");
        await(() -> scores(out).keySet().containsAll(List.of("whole-0", "whole-1")), "model A's complete documents");
        String savepoint = jobA.stopWithSavepoint(false, dir.resolve("savepoints").toUri().toString(),
                SavepointFormatType.CANONICAL).get();
        assertThat(scores(out).keySet()).containsExactlyInAnyOrder("whole-0", "whole-1");

        List<String> second = new ArrayList<>();
        for (int i = 0; i < 4; i++) second.add(part("open-" + i, 18, i + 3, false));
        second.add(part("whole-2", 22, 9, false));
        second.add(part("whole-0", 5, 1, false));   // a duplicate of a document finished before the savepoint
        Files.write(in.resolve("part-2.jsonl"), second);
        JobSettings b = a.withScoring(dev.mcgt.flink.functions.ScoringSettings.of(ModelSource.file(modelB.toString())));
        JobClient jobB = start(b, conf(out, savepoint), "model B");
        await(() -> scores(out).size() == 7 && RunSummary.readLines(out.resolve(DocumentScoringJob.REJECTS)).size() == 1,
                "model B's documents and the duplicate's reject");
        jobB.stopWithSavepoint(false, dir.resolve("savepoints").toUri().toString(), SavepointFormatType.CANONICAL).get();

        Map<String, JsonNode> scores = scores(out);
        assertThat(scores.keySet()).containsExactlyInAnyOrder("open-0", "open-1", "open-2", "open-3", "whole-0",
                "whole-1", "whole-2");
        for (int i = 0; i < 4; i++) {
            JsonNode s = scores.get("open-" + i);
            assertThat(s.path("modelUpgraded").asBoolean()).as("open-" + i).isTrue();
            assertThat(s.get("tokens").asInt()).as("both parts scored").isGreaterThan(40);
        }
        for (String id : List.of("whole-0", "whole-1", "whole-2")) assertThat(scores.get(id).has("modelUpgraded")).isFalse();
        Map<String, Long> lambdaOf = new HashMap<>();
        for (String l : RunSummary.readLines(out.resolve(DocumentScoringJob.ENERGY))) {
            JsonNode e = JSON.readTree(l);
            lambdaOf.put(e.get("docId").asText() + "#" + e.get("chunkIndex").asLong(), e.get("lambda").asLong());
        }
        List<String> upgrades = RunSummary.readLines(out.resolve(DocumentScoringJob.UPGRADES));
        assertThat(upgrades).hasSize(4);
        for (String l : upgrades) {
            JsonNode u = JSON.readTree(l);
            assertThat(u.get("docId").asText()).startsWith("open-");
            assertThat(u.get("oldFingerprint").asText()).isEqualTo(fpA);
            assertThat(u.get("newFingerprint").asText()).isEqualTo(fpB);
            assertThat(u.get("chunksBefore").asLong()).as("the stream's counter survived").isPositive();
            assertThat(u.get("lambdaPrev").asLong()).as("the λ history survived: λprev is model A's last λ")
                    .isEqualTo(lambdaOf.get(u.get("docId").asText() + "#" + (u.get("chunkIndex").asLong() - 1)));
            assertThat(u.get("chunkIndex").asLong()).isEqualTo(u.get("chunksBefore").asLong());
        }
        List<String> rejects = RunSummary.readLines(out.resolve(DocumentScoringJob.REJECTS));
        assertThat(rejects.get(0)).contains("duplicate id").contains("part-1.jsonl");
    }
}
