package dev.mcgt.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Everything one report is made from: the JMH records of every {@code jmh*.json} of a results folder, the work
 * files ({@code work-*.json}), the run environment ({@code env.json}) and the optional extra tables.
 *
 * @param jmh   JMH variants, in file-name then file order
 * @param work  work files
 * @param env   the run environment, or null when the folder has no env.json
 * @param extra optional tables by name ({@code peers}, {@code flink})
 * @param ceiling the C GEMM ceiling measured in the same session ({@code gemm-ceiling.txt}), or null
 */
public record Results(List<JmhRecord> jmh, List<WorkRecord> work, RunEnv env, Map<String, ExtraTable> extra,
                      Ceiling ceiling) {

    /** Results without a ceiling measurement. */
    public Results(List<JmhRecord> jmh, List<WorkRecord> work, RunEnv env, Map<String, ExtraTable> extra) {
        this(jmh, work, env, extra, null);
    }
    static final ObjectMapper JSON = new ObjectMapper();

    /** Reads a results folder. */
    public static Results load(Path dir, Map<String, ExtraTable> extra) throws IOException {
        List<JmhRecord> jmh = new ArrayList<>();
        List<WorkRecord> work = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                String name = f.getFileName().toString();
                if (!name.endsWith(".json")) continue;
                if (name.startsWith("jmh")) jmh.addAll(parseJmh(JSON.readTree(f.toFile())));
                else if (name.startsWith("work-")) work.add(WorkRecord.of(JSON.readTree(f.toFile())));
            }
        }
        Path envFile = dir.resolve("env.json");
        RunEnv env = Files.isRegularFile(envFile) ? RunEnv.read(envFile) : null;
        return new Results(List.copyOf(jmh), List.copyOf(work), env, Map.copyOf(extra),
                Ceiling.read(dir.resolve("gemm-ceiling.txt")).orElse(null));
    }

    /** The records of a JMH JSON array. */
    public static List<JmhRecord> parseJmh(JsonNode array) {
        if (!array.isArray()) throw new IllegalArgumentException("a JMH JSON result file holds an array");
        List<JmhRecord> out = new ArrayList<>();
        for (JsonNode n : array) out.add(JmhRecord.of(n));
        return Collections.unmodifiableList(out);
    }

    /** Reads an optional extra table; empty when the file does not exist. */
    public static Optional<ExtraTable> extra(Path file) {
        if (file == null || !Files.isRegularFile(file)) return Optional.empty();
        try {
            return Optional.of(ExtraTable.of(JSON.readTree(file.toFile())));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** The records of one benchmark class in one mode. */
    public List<JmhRecord> of(String className, String mode) {
        return jmh.stream().filter(r -> r.className().equals(className) && r.mode().equals(mode)).toList();
    }

    /** The last record of a class and mode whose parameters satisfy a test (later runs win). */
    public Optional<JmhRecord> find(String className, String mode, Predicate<JmhRecord> test) {
        JmhRecord found = null;
        for (JmhRecord r : of(className, mode)) if (test.test(r)) found = r;
        return Optional.ofNullable(found);
    }

    /** The work file of a JMH variant. */
    public Optional<WorkRecord> workOf(JmhRecord r) {
        return work.stream().filter(w -> w.matches(r)).findFirst();
    }
}
