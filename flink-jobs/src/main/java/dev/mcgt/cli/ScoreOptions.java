package dev.mcgt.cli;

import dev.mcgt.McgtException;
import dev.mcgt.flink.functions.ModelSource;
import dev.mcgt.flink.functions.ScoringSettings;
import dev.mcgt.job.InputFields;
import dev.mcgt.job.InputFiles;
import dev.mcgt.job.JobSettings;
import dev.mcgt.job.RunSettings;
import dev.mcgt.model.ModelFile;
import dev.mcgt.model.ModelInfo;
import dev.mcgt.scoring.Prototypes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The options of the document scoring job, shared by {@code mcgt score} (embedded Flink) and {@link JobMain}
 * ({@code flink run} on a real cluster), and their resolution into the job's {@link JobSettings} and
 * {@link RunSettings}: the model is
 * found (or imported, for {@code minilm}), the policy and prototypes are read, and every mistake is one line.
 */
public final class ScoreOptions {
    @Spec(Spec.Target.MIXEE) CommandSpec spec;

    @Option(names = "--model", paramLabel = "FILE|minilm", required = true,
            description = "Native model file with a tokenizer, or 'minilm': models/minilm.mcgt, imported from the "
                    + "local Maven repository the first time.")
    String model;

    @Option(names = "--input", paramLabel = "PATH", required = true,
            description = "A JSON-lines file, or a folder (searched recursively, hidden names skipped) of "
                    + ".jsonl/.ndjson, .json (one document, or JSON lines when that is what it holds) and .txt files "
                    + "(id = path under the folder).")
    String input;

    @Option(names = "--output", paramLabel = "DIR", required = true,
            description = "Output folder: scores/, telemetry/tier-transitions/, telemetry/energy/, "
                    + "telemetry/model-upgrades/, rejects/ (JSON lines).")
    String output;

    @Option(names = "--mode", paramLabel = "batch|streaming", defaultValue = "batch",
            description = "batch (default): Flink BATCH execution; streaming: checkpoints, RocksDB, exactly-once "
                    + "files (needed for savepoints).")
    String mode;

    @Option(names = "--policy", paramLabel = "NAME|FILE", defaultValue = "default",
            description = "Gate policy: default, conservative, permissive or a JSON file (e.g. from mcgt calibrate).")
    String policy;

    @Option(names = "--gate", paramLabel = "on|off", defaultValue = "on",
            description = "off: every chunk runs ungated at tier 0 (the baseline run).")
    String gate;

    @Option(names = "--prototypes", paramLabel = "FILE",
            description = "Scoring head from mcgt prototypes: adds the predicted class and its score.")
    Path prototypes;

    @Option(names = "--emit-embeddings", description = "Write each document's pooled embedding into scores/.")
    boolean emitEmbeddings;

    @Option(names = "--max-tokens", paramLabel = "N", defaultValue = "512",
            description = "Content tokens scored per document; the rest is counted as dropped (0 = all; default "
                    + "${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--overlap", paramLabel = "N", defaultValue = "0",
            description = "Content tokens shared by consecutive chunks (default ${DEFAULT-VALUE}).")
    int overlap;

    @Mixin TextPrefixOption textPrefix;

    @Option(names = "--id-field", paramLabel = "NAME", defaultValue = "id", description = "JSON field of the id.")
    String idField;

    @Option(names = "--text-field", paramLabel = "NAME", defaultValue = "text", description = "JSON field of the text.")
    String textField;

    @Option(names = "--label-field", paramLabel = "NAME", defaultValue = "label",
            description = "JSON field of the label (optional in the data).")
    String labelField;

    @Option(names = "--max-record-mb", paramLabel = "MB", defaultValue = "64",
            description = "Records (lines or files) larger than this are rejected (default ${DEFAULT-VALUE}).")
    int maxRecordMb;

    @Option(names = "--parallelism", paramLabel = "N",
            description = "Parallelism (default: the machine's cores embedded, the cluster's default on a cluster).")
    Integer parallelism;

