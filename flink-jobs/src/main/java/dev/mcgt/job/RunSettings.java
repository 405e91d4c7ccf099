package dev.mcgt.job;

import dev.mcgt.McgtException;
import java.nio.file.Path;
import org.apache.flink.configuration.Configuration;

/**
 * How {@link DocumentScoringJob} runs, apart from what it computes ({@link JobSettings}): Flink job name,
 * parallelism, restart strategy and checkpoint folder.
 *
 * @param jobName         the Flink job name
 * @param parallelism     the job's parallelism, or null for the cluster's default
 * @param restartAttempts failures in a row before the job fails, or null for the default (0 on an embedded
 *                        Flink, 5 on a cluster)
 * @param checkpointDir   where STREAMING checkpoints go, or null for {@code OUTPUT/_checkpoints}
 */
public record RunSettings(String jobName, Integer parallelism, Integer restartAttempts, String checkpointDir) {
    /** Flink's highest (max) parallelism. */
    public static final int MAX_PARALLELISM = 1 << 15;

    /** The defaults: the standard job name, the cluster's parallelism, default restarts and checkpoint folder. */
    public static RunSettings defaults() {
        return new RunSettings("mcgt document scoring", null, null, null);
    }

    /** Checks the numbers with one-line messages. */
    public RunSettings {
        if (jobName == null || jobName.isBlank()) throw McgtException.badConfig("job name must not be empty");
        if (parallelism != null && (parallelism < 1 || parallelism > MAX_PARALLELISM)) {
            throw McgtException.badConfig("parallelism must be in 1.." + MAX_PARALLELISM + " (Flink's limit), got "
                    + parallelism);
        }
        if (restartAttempts != null && restartAttempts < 0) {
            throw McgtException.badConfig("restart attempts cannot be negative, got " + restartAttempts);
        }
    }

    /**
     * The Flink configuration of the job: parallelism (exact, also in BATCH mode), the restart strategy, and in
     * STREAMING mode RocksDB with incremental checkpoints that are kept when the job fails or is cancelled (so a run that died can be resumed
     * from its last checkpoint with {@code -s}).
     *
     * @param embedded for an embedded Flink (no restarts by default) rather than a cluster
     */
    public Configuration flinkConfiguration(JobSettings s, boolean embedded) {
        Configuration c = new Configuration();
        if (parallelism != null) {
            c.setString("parallelism.default", Integer.toString(parallelism));
            // a parallelism asked for is the parallelism: BATCH's adaptive scheduler would otherwise size each stage
            // by its input volume (16 MiB per subtask), i.e. run a corpus of a few thousand e-mails on one subtask
            c.setString("execution.batch.adaptive.auto-parallelism.enabled", "false");
        }
        c.setString("pipeline.generic-types", "false");
        int attempts = restartAttempts != null ? restartAttempts : embedded ? 0 : 5;
        if (attempts == 0) {
            c.setString("restart-strategy.type", "disable");
        } else {
            c.setString("restart-strategy.type", "exponential-delay");
            c.setString("restart-strategy.exponential-delay.attempts-before-reset-backoff", Integer.toString(attempts));
            c.setString("restart-strategy.exponential-delay.initial-backoff", "1 s");
            c.setString("restart-strategy.exponential-delay.max-backoff", "10 s");
        }
        if (s.streaming()) {
            c.setString("state.backend.type", "rocksdb");
            c.setString("execution.checkpointing.incremental", "true");
            c.setString("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION");
            String dir = checkpointDir != null ? checkpointDir
                    : Path.of(s.output()).resolve("_checkpoints").toUri().toString();
            c.setString("execution.checkpointing.dir", dir);
        }
        return c;
    }
}
