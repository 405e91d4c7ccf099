package dev.mcgt.bench.report;

import dev.mcgt.bench.Workloads;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Renders docs/BENCHMARKS.md from {@link Results}. Every measured figure comes from a JMH record or a work file
 * of the results folder; published claims come from {@link Claims}; a section without results says
 * "not measured in this run". Charts are referenced when {@link Charts} wrote them.
 */
public final class Report {
    static final String TIERS = "TierLatencyBenchmark";
    static final String MIXES = "WorkloadMixBenchmark";
    static final String SCALING = "ScalingBenchmark";
    static final String GEMM = "GemmBenchmark";
    static final String MINILM = "MiniLmBenchmark";
    static final String BREAKDOWN = "Tier0BreakdownBenchmark";
    static final String NOT_MEASURED = "Not measured in this run.";

    static final String[] PRESETS = {"micro", "baseline"};
    static final String[] MIX_MODELS = {"micro", "baseline", "minilm"};
    /** The mixes' JMH parameter values ({@link Workloads.Mix#id()}), all but the all-tier-0 reference. */
    static final String[] MIX_NAMES = Arrays.stream(Workloads.Mix.values()).filter(m -> m != Workloads.Mix.TIER0)
            .map(Workloads.Mix::id).toArray(String[]::new);
    static final int[] SEQ_LENS = {64, 128, 256, 512, 1024};
    static final int[] WINDOWS = {4, 8, 16, 32};

    private final Results results;
    private final Set<String> charts;
    private final String regenerate;

    /**
     * @param charts     file names of the charts written under {@code charts/} (referenced when present)
     * @param regenerate the command line that produced this run (printed in the header)
     */
    public Report(Results results, Collection<String> charts, String regenerate) {
        this.results = results;
        this.charts = new LinkedHashSet<>(charts);
        this.regenerate = regenerate;
    }

    // ------------------------------------------------------------------------------------------ data access

    /** A measured latency point: mean (average-time mode when there is one), p50, p99 in µs. */
    record Latency(double mean, double error, double p50, double p99, long samples, List<JmhRecord> records) {
        static final Latency NONE = new Latency(Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0, List.of());
    }

    Latency tier(String preset, int tier) {
        var match = (java.util.function.Predicate<JmhRecord>) r -> preset.equals(r.param("preset"))
                && Integer.toString(tier).equals(r.param("tier"));
        Optional<JmhRecord> avg = results.find(TIERS, "avgt", match);
        Optional<JmhRecord> sample = results.find(TIERS, "sample", match);
        if (avg.isEmpty() && sample.isEmpty()) return Latency.NONE;
        List<JmhRecord> used = new ArrayList<>();
        avg.ifPresent(used::add);
        sample.ifPresent(used::add);
        JmhRecord meanOf = avg.orElseGet(sample::get);
        return new Latency(meanOf.scoreMicros(), JmhRecord.toMicros(meanOf.scoreError(), meanOf.unit()), sample.map(r -> r.percentileMicros(50)).orElse(Double.NaN),
                sample.map(r -> r.percentileMicros(99)).orElse(Double.NaN), sample.map(JmhRecord::samples).orElse(0L),
                used);
    }

    Optional<WorkRecord> tierWork(String preset, int tier) {
        Latency l = tier(preset, tier);
        return l.records().isEmpty() ? Optional.empty() : results.workOf(l.records().get(0));
    }

    Latency mix(String model, String mix) {
        Optional<JmhRecord> r = results.find(MIXES, "sample", x -> model.equals(x.param("model"))
                && mix.equals(x.param("mix")));
        return r.map(x -> new Latency(x.scoreMicros(), JmhRecord.toMicros(x.scoreError(), x.unit()),
                x.percentileMicros(50), x.percentileMicros(99), x.samples(),
                List.of(x))).orElse(Latency.NONE);
    }

    Optional<WorkRecord> mixWork(String model, String mix) {
        Latency l = mix(model, mix);
        return l.records().isEmpty() ? Optional.empty() : results.workOf(l.records().get(0));
    }

    Optional<JmhRecord> scaling(int n, String window) {
        String point = "n" + n + "-" + window;
        return results.find(SCALING, "avgt", r -> point.equals(r.param("point")));
    }

    double scalingMean(int n, String window) {
        return scaling(n, window).map(JmhRecord::scoreMicros).orElse(Double.NaN);
    }

    double scalingDots(int n, String window) {
        return scaling(n, window).flatMap(results::workOf).map(w -> w.get("attentionDots")).orElse(Double.NaN);
    }

    // ------------------------------------------------------------------------------------------ rendering

