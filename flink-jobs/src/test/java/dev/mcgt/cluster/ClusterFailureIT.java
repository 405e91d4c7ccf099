package dev.mcgt.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcgt.job.DocumentScoringJob;
import dev.mcgt.job.RunSummary;
import java.io.IOException;
import java.io.OutputStream;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults on the real standalone cluster ({@code scripts/cluster.sh}) during STREAMING runs of the scoring job, each
 * ending with every input document exactly once in {@code scores/}, or with a clear failure that a rerun
 * completes:
 * <ul>
 *   <li>a TaskManager killed twice in one run (the second time after the job recovered and checkpointed again):
 *       Flink restarts the job from its last checkpoint each time, by itself;</li>
 *   <li>the JobManager killed and started again: without HA the job is lost with it, and resubmitting it with
 *       {@code -s} and the newest retained checkpoint ({@code cluster.sh latest-checkpoint}) continues it;</li>
 *   <li>the output's disk full (a small tmpfs that {@code scripts/failure-test.sh} mounts): the job fails after its
 *       restart attempts with "No space left on device" as the cause, and once space is free the resumed run
 *       completes; {@code mcgt score} on the same full disk says "disk full" in one line and a rerun with
 *       {@code --overwrite} completes.</li>
 * </ul>
 *
 * <p>Not part of the default test command: Maven profile {@code cluster}, run by {@code scripts/failure-test.sh}
 * (needs a build, the SpamAssassin corpus and models/minilm.mcgt, which the script provides, and root for the
 * tmpfs). One cluster on its own ports (18081, 16123) and folder serves all tests, so a cluster started by hand is
 * never touched.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterFailureIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int REST_PORT = 18081;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    private Path clusterDir;
    private Path model;
    private List<String> corpus;

    private static Path root() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("scripts/cluster.sh"))) return p;
        }
        throw new AssertionError("no scripts/cluster.sh above " + Path.of("").toAbsolutePath());
    }

    /** Runs a script of the checkout with this test's cluster folder and ports; returns its exit code and output. */
    private Run script(String script, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", root().resolve("scripts/" + script).toString()));
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
        System.out.println(script + " " + String.join(" ", args) + " (exit " + p.exitValue() + "):\n" + out);
        return new Run(p.exitValue(), out);
    }

    private record Run(int code, String out) { }

    /** cluster.sh ARGS, which must succeed; its output. */
    private String cluster(String... args) throws Exception {
        Run r = script("cluster.sh", args);
        assertThat(r.code()).as("cluster.sh " + String.join(" ", args) + " output:\n" + r.out()).isZero();
        return r.out();
    }

    private static JsonNode rest(String path) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + REST_PORT + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }

    @BeforeAll
    void startCluster(@TempDir Path shared) throws Exception {
        model = root().resolve("models/minilm.mcgt");
        Path data = root().resolve("data/spam-assassin.jsonl");
        assertThat(model).as("run scripts/failure-test.sh (it imports the model)").isRegularFile();
        assertThat(data).as("run scripts/failure-test.sh (it fetches the corpus)").isRegularFile();
        corpus = Files.readAllLines(data, StandardCharsets.UTF_8);
        clusterDir = Files.createDirectories(shared.resolve("cluster"));
        cluster("start");
    }

    @AfterAll
    void stopCluster() throws Exception {
        if (clusterDir != null) cluster("stop");
    }

    /** {@code n} e-mails spread over the corpus (both classes, all groups), written to {@code file}; their ids. */
    private Set<String> sample(int n, Path file) throws Exception {
        List<String> lines = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < n; i++) {
            String line = corpus.get((int) ((long) i * corpus.size() / n));
            lines.add(line);
            ids.add(JSON.readTree(line).get("id").asText());
        }
        Files.write(file, lines);
        return ids;
    }

    private static List<String> jobOptions(Path input, Path output, String... more) {
        List<String> o = new ArrayList<>(List.of("--model", root().resolve("models/minilm.mcgt").toString(), "--input",
                input.toString(), "--output", output.toString(), "--mode", "streaming", "--checkpoint-interval", "2000",
                "--max-tokens", "128", "--parallelism", "2"));
        o.addAll(List.of(more));
        return o;
    }

    /** Submits detached (from {@code checkpoint} when not null); the job id. */
    private String submit(String checkpoint, List<String> options) throws Exception {
        List<String> args = new ArrayList<>(List.of("submit", "--detached"));
        if (checkpoint != null) args.addAll(List.of("-s", checkpoint));
        args.add("--");
        args.addAll(options);
        String out = cluster(args.toArray(String[]::new));
        Matcher m = Pattern.compile("JobID ([0-9a-f]{32})").matcher(out);
        assertThat(m.find()).as("job id in: " + out).isTrue();
        return m.group(1);
    }

    private static String state(String job) throws Exception {
        return rest("/jobs/" + job).path("state").asText();
    }

    private static int completedCheckpoints(String job) throws Exception {
        return rest("/jobs/" + job + "/checkpoints").path("counts").path("completed").asInt();
    }

    /** Waits until the job has completed more than {@code count} checkpoints while running; fails if it ended. */
    private static void awaitCheckpointsAbove(String job, int count, String why) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(6);
        while (true) {
            String s = state(job);
            assertThat(s).as(why + ": the job must still be running (use more documents if it finished)")
                    .isIn("RUNNING", "RESTARTING", "INITIALIZING", "CREATED");
            if (s.equals("RUNNING") && completedCheckpoints(job) > count) return;
            assertThat(System.nanoTime()).as(why + ": in time").isLessThan(deadline);
            Thread.sleep(500);
        }
    }

    /** Waits for one of {@code states}; returns it. */
    private static String awaitState(String job, long minutes, String... states) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(minutes);
        String s;
        while (!List.of(states).contains(s = state(job))) {
            assertThat(s).as("job state").isNotIn("FAILED", "CANCELED", "FINISHED");
            assertThat(System.nanoTime()).as("job reached " + List.of(states) + " in time (state " + s + ")")
                    .isLessThan(deadline);
            Thread.sleep(1000);
        }
        return s;
    }

    /** scores/ holds each of {@code ids} exactly once and nothing else; nothing was rejected. */
    private static void assertExactlyOnce(Path output, Set<String> ids) throws IOException {
        List<String> lines = RunSummary.readLines(output.resolve(DocumentScoringJob.SCORES));
        Set<String> seen = new HashSet<>();
        for (String l : lines) assertThat(seen.add(JSON.readTree(l).get("id").asText())).as("once: " + l).isTrue();
        assertThat(seen).isEqualTo(ids);
        assertThat(RunSummary.readLines(output.resolve(DocumentScoringJob.REJECTS))).isEmpty();
    }

    private static void time(String what, long start) {
        System.out.printf("ClusterFailureIT: %s took %.0f s%n", what, (System.nanoTime() - start) / 1e9);
    }

    @Test
    @Order(1)
    void aTaskManagerKilledTwiceInOneRunCostsNoDocumentAndDuplicatesNone(@TempDir Path dir) throws Exception {
        long start = System.nanoTime();
        Set<String> ids = sample(600, dir.resolve("input.jsonl"));
        Path output = dir.resolve("out");
        String job = submit(null, jobOptions(dir.resolve("input.jsonl"), output));

        awaitCheckpointsAbove(job, 0, "a first checkpoint");
        cluster("kill-taskmanager", "2");
        int before = completedCheckpoints(job);
        cluster("start-taskmanager", "2");
        awaitCheckpointsAbove(job, before, "recovered from the first crash and checkpointed again");
        cluster("kill-taskmanager", "1");
        cluster("start-taskmanager", "1");

        awaitState(job, 15, "FINISHED");
        JsonNode history = rest("/jobs/" + job + "/exceptions").path("exceptionHistory").path("entries");
        assertThat(history.size()).as("both crashes were seen and recovered from").isGreaterThanOrEqualTo(2);
        assertExactlyOnce(output, ids);
        time("two TaskManager crashes", start);
    }

    @Test
    @Order(2)
    void aLostJobManagerIsResumedFromTheNewestRetainedCheckpoint(@TempDir Path dir) throws Exception {
        long start = System.nanoTime();
        Set<String> ids = sample(600, dir.resolve("input.jsonl"));
        Path output = dir.resolve("out");
        List<String> options = jobOptions(dir.resolve("input.jsonl"), output);
        String job = submit(null, options);
        awaitCheckpointsAbove(job, 1, "two checkpoints before the crash");

        cluster("kill-jobmanager");
        cluster("start-jobmanager");
        JsonNode jobs = rest("/jobs").path("jobs");
        assertThat(jobs.toString()).as("without HA the restarted JobManager does not know the job").doesNotContain(job);
        String checkpoint = cluster("latest-checkpoint", output.resolve("_checkpoints").toString()).trim();
        assertThat(checkpoint).contains(job).matches(".*/chk-[0-9]+$");

        String resumed = submit(checkpoint, options);
        awaitState(resumed, 15, "FINISHED");
        assertExactlyOnce(output, ids);
        time("JobManager crash and resume from " + checkpoint.substring(checkpoint.indexOf(job)), start);
    }

    @Test
    @Order(3)
    void aFullOutputDiskFailsTheJobClearlyAndTheResumedRunCompletes(@TempDir Path dir) throws Exception {
        String disk = System.getProperty("mcgt.fullDisk", "");
        assumeTrue(!disk.isBlank() && !disk.startsWith("${"), "needs -Dmcgt.fullDisk=TMPFS (scripts/failure-test.sh)");
        long start = System.nanoTime();
        Path full = Path.of(disk);
        Set<String> ids = sample(120, dir.resolve("input.jsonl"));
        Path output = full.resolve("cluster-out");
        Path checkpoints = dir.resolve("checkpoints");
        List<String> options = jobOptions(dir.resolve("input.jsonl"), output, "--checkpoint-dir",
                checkpoints.toUri().toString());
        Path filler = fill(full, 96 << 10);
        String job = submit(null, options);

        String end = awaitEnd(job);
        assertThat(end).as("the job cannot finish on a full disk").isEqualTo("FAILED");
        String cause = rest("/jobs/" + job + "/exceptions").toString();
        assertThat(cause).as("the failure names its cause").contains("No space left on device");
        Files.delete(filler);

        String resumeFrom = null;
        Run latest = script("cluster.sh", "latest-checkpoint", checkpoints.toString());
        if (latest.code() == 0) resumeFrom = latest.out().trim();
        Path rerunOutput = output;
        if (resumeFrom == null) {
            // no checkpoint completed before the disk filled: a fresh run into a fresh folder is the rerun
            rerunOutput = full.resolve("cluster-out-rerun");
            options = jobOptions(dir.resolve("input.jsonl"), rerunOutput, "--checkpoint-dir", checkpoints.toUri().toString());
        }
        System.out.println("ClusterFailureIT: rerun " + (resumeFrom == null ? "from scratch" : "from " + resumeFrom));
        String rerun = submit(resumeFrom, options);
        awaitState(rerun, 15, "FINISHED");
        assertExactlyOnce(rerunOutput, ids);
        time("disk full on the output and the rerun" + (resumeFrom == null ? " from scratch" : " from the checkpoint"), start);
    }

    @Test
    @Order(4)
    void mcgtScoreOnAFullDiskSaysSoInOneLineAndARerunCompletes(@TempDir Path dir) throws Exception {
        String disk = System.getProperty("mcgt.fullDisk", "");
        assumeTrue(!disk.isBlank() && !disk.startsWith("${"), "needs -Dmcgt.fullDisk=TMPFS (scripts/failure-test.sh)");
        long start = System.nanoTime();
        Path full = Path.of(disk);
        Set<String> ids = sample(40, dir.resolve("input.jsonl"));
        Path output = full.resolve("score-out");
        Path filler = fill(full, 24 << 10);
        String[] args = {"score", "--model", model.toString(), "--input", dir.resolve("input.jsonl").toString(),
            "--output", output.toString(), "--max-tokens", "128", "--progress-seconds", "0"};
        Run failed = script("mcgt", args);
        assertThat(failed.code()).isEqualTo(1);
        // Java 17 prints its incubator-module warning whenever the vector kernel's module is loaded
        List<String> lines = failed.out().lines().filter(l -> !l.startsWith("WARNING: Using incubator modules")).toList();
        assertThat(lines).as("one line").hasSize(1);
        assertThat(lines.get(0)).startsWith("mcgt: disk full: ").contains("No space left on device")
                .contains("--overwrite");
        Files.delete(filler);

        List<String> again = new ArrayList<>(List.of(args));
        again.add("--overwrite");
        Run rerun = script("mcgt", again.toArray(String[]::new));
        assertThat(rerun.code()).as(rerun.out()).isZero();
        assertExactlyOnce(output, ids);
        time("mcgt score on a full disk and the rerun", start);
    }

    /** Fills the file system of {@code folder} until only {@code leave} bytes are free; the filler file. */
    private static Path fill(Path folder, long leave) throws IOException {
        Path filler = folder.resolve("filler-" + System.nanoTime());
        long free = Files.getFileStore(folder).getUsableSpace();
        assertThat(free).as("free space on " + folder).isGreaterThan(leave);
        try (OutputStream o = Files.newOutputStream(filler)) {
            byte[] block = new byte[4096];
            for (long left = free - leave; left > 0; left -= block.length) {
                o.write(block, 0, (int) Math.min(block.length, left));
            }
        }
        System.out.println("ClusterFailureIT: " + folder + " has " + Files.getFileStore(folder).getUsableSpace()
                + " bytes free");
        return filler;
    }

    /** Waits until the job has ended one way or another; its final state. */
    private static String awaitEnd(String job) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        String s;
        while (!List.of("FAILED", "FINISHED", "CANCELED").contains(s = state(job))) {
            assertThat(System.nanoTime()).as("the job ended in time (state " + s + ")").isLessThan(deadline);
            Thread.sleep(1000);
        }
        return s;
    }
}
