package dev.mcgt.bench.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the benchmark report ({@code docs/BENCHMARKS.md} and PNG charts) from a folder of results; run by
 * {@code scripts/bench.sh}. Commands:
 *
 * <pre>
 * ReportMain env    --out DIR/env.json [--mode quick|full]   record this machine (CPU, cores, OS, JDK, date)
 * ReportMain report --results DIR [--out docs/BENCHMARKS.md] [--charts docs/charts]
 *                   [--peers FILE] [--flink FILE] [--command TEXT]
 * ReportMain gemm   FILE.json...                               print the GMAC/s table of GemmBenchmark results
 * ReportMain quality --results DIR [--charts docs/charts] [--name mac-quality.png]
 *                                                             draw the chart from DIR/quality-curve.json
 *                                                             and print DIR/quality-frontier.json as a table
 * </pre>
 *
 * <p>A results folder holds JMH JSON files ({@code jmh*.json}, any number: the suite runs in groups), the work
 * files the benchmarks write through {@code dev.mcgt.bench.WorkRecorder} ({@code work-*.json}: counters of one
 * request, for bytes moved and estimated energy), {@code env.json}, and optionally the two tables measured
 * outside JMH, and {@code quality-curve.json} / {@code quality-frontier.json} of {@code scripts/bench-quality.sh}
 * (the MACs-vs-quality chart, see {@link QualityCurve}, and its table) and {@code job-breakdown.json} of
 * {@code scripts/bench-job.sh breakdown} (the job's per-stage costs). The two tables are read from {@code --peers} / {@code --flink}, else from {@code peers-spamassassin.json} /
 * {@code flink-throughput.json} in the results folder; when absent, their sections say "not measured in this
 * run". Both use one small format:
 *
 * <pre>
 * {
 *   "measured": "2026-12-01",                     optional, free text: when
 *   "machine":  "2-core AMD EPYC, JDK 17",        optional, free text: where
 *   "command":  "scripts/mcgt eval ...",          optional: how to reproduce
 *   "columns":  ["system", "F1", "docs/s"],       required, non-empty
 *   "rows":     [["mcgt gated", 0.964, 812.5],    required; each row at most as wide as columns;
 *                ["ONNX Runtime fp32", 0.971, 240]]   numbers are formatted, strings printed as given
 *   "notes":    ["one sentence per entry"]        optional, printed under the table
 * }
 * </pre>
 *
 * Nothing is invented: a figure missing from the inputs prints as an em dash.
 */
public final class ReportMain {
    private ReportMain() { }

    public static void main(String[] args) throws IOException {
        System.setProperty("java.awt.headless", "true");
        if (args.length == 0) usage("a command is needed: env, report or gemm");
        Map<String, String> opts = new HashMap<>();
        List<String> positional = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            if (args[i].startsWith("--")) {
                if (i + 1 >= args.length) usage(args[i] + " needs a value");
                opts.put(args[i].substring(2), args[++i]);
            } else {
                positional.add(args[i]);
            }
        }
        switch (args[0]) {
            case "env" -> {
                Path out = Path.of(required(opts, "out"));
                RunEnv.capture(opts.getOrDefault("mode", "")).write(out);
            }
            case "report" -> {
                Path dir = Path.of(required(opts, "results"));
                Path out = Path.of(opts.getOrDefault("out", "docs/BENCHMARKS.md"));
                Path charts = Path.of(opts.getOrDefault("charts", "docs/charts"));
                Map<String, ExtraTable> extra = new HashMap<>();
                Results.extra(Path.of(opts.getOrDefault("peers", dir.resolve("peers-spamassassin.json").toString())))
                        .ifPresent(t -> extra.put("peers", t));
                Results.extra(Path.of(opts.getOrDefault("flink", dir.resolve("flink-throughput.json").toString())))
                        .ifPresent(t -> extra.put("flink", t));
                Results.extra(Path.of(opts.getOrDefault("quality", dir.resolve("gated-quality.json").toString())))
                        .ifPresent(t -> extra.put("quality", t));
                Results.extra(dir.resolve("quality-frontier.json")).ifPresent(t -> extra.put("frontier", t));
                Results.extra(dir.resolve("job-breakdown.json")).ifPresent(t -> extra.put("breakdown", t));
                Results results = Results.load(dir, extra);
                if (results.jmh().isEmpty()) usage("no jmh*.json results in " + dir);
                String command = opts.getOrDefault("command", "scripts/bench.sh");
                List<String> written = new ArrayList<>(Charts.write(new Report(results, List.of(), command), charts));
                var curve = QualityCurve.read(dir.resolve("quality-curve.json"));
                if (curve.isPresent()) {
                    String chart = Charts.qualityChart(curve.get(), charts);
                    if (chart != null) written.add(chart);
                }
                String md = new Report(results, written, command).render();
                Path parent = out.toAbsolutePath().getParent();
                if (parent != null) Files.createDirectories(parent);
                Files.writeString(out, md, StandardCharsets.UTF_8);
                Path readme = Path.of(opts.getOrDefault("readme", "README.md"));
                if (Files.isRegularFile(readme)) {
                    String text = Files.readString(readme, StandardCharsets.UTF_8);
                    int a = text.indexOf(Report.HEADLINE_START);
                    int b = text.indexOf(Report.HEADLINE_END);
                    if (a >= 0 && b > a) {
                        String block = Report.HEADLINE_START + "\n" + new Report(results, written, command).headline()
                                + Report.HEADLINE_END;
                        Files.writeString(readme, text.substring(0, a) + block + text.substring(b + Report.HEADLINE_END.length()),
                                StandardCharsets.UTF_8);
                        System.out.println("report: headline table written into " + readme);
                    }
                }
                System.out.println("report: " + out + " (" + results.jmh().size() + " JMH variants, "
                        + results.work().size() + " work files, charts: " + String.join(", ", written) + ")");
            }
            case "peers" -> {
                Path dir = Path.of(required(opts, "results"));
                var table = PeersTable.build(dir, RunEnv.capture("").machine());
                if (table == null) usage("no SpamAssassinPeersBenchmark results in " + dir);
                Path out = dir.resolve("peers-spamassassin.json");
                Results.JSON.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), table);
                System.out.println("peers: " + out);
            }
            case "quality" -> {
                Path dir = Path.of(required(opts, "results"));
                var curve = QualityCurve.read(dir.resolve("quality-curve.json"));
                if (curve.isEmpty()) usage("no quality-curve.json in " + dir);
                String chart = Charts.qualityChart(curve.get(), Path.of(opts.getOrDefault("charts", "docs/charts")),
                        opts.getOrDefault("name", "mac-quality.png"));
                Results.extra(dir.resolve("quality-frontier.json")).ifPresent(t -> System.out.print(t.render()));
                System.out.println("quality: chart " + chart);
            }
            case "gemm" -> {
                List<JmhRecord> recs = new ArrayList<>();
                for (String f : positional) {
                    for (JmhRecord r : Results.parseJmh(Results.JSON.readTree(Path.of(f).toFile()))) {
                        if (r.className().equals(Report.GEMM) && r.mode().equals("avgt")) recs.add(r);
                    }
                }
                if (!recs.isEmpty()) System.out.print(Report.gemmTable(recs));
            }
            default -> usage("unknown command '" + args[0] + "' (expected env, report, peers, quality or gemm)");
        }
    }

    private static String required(Map<String, String> opts, String name) {
        String v = opts.get(name);
        if (v == null) usage("--" + name + " is required");
        return v;
    }

    private static void usage(String problem) {
        System.err.println("ReportMain: " + problem);
        System.exit(2);
    }
}