    /**
     * The report's targets in one table (the project's targets: tier speedups, mix speedups, gated MiniLM against ONNX
     * Runtime INT8), with the run's date; {@code ReportMain report} also writes it into README between the markers
     * {@value #HEADLINE_START} and {@value #HEADLINE_END}, so README quotes the report without hand-typed figures.
     */
    public String headline() {
        Fmt.Table t = new Fmt.Table("target", "measured (mean; p50 in brackets)", "verdict");
        for (String preset : PRESETS) {
            Latency t0 = tier(preset, 0);
            for (int tier : new int[] {1, 3}) {
                Latency l = tier(preset, tier);
                double target = Claims.TIER_TARGET.get(preset)[tier];
                double speedup = t0.mean() / l.mean();
                t.row("tier " + tier + " vs tier 0, " + preset, Fmt.times(speedup) + " (" + Fmt.times(t0.p50() / l.p50()) + ")",
                        Fmt.verdict(speedup, target));
            }
        }
        String[][] mixes = {{"micro", "interactive"}, {"baseline", "interactive"}, {"micro", "streaming"},
            {"baseline", "streaming"}, {"minilm", "interactive"}, {"minilm", "streaming"}};
        for (String[] m : mixes) {
            Latency base = mix(m[0], "tier0");
            Latency l = mix(m[0], m[1]);
            double speedup = base.mean() / l.mean();
            double target = Claims.mixTarget(m[0], m[1]);
            t.row(m[1] + " mix (" + shares(m[1]) + "), " + m[0], Fmt.times(speedup) + " (" + Fmt.times(base.p50() / l.p50()) + ")",
                    Double.isNaN(target) ? Fmt.NONE : Fmt.verdict(speedup, target));
        }
        ExtraTable peers = results.extra().get("peers");
        String gated = Fmt.NONE;
        String verdict = Fmt.NONE;
        if (peers != null) {
            int col = peers.columns().indexOf(PeersTable.VS_INT8);
            for (List<String> row : peers.rows()) {
                if (col >= 0 && row.size() > col && row.get(0).equals(PeersTable.GATED)) {
                    gated = row.get(col) + "×";
                    try {
                        verdict = Fmt.verdict(Double.parseDouble(row.get(col).replace(",", "")), 3);
                    } catch (NumberFormatException e) {
                        verdict = Fmt.NONE;
                    }
                }
            }
        }
        t.row("gated MiniLM on SpamAssassin, docs/s vs ONNX Runtime INT8", gated, verdict);
        RunEnv env = results.env();
        return "Run: " + (env == null ? "?" : env.date() + ", " + env.machine())
                + "; details and the quality figures in [docs/BENCHMARKS.md](docs/BENCHMARKS.md).\n\n" + t;
    }

    /** README marker before the headline table. */
    public static final String HEADLINE_START = "<!-- bench-headline:start (written by scripts/bench.sh) -->";
    /** README marker after the headline table. */
    public static final String HEADLINE_END = "<!-- bench-headline:end -->";

    public String render() {
        StringBuilder b = new StringBuilder();
        b.append("<!-- GENERATED FILE: written by scripts/bench.sh (dev.mcgt.bench.report.ReportMain). "
                + "Do not edit by hand; regenerate it. -->\n");
        b.append("# Benchmark report\n\n");
        b.append("> **Generated file — do not edit by hand.** `scripts/bench.sh quick` (minutes) or "
                + "`scripts/bench.sh full` (long) reruns the suite and rewrites this file and `docs/charts/`; "
                + "`scripts/bench.sh report` re-renders them from the last results.\n\n");
        RunEnv env = results.env();
        b.append("Run: ").append(env == null ? "environment not recorded" : env.mode() + " mode, " + env.date())
                .append("; produced by `").append(regenerate).append("`.\n\n");
        b.append("Every figure is measured on the machine named under its table, one thread, with real INT8 "
                + "compute. The *claims* are the seed's published numbers (an i7-12700K timing a "
                + "transformer stub that computed nothing), printed beside ours for comparison only; *ours/claim* "
                + "below 1 means we are faster (latency) or gain less (speedup). On a shared machine other work inflates means "
                + "and p99 (the load average at the start of the run is printed under each table; ± is JMH's 99.9 % "
                + "interval): compare ratios within one run, and p50 where the mean is far above it. Energy figures are **estimates** "
                + "from operation and byte counts (Horowitz, ISSCC 2014, 45 nm; `EnergyModel`), not "
                + "measurements.\n\n");
        tiers(b);
        mixes(b);
        scalingSection(b);
        gemm(b);
        miniLm(b);
        breakdown(b);
        extra(b, "Peers on SpamAssassin", "peers", "Gated quality and speed against peer systems on the "
                + "SpamAssassin corpus (input file `peers-spamassassin.json`).");
        extra(b, "Gated quality on SpamAssassin (mcgt eval)", "quality", "The calibrated policy's natural mix on "
                + "real e-mails, with the quality figures of `mcgt eval` beside its savings (input file "
                + "`gated-quality.json`).");
        extra(b, "Gated quality per MAC (mcgt calibrate --target-cosine)", "frontier", "Every policy `mcgt calibrate "
                + "--target-cosine` explored on its sample, replayed exactly: per tier-1 variant and skip rule, the best "
                + "document cosine to the ungated vectors within each MAC budget, and the chart of the whole frontier "
                + "with the targets (input files `quality-curve.json`, `quality-frontier.json` of "
                + "`scripts/bench-quality.sh`).");
        chart(b, "mac-quality.png", "Document cosine to ungated against MACs, one curve per tier-1 variant and skip rule");
        extra(b, "Flink job throughput", "flink", "The Flink scoring job against the ONNX Runtime peer job on the "
                + "same graph, `scripts/bench-job.sh` (input file `flink-throughput.json`).");
        extra(b, "Flink job: cost per record by stage", "breakdown", "JMH breakdown of the job's per-record work "
                + "(`scripts/bench-job.sh breakdown`, input file `job-breakdown.json`).");
        others(b);
        return b.toString();
    }

