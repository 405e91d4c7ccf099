package dev.mcgt.cli;

import dev.mcgt.McgtException;
import dev.mcgt.job.DocumentScoringJob;
import dev.mcgt.job.JobSettings;
import dev.mcgt.job.JobProgress;
import dev.mcgt.job.RunSummary;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mcgt score}: runs the document scoring job on an embedded local Flink ({@link EmbeddedFlink}: closed,
 * and its temporary files deleted, however the run ends), shows progress on stderr and ends with a one-screen
 * summary read back from the output folder. The output folder is claimed for the run ({@link OutputLock}) before
 * it is checked for earlier results, so two runs can never write into one folder.
 */
@Command(name = "score", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Score documents with the Flink job on an embedded local Flink (nothing to install).",
                "Writes JSON lines to OUTPUT/scores, OUTPUT/telemetry/{tier-transitions,energy,model-upgrades} and "
                        + "OUTPUT/rejects; prints a summary. Exit code 0; 3 when some records were rejected; 1 when "
                        + "the run failed or the input held no documents; 2 for a usage error."})
final class ScoreCommand implements Callable<Integer> {
    /** Exit code when the run finished but rejected some input. */
    static final int EXIT_REJECTS = 3;
    /**
     * Highest parallelism of the embedded run: its one TaskManager's fixed managed memory, split over the slots,
     * leaves BATCH's sorters too little beyond this (256 fails).
     */
    static final int MAX_EMBEDDED_PARALLELISM = 128;

    @Spec CommandSpec spec;

    @Mixin ScoreOptions options;

    @Option(names = "--overwrite", description = "Delete earlier results in OUTPUT (scores, telemetry, rejects) first.")
    boolean overwrite;

    @Option(names = "--summary-json", paramLabel = "FILE",
            description = "Also write the summary as one JSON object to FILE (for scripts and the benchmark report).")
    Path summaryJson;

    @Option(names = "--progress-seconds", paramLabel = "S", defaultValue = "5",
            description = "Seconds between progress lines on stderr (0 = none; default ${DEFAULT-VALUE}).")
    double progressSeconds;

    @Override
    public Integer call() throws Exception {
        Options.checkProgress(spec, progressSeconds);
        JobSettings settings = Usage.fromOptions(spec, options::resolve);
        Path out = Path.of(settings.output());
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw McgtException.badInput("output " + out + " exists and is not a folder");
        }
        int parallelism = options.parallelism() != null ? options.parallelism()
                : Math.max(1, Runtime.getRuntime().availableProcessors());
        if (parallelism > MAX_EMBEDDED_PARALLELISM) {
            throw Usage.error(spec, "--parallelism " + parallelism + " is more than the embedded Flink runs (at most "
                    + MAX_EMBEDDED_PARALLELISM + "; this machine has " + Runtime.getRuntime().availableProcessors()
                    + " cores); run the job on a cluster for more");
        }
        PrintWriter err = spec.commandLine().getErr();
        try (OutputLock claim = OutputLock.claim(out); EmbeddedFlink flink = EmbeddedFlink.create()) {
            prepareOutput(out);
            StreamExecutionEnvironment env = flink.environment(options.flinkConfiguration(settings, true), parallelism);
            long start = System.nanoTime();
            DocumentScoringJob.build(env, settings);
            JobClient client;
            try {
                client = env.executeAsync(options.jobName());
            } catch (Exception e) {
                throw JobFailure.of(e, settings.output());   // the job could not even start
            }
            try {
                waitFor(client, err, start, settings.output(),
                        progressSeconds == 0 ? -1 : InputCount.records(settings.input()));
            } catch (RuntimeException e) {
                if (!flink.interrupted()) throw e;
                throw new CommandFailure("interrupted: the run was stopped before it finished; " + out
                        + " holds only what was committed (rerun with --overwrite)");
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            RunSummary s = RunSummary.read(out);
            print(spec.commandLine().getOut(), s, settings, parallelism, seconds, out);
            if (summaryJson != null) writeSummary(s, settings, parallelism, seconds);
            if (s.documents() == 0 && s.rejects() == 0) {
                err.println("mcgt score: warning: the input held no documents (" + settings.input() + "); exit code 1");
                err.flush();
                return Main.EXIT_FAILURE;
            }
            return s.rejects() > 0 ? EXIT_REJECTS : 0;
        }
    }

