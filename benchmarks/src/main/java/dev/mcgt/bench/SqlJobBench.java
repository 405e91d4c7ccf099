package dev.mcgt.bench;

import dev.mcgt.cli.EmbeddedFlink;
import dev.mcgt.cli.ScoreOptions;
import dev.mcgt.job.DocumentScoringJob;
import dev.mcgt.job.JobSettings;
import dev.mcgt.job.RunSummary;
import dev.mcgt.kernel.KernelProvider;
import dev.mcgt.sql.McgtFunctions;
import dev.mcgt.sql.SqlScoring;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;

/**
 * The SQL path against the DataStream job on the same input, in one JVM, for {@code scripts/bench-sql.sh}: each
 * round runs the document scoring job ({@link DocumentScoringJob}, as {@code mcgt score --mode streaming}) and then
 * {@code mcgt_score} over the filesystem connector's JSON (JSON lines of document scores with embeddings out), each on
 * a fresh embedded Flink with the same Flink configuration (STREAMING, RocksDB, checkpoints), model, policy, token
 * budget and parallelism. Throughput is documents scored / wall seconds from submit to the job's end (start-up
 * included, the same for both); the process CPU seconds of each run are printed beside it. Round 1 warms the JIT.
 *
 * <p>Usage: {@code SqlJobBench ROUNDS OUTPUT-FOLDER <mcgt score options without --output>}.
 */
public final class SqlJobBench {
    private SqlJobBench() { }

    /** One run's figures. */
    private record Run(String path, int round, long documents, double wallSeconds, double cpuSeconds) {
        double docsPerSecond() {
            return documents / wallSeconds;
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: SqlJobBench ROUNDS OUTPUT-FOLDER <mcgt score options without --output>");
            System.exit(2);
        }
        int rounds = Integer.parseInt(args[0]);
        Path base = Path.of(args[1]);
        String[] options = Arrays.copyOfRange(args, 2, args.length);
        List<Run> runs = new ArrayList<>();
        for (int r = 1; r <= rounds; r++) {
            runs.add(dataStream(r, base.resolve("datastream-" + r), options));
            runs.add(sql(r, base.resolve("sql-" + r), options));
        }
        System.out.println("path        round  documents  wall s   docs/s   CPU s");
        for (Run x : runs) {
            System.out.printf("%-10s  %5d  %9d  %6.1f  %7.2f  %6.1f%n", x.path(), x.round(), x.documents(),
                    x.wallSeconds(), x.docsPerSecond(), x.cpuSeconds());
        }
        Run ds = runs.get(runs.size() - 2);
        Run sql = runs.get(runs.size() - 1);
        System.out.printf("round %d: SQL %.2f docs/s, DataStream %.2f docs/s, SQL/DataStream %.3f (kernel %s)%n",
                rounds, sql.docsPerSecond(), ds.docsPerSecond(), sql.docsPerSecond() / ds.docsPerSecond(),
                KernelProvider.get().name());
    }

    private static ScoreOptions parse(String[] options, Path output) {
        String[] all = Arrays.copyOf(options, options.length + 4);
        all[options.length] = "--output";
        all[options.length + 1] = output.toString();
        all[options.length + 2] = "--mode";
        all[options.length + 3] = "streaming";
        return ScoreOptions.parse(all);
    }

    private static int parallelism(ScoreOptions o) {
        return o.parallelism() != null ? o.parallelism() : Runtime.getRuntime().availableProcessors();
    }

    private static Run dataStream(int round, Path output, String[] options) throws Exception {
        ScoreOptions o = parse(options, output);
        JobSettings s = o.resolve();
        long cpu0 = cpuNanos();
        long t0 = System.nanoTime();
        try (EmbeddedFlink flink = EmbeddedFlink.create()) {
            StreamExecutionEnvironment env = flink.environment(o.flinkConfiguration(s, true), parallelism(o));
            DocumentScoringJob.build(env, s);
            env.execute("datastream");
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        return new Run("datastream", round, RunSummary.read(output).documents(), wall, (cpuNanos() - cpu0) / 1e9);
    }

    private static Run sql(int round, Path output, String[] options) throws Exception {
        ScoreOptions o = parse(options, output);
        JobSettings s = o.resolve();
        long cpu0 = cpuNanos();
        long t0 = System.nanoTime();
        try (EmbeddedFlink flink = EmbeddedFlink.create()) {
            Configuration conf = o.flinkConfiguration(s, true);
            StreamExecutionEnvironment env = flink.environment(conf, parallelism(o));
            env.setRuntimeMode(RuntimeExecutionMode.STREAMING);
            env.enableCheckpointing(s.checkpointInterval().toMillis(), CheckpointingMode.EXACTLY_ONCE);
            StreamTableEnvironment t = StreamTableEnvironment.create(env);
            McgtFunctions.register(t, new SqlScoring(s.scoring(), s.maxTokens(), s.overlap(), s.maxRecordBytes()));
            t.executeSql("CREATE TABLE docs (id STRING, text STRING) WITH ('connector' = 'filesystem', 'path' = '"
                    + Path.of(s.input()).toUri() + "', 'format' = 'json')");
            t.executeSql("CREATE TABLE scores (doc_id STRING, chunks INT, macs BIGINT, embedding ARRAY<FLOAT>) WITH ("
                    + "'connector' = 'filesystem', 'path' = '" + output.resolve("scores").toUri() + "', 'format' = 'json')");
            t.executeSql("CREATE TEMPORARY VIEW v AS SELECT id AS doc_id, text FROM docs");
            t.executeSql("INSERT INTO scores SELECT doc_id, chunks, macs, embedding FROM mcgt_score(input => TABLE v "
                    + "PARTITION BY doc_id) WHERE kind = 'document'").await();
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        return new Run("sql", round, lines(output.resolve("scores")), wall, (cpuNanos() - cpu0) / 1e9);
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Non-blank lines of the committed files under {@code folder}. */
    private static long lines(Path folder) throws IOException {
        long n = 0;
        try (Stream<Path> s = Files.walk(folder)) {
            for (Path f : s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("."))
                    .toList()) {
                try (Stream<String> l = Files.lines(f)) {
                    n += l.filter(x -> !x.isBlank()).count();
                }
            }
        }
        return n;
    }
}