    @Option(names = "--checkpoint-interval", paramLabel = "MS", defaultValue = "5000",
            description = "Streaming mode: checkpoint interval in milliseconds (default ${DEFAULT-VALUE}).")
    long checkpointMillis;

    @Option(names = "--checkpoint-dir", paramLabel = "URI",
            description = "Streaming mode: where checkpoints go (default: OUTPUT/_checkpoints).")
    String checkpointDir;

    @Option(names = "--watch", paramLabel = "MS",
            description = "Streaming mode: keep watching the input folder for new files every MS milliseconds and "
                    + "never finish (stop the job, e.g. with a savepoint).")
    Long watchMillis;

    @Option(names = "--incomplete-timeout", paramLabel = "MS", defaultValue = "86400000",
            description = "Give up a document that is still incomplete MS milliseconds of processing time after its "
                    + "last record (it becomes a reject; matters with --watch, whose input never ends); 0 = wait for "
                    + "the end of the input (default ${DEFAULT-VALUE}, 24 h).")
    long incompleteTimeoutMillis;

    @Option(names = "--id-memory", paramLabel = "MS", defaultValue = "86400000",
            description = "Remember a document id for MS milliseconds of processing time after its last record, to "
                    + "reject a repeated id and to continue a document sent in parts; 0 = for the job's lifetime "
                    + "(default ${DEFAULT-VALUE}, 24 h).")
    long idMemoryMillis;

    @Option(names = "--restart-attempts", paramLabel = "N",
            description = "Failures in a row after which the job fails instead of restarting from its last "
                    + "checkpoint (streaming) or re-running the failed tasks (batch), with 1 to 10 s between attempts "
                    + "(default: 0 with mcgt score, whose failures do not go away by themselves; 5 on a cluster, "
                    + "where a TaskManager can be lost and come back).")
    Integer restartAttempts;

    @Option(names = "--job-name", paramLabel = "NAME", defaultValue = "mcgt document scoring",
            description = "Flink job name.")
    String jobName;

    /** Parses the job's arguments (for {@code flink run}); a usage error is one line on stderr and exit code 2. */
    public static ScoreOptions parse(String[] args) {
        ScoreOptions o = new ScoreOptions();
        CommandLine cl = new CommandLine(new Holder(o));
        try {
            cl.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            throw McgtException.badConfig(e.getMessage());
        }
        return o;
    }

    /** A command object whose only content is these options (for parsing outside {@code mcgt}). */
    @CommandLine.Command(name = "DocumentScoringJob")
    private static final class Holder {
        @CommandLine.Mixin final ScoreOptions options;

        Holder(ScoreOptions o) {
            this.options = o;
        }
    }

    public String jobName() {
        return jobName;
    }

    public boolean streaming() {
        return "streaming".equals(mode);
    }