    private void waitFor(JobClient client, PrintWriter err, long start, String output, long expected) throws Exception {
        long every = progressSeconds == 0 ? Long.MAX_VALUE : Math.max(1L, (long) (progressSeconds * 1000));
        long last = 0;
        while (true) {
            try {
                client.getJobExecutionResult().get(Math.min(every, 1000L), TimeUnit.MILLISECONDS);
                return;
            } catch (TimeoutException e) {
                long ms = (System.nanoTime() - start) / 1_000_000L;
                if (ms - last >= every) {
                    last = ms;
                    JobProgress p = progress(client);
                    err.println(ProgressLine.format(ms, p, expected));
                    err.flush();
                }
            } catch (ExecutionException e) {
                throw JobFailure.of(e, output);
            }
        }
    }

    /** The job's accumulators so far (none when the cluster cannot say yet). */
    private static JobProgress progress(JobClient client) {
        try {
            return JobProgress.of(client.getAccumulators().get(2, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return JobProgress.none();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            return JobProgress.none();
        }
    }

    private void prepareOutput(Path out) throws IOException {
        List<String> ours = List.of(DocumentScoringJob.SCORES, "telemetry", DocumentScoringJob.REJECTS, "_checkpoints");
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw McgtException.badInput("output " + out + " exists and is not a folder");
        }
        boolean used = false;
        for (String name : ours) used |= Files.exists(out.resolve(name));
        if (used && !overwrite) {
            throw McgtException.badInput("output " + out + " already holds results; choose another folder or pass --overwrite");
        }
        if (used) {
            for (String name : ours) deleteTree(out.resolve(name));
        }
        Files.createDirectories(out);
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(q);
        }
    }

    private static void print(PrintWriter o, RunSummary s, JobSettings settings, int parallelism, double seconds, Path out) {
        long chunks = Math.max(1, s.chunks());
        o.printf(Locale.ROOT, "mcgt score: %d documents, %d chunks, %d rejects in %s (%.1f docs/s; %s, parallelism %d)%n",
                s.documents(), s.chunks(), s.rejects(), duration(seconds), s.documents() / Math.max(seconds, 1e-9),
                settings.streaming() ? "streaming" : "batch", parallelism);
        long[] t = s.tiers();
        o.printf(Locale.ROOT, "  tier mix        tier 0 %.1f %%, tier 1 %.1f %%, tier 2 %.1f %%, skipped %.1f %%%n",
                100.0 * t[0] / chunks, 100.0 * t[1] / chunks, 100.0 * t[2] / chunks, 100.0 * t[3] / chunks);
        o.printf(Locale.ROOT, "  MACs            %.1f %% of an ungated run (%.3g of %.3g)%n", 100.0 * s.macRatio(),
                (double) s.macs(), (double) s.ungatedMacs());
        o.printf(Locale.ROOT, "  energy (est.)   %.3g J%n", s.energyPj() * 1e-12);
        o.printf(Locale.ROOT, "  tier changes    %d transitions%s%n", s.transitions(),
                s.upgrades() > 0 ? ", " + s.upgrades() + " model upgrades" : "");
        if (s.labelled() > 0) {
            o.printf(Locale.ROOT, "  accuracy        %.4f over %d labelled documents%n",
                    (double) s.correct() / s.labelled(), s.labelled());
        }
        o.printf("  output          %s (scores/, telemetry/, rejects/)%n", out);
        o.flush();
    }

    private void writeSummary(RunSummary s, JobSettings settings, int parallelism, double seconds) throws IOException {
        var o = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
        o.put("mode", settings.streaming() ? "streaming" : "batch").put("parallelism", parallelism)
                .put("gate", settings.scoring().gate()).put("textPrefix", settings.fields().textPrefix()).put("seconds", seconds).put("documents", s.documents())
                .put("chunks", s.chunks()).put("rejects", s.rejects())
                .put("docsPerSecond", s.documents() / Math.max(seconds, 1e-9))
                .put("chunksPerSecond", s.chunks() / Math.max(seconds, 1e-9)).put("macs", s.macs())
                .put("ungatedMacs", s.ungatedMacs()).put("macRatio", s.macRatio()).put("energyPj", s.energyPj());
        var tiers = o.putArray("tiers");
        for (long t : s.tiers()) tiers.add(t);
        if (s.labelled() > 0) o.put("labelled", s.labelled()).put("accuracy", (double) s.correct() / s.labelled());
        Files.writeString(summaryJson, o.toString() + "\n");
    }

    private static String duration(double seconds) {
        if (seconds < 60) return String.format(Locale.ROOT, "%.1f s", seconds);
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
    }
}