    private void tiers(StringBuilder b) {
        b.append("## Compute tiers, one inference\n\n");
        b.append("A full chunk of tokens (micro 32, baseline 64) on one stream whose KV cache is in steady state. "
                + "Tier 0: coherent packet; tier 1: REDUCE_SCOPE (boundary edges above the policy maximum); "
                + "tier 2: FORCE_SAFE; tier 3: a cache hit (the chunk just computed, sent again with the skip flag). "
                + "Mean from JMH average-time mode; p50 and p99 from sample-time mode (each sampled call timed "
                + "with `System.nanoTime`, which adds a few tens of ns: it matters only for tier 3). Bytes and "
                + "energy are per inference, counted by `InferStats`; implied bandwidth = (weight + KV bytes) / "
                + "mean latency; *speedup (p50)* divides medians, which resist interference from other processes.\n\n");
        chart(b, "tier-latency.png", "Mean latency per tier, ours and claimed (log scale)");
        for (String preset : PRESETS) {
            b.append("### ").append(preset).append("\n\n");
            Latency t0 = tier(preset, 0);
            if (t0.records().isEmpty() && tier(preset, 1).records().isEmpty()) {
                b.append(NOT_MEASURED).append("\n\n");
                continue;
            }
            Fmt.Table lat = new Fmt.Table("tier", "mean µs", "± (99.9 %)", "p50 µs", "p99 µs", "QPS",
                    "speedup vs tier 0", "speedup (p50)", "claimed mean µs", "ours/claim (latency)", "claimed speedup", "ours/claim (speedup)", "target");
            Fmt.Table work = new Fmt.Table("tier", "MACs", "weights read", "KV read", "KV written",
                    "implied bandwidth GB/s", "est. energy µJ", "est. energy vs tier 0");
            List<JmhRecord> used = new ArrayList<>();
            Set<String> kernels = new LinkedHashSet<>();
            Optional<WorkRecord> w0 = tierWork(preset, 0);
            for (int tier = 0; tier <= 3; tier++) {
                Latency l = tier(preset, tier);
                used.addAll(l.records());
                double speedup = t0.mean() / l.mean();
                double claimMean = Claims.TIER_MEAN_US.get(preset)[tier];
                double claimSpeed = Claims.TIER_SPEEDUP.get(preset)[tier];
                double target = Claims.TIER_TARGET.get(preset)[tier];
                lat.row(label(tier), Fmt.num(l.mean()), Fmt.num(l.error()), Fmt.num(l.p50()), Fmt.num(l.p99()),
                        Fmt.num(1e6 / l.mean()), tier == 0 ? "1×" : Fmt.times(speedup),
                        tier == 0 ? "1×" : Fmt.times(t0.p50() / l.p50()), Fmt.compact(claimMean), Fmt.num(l.mean() / claimMean),
                        tier == 0 || Double.isNaN(claimSpeed) ? Fmt.NONE : Fmt.compact(claimSpeed) + "×", tier == 0 ? Fmt.NONE : Fmt.num(speedup / claimSpeed),
                        Double.isNaN(target) ? Fmt.NONE : Fmt.verdict(speedup, target));
                Optional<WorkRecord> w = tierWork(preset, tier);
                w.ifPresent(x -> kernels.add(x.kernel()));
                double bytes = w.map(WorkRecord::bytesMoved).orElse(Double.NaN);
                double energy = w.map(x -> x.get("estimatedEnergyPicojoules")).orElse(Double.NaN);
                double energy0 = w0.map(x -> x.get("estimatedEnergyPicojoules")).orElse(Double.NaN);
                work.row(label(tier), Fmt.num(w.map(x -> x.get("macs")).orElse(Double.NaN)),
                        Fmt.bytes(w.map(x -> x.get("weightBytesRead")).orElse(Double.NaN)),
                        Fmt.bytes(w.map(x -> x.get("kvBytesRead")).orElse(Double.NaN)),
                        Fmt.bytes(w.map(x -> x.get("kvBytesWritten")).orElse(Double.NaN)),
                        Fmt.num(bytes / (l.mean() * 1e-6) / 1e9), Fmt.num(energy / 1e6),
                        energy == 0 ? "0 (nothing computed)" : Fmt.num(energy / energy0));
            }
            b.append(lat).append('\n').append(work).append('\n');
            b.append(setup(used, kernels)).append("\n\n");
        }
    }

