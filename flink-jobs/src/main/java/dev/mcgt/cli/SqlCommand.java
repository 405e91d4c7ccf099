package dev.mcgt.cli;

import dev.mcgt.McgtException;
import dev.mcgt.sql.McgtFunctions;
import dev.mcgt.sql.SqlScoring;
import dev.mcgt.sql.SqlScript;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.SqlParserException;
import org.apache.flink.table.api.TableException;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mcgt sql -f script.sql}: runs a Flink SQL script on the embedded Flink ({@link EmbeddedFlink}) with
 * {@code mcgt_score}, {@code mcgt_embed} and {@code mcgt_tokens} registered ({@link McgtFunctions}). The model and
 * policy are resolved and checked before the first statement runs; a script that names none of the functions needs
 * no model. Statements run one after the other (an
 * {@code INSERT} to its end); the first bad statement stops the script with one line naming it and its line.
 * STREAMING execution with checkpoints, so the filesystem connector commits its files.
 */
@Command(name = "sql", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run a Flink SQL script on an embedded local Flink with the mcgt functions registered.",
                "Exit code 0; 1 when a job failed; 2 for a usage error or a bad statement."})
final class SqlCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = {"-f", "--file"}, paramLabel = "SCRIPT", required = true, description = "The SQL script.")
    Path script;

    @Option(names = "--model", paramLabel = "FILE|minilm",
            description = "Model file with a tokenizer, or 'minilm' (else " + SqlScoring.MODEL + " from --set).")
    String model;

    @Option(names = "--policy", paramLabel = "NAME|FILE",
            description = "Gate policy: default, conservative, permissive or a JSON file (else " + SqlScoring.POLICY
                    + ", default 'default').")
    String policy;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "A configuration entry: mcgt.model, mcgt.policy, mcgt.gate (on|off), mcgt.max-tokens "
                    + "(512), mcgt.overlap (0), mcgt.max-text-mb (64), or any Flink option. Repeatable.")
    Map<String, String> settings = new HashMap<>();

    @Option(names = "--parallelism", paramLabel = "N", description = "Parallelism (default: the machine's cores).")
    Integer parallelism;

    @Option(names = "--checkpoint-interval", paramLabel = "MS", defaultValue = "1000",
            description = "Checkpoint interval in milliseconds; the file sinks commit on checkpoints (default "
                    + "${DEFAULT-VALUE}).")
    long checkpointMillis;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        Map<String, String> conf = new HashMap<>(settings);
        if (model != null) conf.put(SqlScoring.MODEL, model);
        if (policy != null) conf.put(SqlScoring.POLICY, policy);
        List<SqlScript.Statement> statements;
        SqlScoring scoring;
        try {
            if (parallelism != null && (parallelism < 1 || parallelism > ScoreCommand.MAX_EMBEDDED_PARALLELISM)) {
                throw McgtException.badConfig("--parallelism must be in 1.." + ScoreCommand.MAX_EMBEDDED_PARALLELISM);
            }
            if (checkpointMillis < 10) throw McgtException.badConfig("--checkpoint-interval must be at least 10 ms");
            statements = SqlScript.split(read(script));
            if (statements.isEmpty()) throw McgtException.badInput("script " + script + " holds no statement");
            // a script that calls no mcgt function (a format conversion, say) runs without a model
            boolean needsModel = conf.containsKey(SqlScoring.MODEL)
                    || statements.stream().anyMatch(st -> McgtFunctions.namedIn(st.sql()));
            scoring = needsModel ? SqlScoring.fromConfig(conf::get) : null;
        } catch (McgtException e) {
            return usage(err, Main.describe(e));
        }
        Configuration flinkConf = new Configuration();
        conf.forEach((k, v) -> { if (!k.startsWith("mcgt.")) flinkConf.setString(k, v); });
        flinkConf.setString("pipeline.generic-types", "false");
        flinkConf.setString("restart-strategy.type", "disable");
        int p = parallelism != null ? parallelism : Math.max(1, Runtime.getRuntime().availableProcessors());
        try (EmbeddedFlink flink = EmbeddedFlink.create()) {
            StreamExecutionEnvironment env = flink.environment(flinkConf, p);
            env.setRuntimeMode(RuntimeExecutionMode.STREAMING);
            env.enableCheckpointing(checkpointMillis, CheckpointingMode.EXACTLY_ONCE);
            StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
            if (scoring != null) McgtFunctions.register(tEnv, scoring);
            for (int i = 0; i < statements.size(); i++) {
                SqlScript.Statement st = statements.get(i);
                TableResult r;
                try {
                    r = tEnv.executeSql(st.sql());
                } catch (SqlParserException | ValidationException | TableException e) {
                    return usage(err, "statement " + (i + 1) + " (line " + st.line() + " of " + script + "): "
                            + message(e));
                }
                try {
                    if (r.getJobClient().isPresent()) r.await();
                    else r.print();
                } catch (ExecutionException e) {
                    if (flink.interrupted()) throw new CommandFailure("interrupted: the script was stopped");
                    throw JobFailure.of(e, script.toAbsolutePath().getParent().toString());
                }
            }
        }
        return 0;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw McgtException.badInput("cannot read script " + file + ": " + Main.oneLine(e.getMessage()));
        }
    }

    private static int usage(PrintWriter err, String line) {
        err.println("mcgt sql: " + line);
        err.flush();
        return Main.EXIT_USAGE;
    }

    /** The first line of a planner error, and of its cause when the first says little. */
    static String message(Throwable e) {
        String top = firstLine(e.getMessage());
        Throwable c = e.getCause();
        if (c != null && c != e) {
            String cause = firstLine(c.getMessage());
            if (!cause.isEmpty() && !top.contains(cause)) return top.isEmpty() ? cause : top + " " + cause;
        }
        return top;
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        for (String l : s.split("\r?\n")) if (!l.isBlank()) return l.strip();
        return "";
    }
}
