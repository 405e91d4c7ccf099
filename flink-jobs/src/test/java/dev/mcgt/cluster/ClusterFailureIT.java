package dev.mcgt.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcgt.job.DocumentScoringJob;
import dev.mcgt.job.RunSummary;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TaskManager crash during a STREAMING run on the real standalone cluster ({@code scripts/cluster.sh}): the
 * job recovers from its last checkpoint and {@code scores/} ends with every input document exactly once.
 *
 * <p>Not part of the default test command: Maven profile {@code cluster}, run by {@code scripts/failure-test.sh}
 * (needs a build, the SpamAssassin corpus and models/minilm.mcgt, which the script provides). Uses its own ports
 * (18081, 16123) and cluster folder, so it does not touch a cluster started by hand.
 */
class ClusterFailureIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int DOCUMENTS = 120;
    private static final int REST_PORT = 18081;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    @TempDir Path dir;
    private Path clusterDir;

    private static Path root() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("scripts/cluster.sh"))) return p;
        }
        throw new AssertionError("no scripts/cluster.sh above " + Path.of("").toAbsolutePath());
    }

    /** Runs cluster.sh with this test's cluster folder and ports; returns its output; fails on a non-zero exit. */
    private String cluster(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", root().resolve("scripts/cluster.sh").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("MCGT_CLUSTER_DIR", clusterDir.toString());
        env.put("MCGT_REST_PORT", Integer.toString(REST_PORT));
        env.put("MCGT_RPC_PORT", "16123");
        env.put("MCGT_BUILD_DIR", System.getProperty("mcgt.buildDirName", "target"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.MINUTES)) p.destroyForcibly();
        System.out.println("cluster.sh " + String.join(" ", args) + ":\n" + out);
        assertThat(p.exitValue()).as("cluster.sh " + String.join(" ", args) + " output:\n" + out).isZero();
        return out;
    }

    private static JsonNode rest(String path) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + REST_PORT + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }

    @AfterEach
    void stopCluster() throws Exception {
        if (clusterDir != null) cluster("stop");
    }

    @Test
    void aKilledTaskManagerCostsNoDocumentAndDuplicatesNone() throws Exception {
        Path model = root().resolve("models/minilm.mcgt");
        Path corpus = root().resolve("data/spam-assassin.jsonl");
        assertThat(model).as("run scripts/failure-test.sh (it imports the model)").isRegularFile();
        assertThat(corpus).as("run scripts/failure-test.sh (it fetches the corpus)").isRegularFile();
        List<String> all = Files.readAllLines(corpus, StandardCharsets.UTF_8);
        List<String> sample = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < DOCUMENTS; i++) {
            String line = all.get(i * all.size() / DOCUMENTS);
            sample.add(line);
            ids.add(JSON.readTree(line).get("id").asText());
        }
        Path input = Files.write(dir.resolve("input.jsonl"), sample);
        Path output = dir.resolve("out");
        clusterDir = Files.createDirectories(dir.resolve("cluster"));
        cluster("start");

        String submitted = cluster("submit", "--detached", "--", "--model", model.toString(), "--input",
                input.toString(), "--output", output.toString(), "--mode", "streaming", "--checkpoint-interval", "2000",
                "--max-tokens", "256", "--parallelism", "2");
        Matcher m = Pattern.compile("JobID ([0-9a-f]{32})").matcher(submitted);
        assertThat(m.find()).as("job id in: " + submitted).isTrue();
        String job = m.group(1);

        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (rest("/jobs/" + job + "/checkpoints").path("counts").path("completed").asInt() < 1) {
            assertThat(System.nanoTime()).as("a first checkpoint").isLessThan(deadline);
            assertThat(rest("/jobs/" + job).path("state").asText()).as("job still running before the crash")
                    .isEqualTo("RUNNING");
            Thread.sleep(500);
        }
        cluster("kill-taskmanager", "2");
        cluster("start-taskmanager", "2");

        String state;
        deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (!(state = rest("/jobs/" + job).path("state").asText()).equals("FINISHED")) {
            assertThat(state).as("job state").isNotIn("FAILED", "CANCELED");
            assertThat(System.nanoTime()).as("job finished in time (state " + state + ")").isLessThan(deadline);
            Thread.sleep(1000);
        }
        JsonNode history = rest("/jobs/" + job + "/exceptions").path("exceptionHistory").path("entries");
        assertThat(history.size()).as("the crash was seen and recovered from").isPositive();

        List<String> lines = RunSummary.readLines(output.resolve(DocumentScoringJob.SCORES));
        Set<String> seen = new HashSet<>();
        for (String l : lines) assertThat(seen.add(JSON.readTree(l).get("id").asText())).as("once: " + l).isTrue();
        assertThat(seen).isEqualTo(ids);
        assertThat(RunSummary.readLines(output.resolve(DocumentScoringJob.REJECTS))).isEmpty();
    }
}