    private static String label(int tier) {
        return switch (tier) {
            case 0 -> "0 (full)";
            case 1 -> "1 (reduced)";
            case 2 -> "2 (safe)";
            default -> "3 (cache hit)";
        };
    }

    private void mixes(StringBuilder b) {
        b.append("## Workload mixes\n\n");
        b.append("One stream serving a seeded sequence of requests (`Workloads.sequence`: 200 requests in exact "
                + "proportions, shuffled with a fixed seed) whose tiers follow the mix's shares of skip (tier 3 "
                + "cache hit) / tier 1 / tier 0. Latency per request from JMH sample-time mode over the sampled "
                + "requests; the speedup divides the mean of the all-tier-0 sequence by the mix's mean. MiniLM: "
                + "all-MiniLM-L6-v2 imported to INT8, 128-token chunks, KV cache of the stream on. A mix whose "
                + "tier-0 requests cost what they cost alone cannot beat 100 / (tier-0 share) over all-tier-0: "
                + "streaming ≤ 10×, interactive ≤ 5×, continuous ≤ 2.5×, safety-critical ≤ 1.54× (the seed's "
                + "10–15× for streaming exceeds that bound).\n\n");
        chart(b, "mix-speedup.png", "Speedup of each mix over all-tier-0, ours and claimed (low end)");
        for (String model : MIX_MODELS) {
            b.append("### ").append(model).append("\n\n");
            Latency base = mix(model, "tier0");
            boolean any = !base.records().isEmpty();
            for (String m : MIX_NAMES) any |= !mix(model, m).records().isEmpty();
            if (!any) {
                b.append(NOT_MEASURED).append("\n\n");
                continue;
            }
            Fmt.Table t = new Fmt.Table("mix (skip/t1/t0)", "mean µs", "± (99.9 %)", "p50 µs", "p99 µs", "samples",
                    "speedup vs all-tier-0", "predicted from tier p50s", "claimed speedup", "ours/claim", "claimed mean µs (ours/claim)",
                    "claimed p99 µs (ours/claim)", "target", "est. energy µJ/request", "est. energy vs all-tier-0");
            List<JmhRecord> used = new ArrayList<>(base.records());
            Set<String> kernels = new LinkedHashSet<>();
            double e0 = mixWork(model, "tier0").map(w -> w.get("estimatedEnergyPicojoules")).orElse(Double.NaN);
            for (String m : MIX_NAMES) {
                Latency l = mix(model, m);
                used.addAll(l.records());
                double speedup = base.mean() / l.mean();
                Claims.MixClaim c = Claims.mix(model, m);
                Optional<WorkRecord> w = mixWork(model, m);
                w.ifPresent(x -> kernels.add(x.kernel()));
                double e = w.map(x -> x.get("estimatedEnergyPicojoules")).orElse(Double.NaN);
                double target = Claims.mixTarget(model, m);
                t.row(m + " (" + shares(m) + ")", Fmt.num(l.mean()), Fmt.num(l.error()), Fmt.num(l.p50()), Fmt.num(l.p99()),
                        l.samples() == 0 ? Fmt.NONE : String.format(java.util.Locale.ROOT, "%,d", l.samples()),
                        Fmt.times(speedup), Fmt.times(predictedSpeedup(model, m)), c.speedup(),
                        Fmt.num(speedup / c.low()),
                        Double.isNaN(c.meanUs()) ? Fmt.NONE : Fmt.compact(c.meanUs()) + " (" + Fmt.num(l.mean() / c.meanUs()) + ")",
                        Double.isNaN(c.p99Us()) ? Fmt.NONE : Fmt.compact(c.p99Us()) + " (" + Fmt.num(l.p99() / c.p99Us()) + ")",
                        Double.isNaN(target) ? Fmt.NONE : Fmt.verdict(speedup, target), Fmt.num(e / 1e6),
                        Fmt.num(e / e0));
            }
            mixWork(model, "tier0").ifPresent(x -> kernels.add(x.kernel()));
            t.row("all tier 0 (0/0/100)", Fmt.num(base.mean()), Fmt.num(base.error()), Fmt.num(base.p50()), Fmt.num(base.p99()),
                    base.samples() == 0 ? Fmt.NONE : String.format(java.util.Locale.ROOT, "%,d", base.samples()),
                    "1×", Fmt.NONE, Fmt.NONE, Fmt.NONE, Fmt.NONE, Fmt.NONE, Fmt.NONE, Fmt.num(e0 / 1e6), "1");
            b.append(t).append('\n');
            b.append("*ours/claim* compares our speedup with the low end of the claimed range (or the preset's own "
                    + "published figure). *Predicted from tier p50s* is not a measurement: the speedup the mix would "
                    + "have if each request took its tier's median latency from the tier table above. ").append(setup(used, kernels)).append("\n\n");
        }
    }