    /** Resolves and validates everything; mistakes are {@link McgtException}s with one line. */
    public JobSettings resolve() {
        if (!mode.equals("batch") && !mode.equals("streaming")) {
            throw McgtException.badConfig("--mode must be batch or streaming, got '" + mode + "'");
        }
        if (!gate.equals("on") && !gate.equals("off")) throw McgtException.badConfig("--gate must be on or off, got '" + gate + "'");
        if (maxRecordMb < 1) throw McgtException.badConfig("--max-record-mb must be at least 1, got " + maxRecordMb);
        if (parallelism != null && (parallelism < 1 || parallelism > RunSettings.MAX_PARALLELISM)) {
            throw McgtException.badConfig("--parallelism must be in 1.." + RunSettings.MAX_PARALLELISM
                    + " (Flink's limit), got " + parallelism);
        }
        if (maxTokens < 0) throw McgtException.badConfig("--max-tokens cannot be negative, got " + maxTokens);
        if (overlap < 0) throw McgtException.badConfig("--overlap cannot be negative, got " + overlap);
        if (checkpointMillis < 10) {
            throw McgtException.badConfig("--checkpoint-interval must be at least 10 ms, got " + checkpointMillis);
        }
        if (watchMillis != null && !streaming()) throw McgtException.badConfig("--watch needs --mode streaming");
        if (watchMillis != null && watchMillis < 10) throw McgtException.badConfig("--watch must be at least 10 ms");
        if (incompleteTimeoutMillis < 0) {
            throw McgtException.badConfig("--incomplete-timeout cannot be negative (0 = wait for the end of the input), got "
                    + incompleteTimeoutMillis);
        }
        if (idMemoryMillis < 0) {
            throw McgtException.badConfig("--id-memory cannot be negative (0 = for the job's lifetime), got " + idMemoryMillis);
        }
        if (restartAttempts != null && restartAttempts < 0) throw McgtException.badConfig("--restart-attempts cannot be negative");
        if (!input.contains("://")) checkInput(Path.of(input));
        Path modelFile = ModelResolver.resolve(model);
        ModelInfo info = ModelFile.info(modelFile);
        if (info.tokenizerBytes() <= 0) {   // −1: the file has none
            throw McgtException.badConfig("model " + modelFile + " has no tokenizer; import one with mcgt model import");
        }
        ScoringSettings scoring = ScoringSettings.of(ModelSource.file(modelFile.toAbsolutePath().toString()))
                .withProfile(PolicyResolver.resolveProfile(policy)).withGate(gate.equals("on"));
        String protoJson = null;
        if (prototypes != null) {
            try {
                protoJson = Files.readString(prototypes);
            } catch (IOException e) {
                throw McgtException.badInput("cannot read prototypes " + prototypes + ": " + e.getMessage());
            }
            Prototypes head = Prototypes.fromJson(protoJson);
            if (head.dimension() != info.config().outputSize()) {
                throw McgtException.badConfig("prototypes " + prototypes + " have dimension " + head.dimension()
                        + " but the model's output has " + info.config().outputSize());
            }
            if (!head.modelFingerprint().equals(info.fingerprint())) {
                System.err.println("mcgt: warning: prototypes " + prototypes + " were built with another model ("
                        + abbreviate(head.modelFingerprint()) + ", this one is " + abbreviate(info.fingerprint()) + ")");
            }
        }
        return new JobSettings(absolute(input), absolute(output), streaming(), scoring,
                new InputFields(idField, textField, labelField, textPrefix.value()), maxTokens, overlap, (long) maxRecordMb << 20,
                protoJson, emitEmbeddings, Duration.ofMillis(checkpointMillis),
                watchMillis == null ? null : Duration.ofMillis(watchMillis), Duration.ofMillis(incompleteTimeoutMillis),
                Duration.ofMillis(idMemoryMillis));
    }

    /**
     * The input must exist and, unless the job watches it for new files, hold an input file; a folder under it
     * must not hold a symbolic-link loop or a broken link (Flink's file enumerator would fail on it inside the job).
     */
    private void checkInput(Path in) {
        List<Path> files = InputFiles.list(in);
        if (files.isEmpty() && watchMillis == null) {
            throw McgtException.badInput("no input files in folder " + in + " (looked for .jsonl, .ndjson, .json and "
                    + ".txt files; names starting with . or _ are skipped)");
        }
    }

    /** How the job runs: name, parallelism, restarts, checkpoint folder (checked; mistakes are one line). */
    public RunSettings runSettings() {
        return new RunSettings(jobName, parallelism, restartAttempts, checkpointDir);
    }

    /** The Flink configuration of the job ({@link RunSettings#flinkConfiguration}). */
    public Configuration flinkConfiguration(JobSettings s, boolean embedded) {
        return runSettings().flinkConfiguration(s, embedded);
    }

    /** The parallelism given, or null. */
    public Integer parallelism() {
        return parallelism;
    }

    private static String absolute(String pathOrUri) {
        return pathOrUri.contains("://") ? pathOrUri : Path.of(pathOrUri).toAbsolutePath().normalize().toString();
    }

    private static String abbreviate(String fp) {
        return fp.length() > 12 ? fp.substring(0, 12) : fp;
    }
}
