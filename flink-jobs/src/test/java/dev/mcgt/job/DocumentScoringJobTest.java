package dev.mcgt.job;

import static dev.mcgt.job.JobFixtures.JSON;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcgt.scoring.DocumentResult;
import dev.mcgt.scoring.DocumentScorer;
import dev.mcgt.scoring.Prediction;
import dev.mcgt.scoring.Prototypes;
import dev.mcgt.testing.TinyEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole job on a MiniCluster: every good document scored exactly as the core's {@link DocumentScorer} scores
 * it, every bad record in {@code rejects/} with its reason, telemetry consistent with the scores, the same
 * scores in BATCH and STREAMING mode and at parallelism 1 and 2, folders of {@code .json}/{@code .txt} files.
 */
class DocumentScoringJobTest {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    static final Path model = TinyEncoder.file();

    @TempDir Path dir;

    private static JobProgress run(JobSettings s, int parallelism) throws Exception {
        Configuration conf = new Configuration();
        conf.setString("pipeline.generic-types", "false");
        if (s.streaming()) {
            conf.setString("state.backend.type", "rocksdb");
            conf.setString("execution.checkpointing.incremental", "true");
            conf.setString("execution.checkpointing.dir", Path.of(s.output()).resolve("_checkpoints").toUri().toString());
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(parallelism);
        DocumentScoringJob.build(env, s);
        return JobProgress.of(env.execute("test " + (s.streaming() ? "streaming" : "batch") + " p" + parallelism)
                .getAllAccumulatorResults());
    }

    /** scores/ lines by id. */
    private static Map<String, String> scores(Path out) throws Exception {
        Map<String, String> byId = new TreeMap<>();
        for (String l : RunSummary.readLines(out.resolve(DocumentScoringJob.SCORES))) {
            String id = JSON.readTree(l).get("id").asText();
            assertThat(byId.put(id, l)).as("document %s written once", id).isNull();
        }
        return byId;
    }

    @Test
    void aGatingProfileWithALensAndTheNoneSkipRuleScoresLikeTheCoreAtAnyParallelism() throws Exception {
        var fp = dev.mcgt.model.ModelFile.load(model).fingerprint();
        java.util.SplittableRandom r = new java.util.SplittableRandom(4);
        List<float[]> from = new java.util.ArrayList<>();
        List<float[]> to = new java.util.ArrayList<>();
        for (int n = 0; n < 80; n++) {
            float[] x = new float[32];
            float[] y = new float[32];
            for (int j = 0; j < 32; j++) {
                x[j] = (float) r.nextGaussian();
                y[j] = x[j] * 0.5f + (float) r.nextGaussian() * 0.1f;
            }
            from.add(x);
            to.add(y);
        }
        dev.mcgt.config.GatePolicy permissive = new dev.mcgt.config.GatePolicy(0, 4000, 3, 32767, 0xFFFF, 32767, 6000, true,
                false);
        List<dev.mcgt.scoring.GatingProfile> profiles = List.of(
                dev.mcgt.scoring.GatingProfile.of(permissive).withTruncated(new dev.mcgt.runtime.TruncatedTier(1, 16))
                        .withLens(dev.mcgt.scoring.TunedLens.fit(fp, "truncated", from, to, 0.5))
                        .withSkipRule(dev.mcgt.scoring.SkipRule.NONE),
                dev.mcgt.scoring.GatingProfile.of(permissive).withPruning(new dev.mcgt.runtime.TokenPruning(1, 5)),
                // merging with proportional attention and key similarity, a lens toward the identity reading sketches
                dev.mcgt.scoring.GatingProfile.of(permissive).withPruning(new dev.mcgt.runtime.TokenPruning(1, List.of(5), true,
                                dev.mcgt.runtime.TokenPruning.MergeMetric.KEYS))
                        .withLens(dev.mcgt.scoring.TunedLens.fit(fp, "pruned", from, to, to, 0.5,
                                dev.mcgt.scoring.TunedLens.Prior.IDENTITY)));
        Path in = JobFixtures.writeInput(dir.resolve("docs.jsonl"));
        for (int k = 0; k < profiles.size(); k++) {
            Map<String, String> first = null;
            for (int parallelism : new int[] {1, 2}) {
                Path out = dir.resolve("out-" + k + "-" + parallelism);
                run(JobFixtures.settings(model, in, out, false, true, profiles.get(k)), parallelism);
                Map<String, String> scores = scores(out);
                if (first == null) first = scores;
                else assertThat(scores).isEqualTo(first);
            }
            DocumentScorer core = JobFixtures.coreScorer(model, profiles.get(k));
            long tier1 = 0;
            long skipped = 0;
            for (String line : JobFixtures.goodLines()) {
                JsonNode in1 = JSON.readTree(line);
                String id = in1.get("id").asText();
                DocumentResult expected = core.scoreDocument(id, in1.get("text").asText());
                tier1 += expected.tierCount(1);
                skipped += expected.tierCount(3);
                JsonNode got = JSON.readTree(first.get(id));
                assertThat(got.get("macs").asLong()).as(id).isEqualTo(expected.macs());
                float[] emb = new float[expected.embedding().length];
                for (int j = 0; j < emb.length; j++) emb[j] = got.get("embedding").get(j).floatValue();
                assertThat(emb).as(id + " embedding, bit for bit").containsExactly(expected.embedding());
            }
            assertThat(tier1).as("profile %d runs tier 1", k).isPositive();
            assertThat(skipped).as("profile %d skips", k).isPositive();
        }
    }

    @Test
    void batchScoresEveryGoodDocumentLikeTheCoreAndRejectsEveryBadRecord() throws Exception {
        Path in = JobFixtures.writeInput(dir.resolve("docs.jsonl"));
        Path out = dir.resolve("out");
        JobProgress progress = run(JobFixtures.settings(model, in, out, false, true), 2);

        Map<String, String> scores = scores(out);
        assertThat(scores.keySet()).containsExactlyInAnyOrderElementsOf(JobFixtures.goodIds());
        assertThat(progress.documents()).as("documents written, from the accumulators").isEqualTo(scores.size());
        assertThat(progress.documentsScored()).as("document ends scored").isEqualTo(scores.size());
        DocumentScorer core = JobFixtures.coreScorer(model);
        List<String> lines = JobFixtures.goodLines();
        long transitions = 0;
        long chunks = 0;
        for (int i = 0; i < lines.size(); i++) {
            JsonNode in1 = JSON.readTree(lines.get(i));
            String id = in1.get("id").asText();
            DocumentResult expected = core.scoreDocument(id, in1.get("text").asText());
            JsonNode got = JSON.readTree(scores.get(id));
            assertThat(got.get("chunks").asInt()).as(id).isEqualTo(expected.chunks());
            assertThat(got.get("tokens").asInt()).as(id).isEqualTo(expected.tokens());
            assertThat(got.path("droppedTokens").asInt()).as(id).isEqualTo(expected.droppedTokens());
            for (int t = 0; t < 4; t++) {
                assertThat(got.get("tiers").get(Integer.toString(t)).asInt()).as(id + " tier " + t)
                        .isEqualTo(expected.tierCount(t));
            }
            assertThat(got.get("cacheHits").asInt()).as(id).isEqualTo(expected.cacheHits());
            assertThat(got.get("macs").asLong()).as(id).isEqualTo(expected.macs());
            assertThat(got.get("ungatedMacs").asLong()).as(id).isEqualTo(expected.ungatedMacs());
            assertThat(got.get("lambda").get("min").asLong()).as(id).isEqualTo(expected.lambdaMin());
            assertThat(got.get("lambda").get("max").asLong()).as(id).isEqualTo(expected.lambdaMax());
            float[] emb = new float[expected.embedding().length];
            JsonNode a = got.get("embedding");
            assertThat(a.size()).isEqualTo(emb.length);
            for (int k = 0; k < emb.length; k++) emb[k] = a.get(k).floatValue();
            assertThat(emb).as(id + " embedding, bit for bit").containsExactly(expected.embedding());
            if (in1.has("label")) assertThat(got.get("label").asText()).isEqualTo(in1.get("label").asText());
            else assertThat(got.has("label")).isFalse();
            chunks += expected.chunks();
            transitions += expected.chunkResults().stream().filter(r -> r.tierChanged()).count();
        }

        List<String> rejects = RunSummary.readLines(out.resolve(DocumentScoringJob.REJECTS));
        assertThat(rejects).hasSize(JobFixtures.expectedRejects());
        String all = String.join("\n", rejects);
        for (String[] bad : JobFixtures.badLines()) assertThat(all).contains(bad[1]);
        assertThat(all).contains("\"origin\":\"docs.jsonl:22\",\"id\":null,\"reason\":\"invalid UTF-8 at byte 27\"");
        for (String r : rejects) {
            JsonNode n = JSON.readTree(r);
            assertThat(n.get("origin").asText()).startsWith("docs.jsonl:");
            assertThat(n.get("reason").asText()).isNotBlank();
        }

        assertThat(RunSummary.readLines(out.resolve(DocumentScoringJob.ENERGY))).hasSize((int) chunks);
        assertThat(progress.chunks()).as("chunks scored, from the accumulators").isEqualTo(chunks);
        assertThat(progress.chunkTimes().values().stream().mapToLong(Integer::longValue).sum()).isEqualTo(chunks);
        assertThat(progress.firstChunkMillis()).isNotNegative();
        assertThat(RunSummary.readLines(out.resolve(DocumentScoringJob.TRANSITIONS))).hasSize((int) transitions);
        assertThat(RunSummary.readLines(out.resolve(DocumentScoringJob.UPGRADES))).isEmpty();
        // an id with path characters is data, never a path: nothing outside the output folder's own layout
        try (Stream<Path> files = Files.walk(dir)) {
            assertThat(files.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString().split("/")[0]).distinct())
                    .containsExactlyInAnyOrder("docs.jsonl", "out");
        }
        try (Stream<Path> top = Files.list(out)) {
            assertThat(top.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("scores", "telemetry", "rejects");
        }
        RunSummary summary = RunSummary.read(out);
        assertThat(summary.documents()).isEqualTo(JobFixtures.goodIds().size());
        assertThat(summary.rejects()).isEqualTo(JobFixtures.expectedRejects());
        assertThat(summary.chunks()).isEqualTo(chunks);
    }

    @Test
    void streamingGivesTheSameScoresAsBatchAtEveryParallelism() throws Exception {
        Path in = JobFixtures.writeInput(dir.resolve("docs.jsonl"));
        Path batch = dir.resolve("batch");
        run(JobFixtures.settings(model, in, batch, false, true), 1);
        Path streaming = dir.resolve("streaming");
        run(JobFixtures.settings(model, in, streaming, true, true), 2);
        Map<String, String> b = scores(batch);
        assertThat(b).hasSize(JobFixtures.goodIds().size());
        assertThat(scores(streaming)).isEqualTo(b);
        assertThat(sorted(RunSummary.readLines(streaming.resolve(DocumentScoringJob.REJECTS))))
                .isEqualTo(sorted(RunSummary.readLines(batch.resolve(DocumentScoringJob.REJECTS))));
        assertThat(sorted(RunSummary.readLines(streaming.resolve(DocumentScoringJob.TRANSITIONS))))
                .isEqualTo(sorted(RunSummary.readLines(batch.resolve(DocumentScoringJob.TRANSITIONS))));
    }

    @Test
    void foldersOfJsonAndTextFilesAndA20MegabyteDocument() throws Exception {
        Path root = dir.resolve("corpus");
        Files.createDirectories(root.resolve("group-a"));
        Files.createDirectories(root.resolve("group-b"));
        Files.writeString(root.resolve("group-a/1.json"),
                "{\"id\": \"a1\", \"group\": \"spam-1\", \"text\": \"" + TinyEncoder.words(30, 1) + "\"}");
        Files.writeString(root.resolve("group-a/2.json"), "{\"id\": \"a2\", \"text\": ");   // truncated
        Files.writeString(root.resolve("group-b/note.txt"), TinyEncoder.words(25, 3));
        Files.writeString(root.resolve("group-b/empty.txt"), "  \n");
        Files.writeString(root.resolve("LICENSE"), "not an input file");
        Files.writeString(root.resolve(".hidden.json"), "{}");
        StringBuilder big = new StringBuilder(21 << 20);
        while (big.length() < 20 << 20) big.append(TinyEncoder.words(600, big.length() % 7));
        Files.writeString(root.resolve("big.jsonl"), JobFixtures.doc("big", big.toString(), null) + "\n"
                + JobFixtures.doc("small", TinyEncoder.words(8, 4), null) + "\n", StandardCharsets.UTF_8);
        Path out = dir.resolve("out");
        JobSettings s = JobFixtures.settings(model, root, out, false, false);
        run(new JobSettings(s.input(), s.output(), false, s.scoring(), new InputFields("id", "text", "group"),
                s.maxTokens(), 0, 21L << 20, null, false, s.checkpointInterval(), null), 2);

        Map<String, String> scores = scores(out);
        assertThat(scores.keySet()).containsExactlyInAnyOrder("a1", "group-b/note.txt", "big", "small");
        assertThat(JSON.readTree(scores.get("a1")).get("label").asText()).isEqualTo("spam-1");
        JsonNode bigScore = JSON.readTree(scores.get("big"));
        assertThat(bigScore.get("tokens").asInt()).isEqualTo(JobFixtures.MAX_TOKENS);
        assertThat(bigScore.get("droppedTokens").asLong()).isGreaterThan(3_000_000L);
        assertThat(bigScore.has("embedding")).isFalse();
        List<String> rejects = RunSummary.readLines(out.resolve(DocumentScoringJob.REJECTS));
        assertThat(rejects).hasSize(2);
        assertThat(String.join("\n", rejects)).contains("group-a/2.json").contains("malformed JSON")
                .contains("group-b/empty.txt").contains("text is empty");
    }

    @Test
    void aRecordOverTheSizeLimitIsRejectedWithoutBeingRead() throws Exception {
        Path in = dir.resolve("docs.jsonl");
        Files.writeString(in, JobFixtures.doc("long", TinyEncoder.words(400, 1), null) + "\n"
                + JobFixtures.doc("short", TinyEncoder.words(10, 1), null) + "\n");
        Path out = dir.resolve("out");
        JobSettings s = JobFixtures.settings(model, in, out, false, false);
        run(new JobSettings(s.input(), s.output(), false, s.scoring(), s.fields(), s.maxTokens(), 0, 1000, null, false,
                s.checkpointInterval(), null), 1);
        assertThat(scores(out).keySet()).containsExactly("short");
        List<String> rejects = RunSummary.readLines(out.resolve(DocumentScoringJob.REJECTS));
        assertThat(rejects).hasSize(1);
        assertThat(rejects.get(0)).contains("docs.jsonl:1").contains("over the limit of 1000 bytes");
    }

    @Test
    void aPrototypesHeadAddsTheCoresPredictionToEveryDocument() throws Exception {
        Path in = JobFixtures.writeInput(dir.resolve("docs.jsonl"));
        DocumentScorer core = JobFixtures.coreScorer(model);
        List<String> labels = new ArrayList<>();
        List<float[]> embeddings = new ArrayList<>();
        Map<String, float[]> byId = new TreeMap<>();
        for (String line : JobFixtures.goodLines()) {
            JsonNode d = JSON.readTree(line);
            float[] e = core.scoreDocument(d.get("id").asText(), d.get("text").asText()).embedding();
            byId.put(d.get("id").asText(), e);
            if (d.has("label")) {
                labels.add(d.get("label").asText());
                embeddings.add(e);
            }
        }
        Prototypes head = Prototypes.fit(core.fingerprint(), labels, embeddings);
        Path out = dir.resolve("out");
        JobSettings s = JobFixtures.settings(model, in, out, false, false);
        run(new JobSettings(s.input(), s.output(), false, s.scoring(), s.fields(), s.maxTokens(), 0, s.maxRecordBytes(),
                head.toJson(), false, s.checkpointInterval(), null), 2);
        Map<String, String> scores = scores(out);
        assertThat(scores).hasSize(byId.size());
        for (var e : byId.entrySet()) {
            JsonNode got = JSON.readTree(scores.get(e.getKey()));
            Prediction p = head.predict(e.getValue());
            assertThat(got.get("predicted").asText()).as(e.getKey()).isEqualTo(p.label());
            assertThat(got.get("score").asDouble()).as(e.getKey()).isCloseTo(p.score(), org.assertj.core.data.Offset.offset(1e-6));
            for (String label : head.labels()) {
                assertThat(got.get("similarities").get(label).asDouble())
                        .isCloseTo(p.similarities().get(label), org.assertj.core.data.Offset.offset(1e-6));
            }
        }
    }

    private static List<String> sorted(List<String> l) {
        List<String> c = new ArrayList<>(l);
        c.sort(null);
        return c;
    }
}