    /**
     * The speedup a mix would have if every request took its tier's median latency (the tier benchmark's p50s):
     * tier-0 p50 / Σ share × p50 of the request's tier. A prediction, not a measurement; it resists the
     * interference that inflates means on a shared machine. NaN when a tier's p50 is missing (MiniLM has none).
     */
    double predictedSpeedup(String model, String mix) {
        Workloads.Mix m = Workloads.Mix.of(mix);
        double t3 = tier(model, 3).p50();
        double t1 = tier(model, 1).p50();
        double t0 = tier(model, 0).p50();
        double mean = (m.skip * t3 + m.tier1 * t1 + m.tier0 * t0) / 100.0;
        return t0 / mean;
    }

    /** e.g. {@code 40/40/20} for {@code interactive}. */
    private static String shares(String mix) {
        return Workloads.Mix.of(mix).shares();
    }

    private void scalingSection(StringBuilder b) {
        b.append("## Scaling with sequence length and window\n\n");
        b.append("Tier 0 on a small synthetic decoder (hidden 64, 4 heads, 2 layers, no KV cache, one chunk of n "
                + "tokens): window attention needs O(n·W) query-key dot products, full causal attention O(n²) "
                + "(n(n+1)/2 per head and layer); projections and FFN grow as O(n) in both. *Attention dots* are "
                + "counted by `InferStats` (all heads and layers). Mean latency from JMH average-time mode.\n\n");
        List<JmhRecord> used = new ArrayList<>();
        Set<String> kernels = new LinkedHashSet<>();
        for (JmhRecord r : results.of(SCALING, "avgt")) {
            used.add(r);
            results.workOf(r).ifPresent(w -> kernels.add(w.kernel()));
        }
        if (used.isEmpty()) {
            b.append(NOT_MEASURED).append("\n\n");
            return;
        }
        chart(b, "scaling-seqlen.png", "Latency against sequence length, window 16 and full attention, with "
                + "O(n·W) and O(n²) references (log-log)");
        b.append("### Sequence length (window 16 and full attention)\n\n");
        Fmt.Table t = new Fmt.Table("n", "W=16 mean µs", "full mean µs", "full / W=16 (time)", "attention dots W=16",
                "attention dots full", "full / W=16 (dots)", "growth from n/2: W=16", "growth from n/2: full",
                "O(n·W) predicts", "O(n²) predicts");
        for (int i = 0; i < SEQ_LENS.length; i++) {
            int n = SEQ_LENS[i];
            double w = scalingMean(n, "w16");
            double f = scalingMean(n, "full");
            String gw = Fmt.NONE;
            String gf = Fmt.NONE;
            if (i > 0) {
                gw = Fmt.times(w / scalingMean(SEQ_LENS[i - 1], "w16"));
                gf = Fmt.times(f / scalingMean(SEQ_LENS[i - 1], "full"));
            }
            t.row(n, Fmt.num(w), Fmt.num(f), Fmt.times(f / w), Fmt.num(scalingDots(n, "w16")),
                    Fmt.num(scalingDots(n, "full")), Fmt.times(scalingDots(n, "full") / scalingDots(n, "w16")), gw, gf,
                    i == 0 ? Fmt.NONE : "2×", i == 0 ? Fmt.NONE : "4×");
        }
        b.append(t).append('\n');
        double dotRatio = scalingDots(1024, "full") / scalingDots(1024, "w16");
        double timeRatio = scalingMean(1024, "full") / scalingMean(1024, "w16");
        b.append("Claim: at n = 1024, W = 16 needs ").append(Fmt.compact(Claims.WINDOW16_N1024_FEWER_OPS)).append("×")
                .append(" fewer attention operations than full attention (n²/(n·W), counting both directions). "
                        + "Ours, causal: ").append(Fmt.times(dotRatio)).append(" fewer dot products (ours/claim ")
                .append(Fmt.num(dotRatio / Claims.WINDOW16_N1024_FEWER_OPS)).append("), and ")
                .append(Fmt.times(timeRatio)).append(" less time for the whole inference.\n\n");
        chart(b, "scaling-window.png", "Latency against window size at n = 1024");
        b.append("### Window size (n = 1024)\n\n");
        Fmt.Table wt = new Fmt.Table("W", "mean µs", "attention dots", "dots vs W=4", "time vs W=4");
        double d4 = scalingDots(1024, "w4");
        double t4 = scalingMean(1024, "w4");
        for (int w : WINDOWS) {
            wt.row(w, Fmt.num(scalingMean(1024, "w" + w)), Fmt.num(scalingDots(1024, "w" + w)),
                    Fmt.times(scalingDots(1024, "w" + w) / d4), Fmt.times(scalingMean(1024, "w" + w) / t4));
        }
        wt.row("full (1024)", Fmt.num(scalingMean(1024, "full")), Fmt.num(scalingDots(1024, "full")),
                Fmt.times(scalingDots(1024, "full") / d4), Fmt.times(scalingMean(1024, "full") / t4));
        b.append(wt).append('\n').append(setup(used, kernels)).append("\n\n");
    }

    private void gemm(StringBuilder b) {
        List<JmhRecord> recs = results.of(GEMM, "avgt");
        if (recs.isEmpty()) return;
        b.append("## INT8 GEMM kernels\n\n");
        b.append("One quantized linear layer per call (M activation rows × K inputs × N outputs). GMAC/s = M·K·N "
                + "divided by the mean time per call; *best* from the fastest iteration; *cpu* from the benchmark "
                + "thread's CPU time (leaves out time spent waiting for a core on a shared machine). Kernel "
                + "`native` is the best rung of the native ladder this CPU runs (docs/NATIVE-KERNELS.md).\n\n");
        b.append(gemmTable(recs)).append('\n').append(setup(recs, Set.of())).append("\n\n");
        Ceiling c = results.ceiling();
        if (c == null) {
            b.append("The C ceiling (`../shared/tools/gemm-ceiling/run.sh`) was not measured in this run.\n\n");
            return;
        }
        b.append("### Against the machine's C ceiling\n\n");
        b.append("The hand-written C kernels of `../shared/tools/gemm-ceiling/run.sh` (AVX2 `vpmaddubsw` and "
                + "`vpmaddwd`, AVX-512 VNNI and AMX where the CPU has them), run in the same session; the tool "
                + "names shapes m×n×k, shown here as M×K×N. Targets: the native kernel ≥ 70 % of the best variant, "
                + "the Vector API kernel ≥ 90 % of the AVX2 `vpmaddwd` variant (`c_madd16_4x2`). Ours from the cpu "
                + "GMAC/s column above; the tool reports medians of wall time.\n\n");
        Fmt.Table t = new Fmt.Table("M×K×N", "best C variant", "its GMAC/s", "C vpmaddwd GMAC/s", "native GMAC/s",
                "native / best C", "target", "vector GMAC/s", "vector / C vpmaddwd", "target");
        for (String shape : c.gmacs().keySet()) {
            var best = c.best(shape).orElseThrow();
            double madd = c.of(shape, "c_madd16_4x2");
            double nat = cpuGmacs(recs, "native", shape);
            double vec = cpuGmacs(recs, "vector", shape);
            t.row(shape.replace("x", "×"), best.getKey(), Fmt.num(best.getValue()), Fmt.num(madd), Fmt.num(nat),
                    Fmt.pct(nat / best.getValue()), Fmt.verdictShare(nat / best.getValue(), 0.7), Fmt.num(vec),
                    Fmt.pct(vec / madd), Fmt.verdictShare(vec / madd, 0.9));
        }
        b.append(t).append('\n');
    }

    /** CPU-time GMAC/s of one kernel on one shape, NaN when not measured. */
    private static double cpuGmacs(List<JmhRecord> recs, String kernel, String shape) {
        for (JmhRecord r : recs) {
            if (kernel.equals(r.param("kernel")) && shape.equals(r.param("shape"))) {
                String[] d = shape.split("x");
                double macs = Double.parseDouble(d[0]) * Double.parseDouble(d[1]) * Double.parseDouble(d[2]);
                Double calls = r.secondary().get("calls");
                Double cpu = r.secondary().get("cpuNanos");
                return calls != null && cpu != null && cpu > 0 ? macs * calls / cpu : Double.NaN;
            }
        }
        return Double.NaN;
    }

    /** CPU milliseconds per call of a record (secondary counters cpuNanos / calls), NaN when absent. */
    private static double cpuMillis(JmhRecord r) {
        Double calls = r.secondary().get("calls");
        Double cpu = r.secondary().get("cpuNanos");
        return calls != null && cpu != null && calls > 0 ? cpu / calls / 1e6 : Double.NaN;
    }

    private void miniLm(StringBuilder b) {
        List<JmhRecord> recs = results.of(MINILM, "avgt");
        if (recs.isEmpty()) return;
        b.append("## all-MiniLM-L6-v2 tier 0 against ONNX Runtime\n\n");
        b.append("One chunk of `tokens` ids ([CLS] … [SEP]), one thread, gate passing (tier 0, full window, fresh "
                + "stream state per call), against ONNX Runtime 1.20 on the same ids with one intra-op thread: its "
                + "fp32 model and its INT8 model (`-q`, dynamic quantization). Every engine returns the mean-pooled, "
                + "L2-normalised embedding. *cpu* is the benchmark thread's CPU time per call; ratios are "
                + "ours / ONNX Runtime INT8 in this run (target ≤ 1.0, stretch 0.8).\n\n");
        Fmt.Table t = new Fmt.Table("tokens", "engine", "kernel", "wall ms", "± (99.9 %)", "cpu ms",
                "vs ORT INT8 (cpu)", "vs ORT INT8 (wall)", "target");
        Set<String> tokens = new java.util.TreeSet<>(java.util.Comparator.comparingInt(Integer::parseInt));
        for (JmhRecord r : recs) tokens.add(r.param("tokens"));
        for (String tok : tokens) {
            JmhRecord ort = recs.stream().filter(r -> tok.equals(r.param("tokens")) && "ortInt8".equals(r.param("engine")))
                    .findFirst().orElse(null);
            for (JmhRecord r : recs) {
                if (!tok.equals(r.param("tokens"))) continue;
                String engine = r.param("engine");
                boolean ours = "mcgt".equals(engine);
                double cpuRatio = ort == null ? Double.NaN : cpuMillis(r) / cpuMillis(ort);
                double wallRatio = ort == null ? Double.NaN : r.scoreMicros() / ort.scoreMicros();
                t.row(tok, engine, ours ? Objects.toString(r.param("kernel"), "auto") : Fmt.NONE,
                        Fmt.num(r.scoreMicros() / 1e3), Fmt.num(JmhRecord.toMicros(r.scoreError(), r.unit()) / 1e3),
                        Fmt.num(cpuMillis(r)), ours ? Fmt.times(cpuRatio) : Fmt.NONE,
                        ours ? Fmt.times(wallRatio) : Fmt.NONE, ours ? verdictAtMost(cpuRatio, 1.0) : Fmt.NONE);
            }
        }
        b.append(t).append('\n').append(setup(recs, Set.of())).append("\n\n");
    }

    private static String verdictAtMost(double v, double limit) {
        if (Double.isNaN(v)) return Fmt.NONE;
        return v <= limit ? "pass (≤ " + Fmt.num(limit) + "×)" : "**fail** (≤ " + Fmt.num(limit) + "×)";
    }

    /** The operations of Tier0BreakdownBenchmark: counter prefix and label, in table order. */
    private static final String[][] OPS = {
        {"qkv", "Q, K, V projections (GEMM)"}, {"attentionOut", "attention output projection (GEMM)"},
        {"ffnUp", "FFN up (GEMM)"}, {"ffnDown", "FFN down (GEMM)"},
        {"scores", "attention scores Q·Kᵀ (int8 GEMM per head)"}, {"softmax", "softmax"}, {"pv", "attention · V"},
        {"attention", "attention block (scores, softmax, ·V fused in one native call)"}, {"gelu", "GELU"},
        {"layerNorm", "LayerNorm"}, {"quantize", "activation quantization"}, {"residual", "residual adds"},
        {"otherKernel", "other kernel calls"}};

    private void breakdown(StringBuilder b) {
        List<JmhRecord> recs = results.of(BREAKDOWN, "avgt");
        if (recs.isEmpty()) return;
        b.append("## Where a MiniLM tier-0 inference spends its time\n\n");
        b.append("All-MiniLM-L6-v2, one chunk, tier 0, one thread (`Tier0BreakdownBenchmark`): every kernel call "
                + "timed and filed under its operation; *bookkeeping* is what no kernel call accounts for "
                + "(embeddings, visible-key lists, pooling, counters, the timing itself). ms per inference, and "
                + "the share of the inference's wall time.\n\n");
        List<String> head = new ArrayList<>(List.of("operation"));
        for (JmhRecord r : recs) head.add(r.param("kernel") + ", " + r.param("tokens") + " tokens");
        Fmt.Table t = new Fmt.Table(head.toArray(new String[0]));
        for (String[] op : OPS) {
            boolean any = recs.stream().anyMatch(r -> r.secondary().getOrDefault(op[0] + "Nanos", 0.0) > 0);
            if (!any) continue;
            List<Object> row = new ArrayList<>(List.of(op[1]));
            for (JmhRecord r : recs) row.add(opCell(r, r.secondary().getOrDefault(op[0] + "Nanos", 0.0)));
            t.row(row.toArray());
        }
        List<Object> book = new ArrayList<>(List.of("bookkeeping"));
        List<Object> total = new ArrayList<>(List.of("**whole inference** (wall; cpu)"));
        for (JmhRecord r : recs) {
            double calls = r.secondary().getOrDefault("calls", Double.NaN);
            double wall = r.secondary().getOrDefault("wallNanos", Double.NaN);
            double sum = 0;
            for (String[] op : OPS) sum += r.secondary().getOrDefault(op[0] + "Nanos", 0.0);
            book.add(opCell(r, wall - sum));
            total.add(Fmt.num(wall / calls / 1e6) + " ms; " + Fmt.num(r.secondary().getOrDefault("cpuNanos", Double.NaN)
                    / calls / 1e6) + " ms");
        }
        t.row(book.toArray());
        t.row(total.toArray());
        b.append(t).append('\n').append(setup(recs, Set.of())).append("\n\n");
    }

    private static String opCell(JmhRecord r, double nanos) {
        double calls = r.secondary().getOrDefault("calls", Double.NaN);
        double wall = r.secondary().getOrDefault("wallNanos", Double.NaN);
        if (nanos <= 0) return Fmt.NONE;
        return Fmt.num(nanos / calls / 1e6) + " (" + Fmt.pct(nanos / wall) + ")";
    }

    /** The GMAC/s table of GemmBenchmark records (also printed by {@code ReportMain gemm}). */
    static String gemmTable(List<JmhRecord> recs) {
        Fmt.Table t = new Fmt.Table("kernel", "M×K×N", "mean µs/call", "± (99.9 %)", "GMAC/s", "best GMAC/s",
                "cpu GMAC/s");
        for (JmhRecord r : recs) {
            String shape = r.param("shape");
            double macs = Double.NaN;
            if (shape != null) {
                String[] d = shape.split("x");
                if (d.length == 3) macs = Double.parseDouble(d[0]) * Double.parseDouble(d[1]) * Double.parseDouble(d[2]);
            }
            double us = r.scoreMicros();
            double best = r.percentileMicros(0);
            Double calls = r.secondary().get("calls");
            Double cpu = r.secondary().get("cpuNanos");
            double cpuGmacs = calls != null && cpu != null && cpu > 0 ? macs * calls / cpu : Double.NaN;
            t.row(Objects.toString(r.param("kernel"), Fmt.NONE), shape == null ? Fmt.NONE : shape.replace("x", "×"),
                    Fmt.num(us), Fmt.num(JmhRecord.toMicros(r.scoreError(), r.unit())), Fmt.num(macs / us / 1e3),
                    Fmt.num(macs / best / 1e3), Fmt.num(cpuGmacs));
        }
        return t.toString();
    }

    private void extra(StringBuilder b, String title, String key, String what) {
        b.append("## ").append(title).append("\n\n");
        ExtraTable t = results.extra().get(key);
        if (t == null) {
            b.append(what).append(' ').append(NOT_MEASURED).append("\n\n");
            return;
        }
        b.append(what).append("\n\n").append(t.render());
    }

    private void others(StringBuilder b) {
        Set<String> shown = Set.of(TIERS, MIXES, SCALING, GEMM, MINILM, BREAKDOWN);
        List<JmhRecord> rest = results.jmh().stream().filter(r -> !shown.contains(r.className())).toList();
        if (rest.isEmpty()) return;
        b.append("## Other JMH results\n\n");
        b.append("Benchmarks of the suite that have no section of their own, as JMH reported them.\n\n");
        Fmt.Table t = new Fmt.Table("benchmark", "params", "mode", "score", "± (99.9 %)", "unit", "p50", "p99");
        for (JmhRecord r : rest) {
            boolean sample = r.mode().equals("sample");
            t.row(r.className() + "." + r.benchmark().substring(r.benchmark().lastIndexOf('.') + 1),
                    r.params().isEmpty() ? Fmt.NONE : r.params().toString().replaceAll("[{}]", ""), r.mode(),
                    Fmt.num(r.score()), Fmt.num(r.scoreError()), r.unit(),
                    sample ? Fmt.num(r.percentiles().getOrDefault(50.0, Double.NaN)) : Fmt.NONE,
                    sample ? Fmt.num(r.percentiles().getOrDefault(99.0, Double.NaN)) : Fmt.NONE);
        }
        b.append(t).append('\n').append(setup(rest, Set.of())).append("\n\n");
    }

    private void chart(StringBuilder b, String file, String alt) {
        if (charts.contains(file)) b.append("![").append(alt).append("](charts/").append(file).append(")\n\n");
    }

    /** The line under a table: machine, JDK, kernel, date, JMH settings of the records it was made from. */
    String setup(List<JmhRecord> used, Set<String> kernels) {
        RunEnv env = results.env();
        Set<String> jdks = new LinkedHashSet<>();
        Set<String> settings = new LinkedHashSet<>();
        Set<String> modes = new LinkedHashSet<>();
        String jmhVersion = "";
        for (JmhRecord r : used) {
            jdks.add(r.settings().jdkVersion() + " (" + r.settings().vmName() + " " + r.settings().vmVersion() + ")");
            settings.add(r.settings().describe());
            modes.add(r.mode());
            jmhVersion = r.settings().jmhVersion();
        }
        StringBuilder s = new StringBuilder("*Setup:* ");
        s.append(env == null ? "machine not recorded" : env.machine());
        s.append("; JDK ").append(jdks.isEmpty() ? (env == null ? Fmt.NONE : env.jdk()) : String.join(", ", jdks));
        s.append("; kernel ").append(kernels.isEmpty() ? "as chosen by the benchmark (see params)"
                : String.join(", ", kernels));
        s.append("; ").append(env == null ? "date not recorded" : env.date());
        if (!settings.isEmpty()) {
            s.append("; JMH ").append(jmhVersion).append(": ").append(String.join(" / ", settings)).append(", mode ")
                    .append(String.join("+", modes));
        }
        return s.append('.').toString();
    }
}
