package dev.mcgt.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcgt.McgtException;
import dev.mcgt.coherence.CalibrationChunk;
import dev.mcgt.coherence.CalibrationCounts;
import dev.mcgt.coherence.CalibrationMix;
import dev.mcgt.coherence.CalibrationResult;
import dev.mcgt.coherence.CalibrationSample;
import dev.mcgt.coherence.Calibrator;
import dev.mcgt.coherence.SpikeDetectorConfig;
import dev.mcgt.config.GatePolicy;
import dev.mcgt.config.PolicyJson;
import dev.mcgt.gate.Signatures;
import dev.mcgt.scoring.ChunkResult;
import dev.mcgt.scoring.DocumentResult;
import dev.mcgt.scoring.DocumentScorer;
import dev.mcgt.scoring.ScorerConfig;
import dev.mcgt.scoring.UngatedMacs;
import dev.mcgt.text.Chunker;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mcgt calibrate}: measures the gate's signals on a sample of documents, chooses a policy for a requested
 * skip/tier-1/tier-0 mix ({@link Calibrator}), verifies it by rescoring the sample with that policy, corrects and
 * rescores again while the achieved mix misses by more than the tolerance, then writes the policy (JSON, as
 * {@code --policy FILE} reads it) and prints requested against achieved.
 */
@Command(name = "calibrate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Choose gate thresholds that give a requested tier mix on a sample of JSON-lines documents "
                + "{\"id\", \"text\"} and write them as a policy file for --policy.", "",
                "Steps: (1) score the sample once with a probe-only policy to measure each chunk's lambda, drop "
                + "ratio, boundary edges, boundary concentration, partitions and novelty; (2) pick thresholds in the "
                + "gate's order of checks: the novelty threshold for the skip share, lambdaMin for --safe-percent, "
                + "then one common quantile of drop ratio, boundary edges, concentration and partitions for the "
                + "tier-1 share (replaying the sample through the gate, spike rate and cache hits included); (3) "
                + "rescore the sample with the policy and compare; while the achieved mix misses any share by more "
                + "than --tolerance points, correct the aim by the miss and rescore (at most --rounds rescorings).",
                "",
                "Tier 2 is not part of the mix: the mix is the share of skipped (tier 3), reduced (tier 1) and full "
                + "(tier 0) chunks among the chunks that did not run tier 2. A calibrated policy sends no chunk to "
                + "tier 2 unless --safe-percent is given: lambdaMin is 0 and the spike-storm rule is off "
                + "(spikeRateQ15Max 32767); with --safe-percent P, lambdaMin sends the lowest-lambda P %% of all "
                + "chunks (among those not skipped) to tier 2.", "",
                "The report (stdout, JSON) gives requested, predicted (replay) and achieved (rescoring) mixes. "
                + "Exit code 1 when the achieved mix stays outside the tolerance (the nearest policy is written "
                + "anyway) or when input lines were rejected.", ""})
final class CalibrateCommand implements Callable<Integer> {
    /** Measures the signals only: every chunk that is not a first chunk is skipped (cheap), first chunks run tier 2. */
    static final GatePolicy PROBE_ONLY = new GatePolicy(0xFFFF_FFFFL, 32767, 0xFFFF, 32767, 0xFFFF, 32767, 32767,
            true, false);

    @Spec CommandSpec spec;

    @Mixin SampleRunOptions run;

    @Option(names = "--mix", paramLabel = "S/T1/T0", defaultValue = "40/40/20",
            description = "Requested percent of chunks skipped / at tier 1 / at tier 0, summing to 100 "
                    + "(default: ${DEFAULT-VALUE}, the interactive mix).")
    String mix;

    @Option(names = "--out", paramLabel = "FILE", required = true, description = "Where to write the policy JSON.")
    Path out;

    @Option(names = "--safe-percent", paramLabel = "P", defaultValue = "0",
            description = "Percent of all chunks to send to tier 2 by lambdaMin (default: ${DEFAULT-VALUE}: none).")
    double safePercent;

    @Option(names = "--tolerance", paramLabel = "POINTS", defaultValue = "5",
            description = "Largest accepted miss of any share, percentage points (default: ${DEFAULT-VALUE}).")
    double tolerance;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "3",
            description = "Most verification rescorings of the sample (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--base-policy", paramLabel = "NAME|FILE", defaultValue = "default",
            description = "Policy whose allowKvWriteWhenUnstable/allowExternalWriteWhenUnstable flags are kept "
                    + "(default: ${DEFAULT-VALUE}).")
    String basePolicy;

    @Override
    public Integer call() throws IOException {
        CalibrationMix requested = Usage.fromOptions(spec, () -> CalibrationMix.parse(mix));
        run.check(spec);
        if (!(safePercent >= 0 && safePercent < 100)) throw Usage.error(spec, "--safe-percent must be in 0..100 (exclusive)");
        if (!(tolerance >= 0)) throw Usage.error(spec, "--tolerance cannot be negative");
        if (rounds < 1) throw Usage.error(spec, "--rounds must be at least 1");
        GatePolicy base = PolicyResolver.resolve(spec, basePolicy);
        ScorerFactory factory = run.scorers();
        ScorerConfig config = new ScorerConfig(run.maxTokens, run.overlap, true, UngatedMacs.NONE);
        Options.checkScorer(spec, () -> factory.scorer(PROBE_ONLY, config));
        PrintWriter err = spec.commandLine().getErr();
        JsonlDocuments.Loaded loaded = JsonlDocuments.read(run.input, run.selection, err);
        if (loaded.documents().isEmpty()) throw McgtException.badInput("no documents to calibrate on in '" + run.input + "'");
        int n = Options.threads(run.threads);

        ParallelScoring.Outcome<Measured> measured = ParallelScoring.run(loaded.documents(), n,
                () -> factory.scorer(PROBE_ONLY, config), CalibrateCommand::measure, "calibrate (measuring)", err,
                run.progressSeconds);
        if (measured.results().isEmpty()) throw McgtException.badInput("no document of '" + run.input + "' could be scored");
        List<InputDocument> sampleDocs = measured.results().stream().map(Measured::doc).toList();
        CalibrationSample sample = new CalibrationSample(measured.results().stream().map(Measured::chunks).toList());

        Calibrator calibrator = new Calibrator(base, SpikeDetectorConfig.fromPolicy(PROBE_ONLY).rateShift());
        CalibrationMix aim = requested;
        Attempt best = null;
        List<Attempt> attempts = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            CalibrationResult r = calibrator.calibrate(sample, aim, safePercent);
            GatePolicy policy = r.policy();
            ParallelScoring.Outcome<long[]> verified = ParallelScoring.run(sampleDocs, n,
                    () -> factory.scorer(policy, config), CalibrateCommand::tiers, "calibrate (verifying)", err,
                    run.progressSeconds);
            long[] counts = new long[4];
            for (long[] c : verified.results()) for (int t = 0; t < 4; t++) counts[t] += c[t];
            CalibrationCounts achieved = CalibrationCounts.of(counts);
            Attempt a = new Attempt(round, aim, r, achieved, miss(requested, achieved));
            attempts.add(a);
            err.println("mcgt calibrate: round " + round + ": aimed " + aim + ", replay " + r.predictedMix()
                    + ", achieved " + achieved.mix() + " (tier 2: " + pct(achieved.safePercent()) + " % of chunks)");
            err.flush();
            if (best == null || a.miss() < best.miss()) best = a;
            if (a.miss() <= tolerance) break;
            aim = Calibrator.corrected(aim, requested, achieved.mix());
        }
        PolicyJson.save(best.result().policy(), out);
        boolean within = best.miss() <= tolerance;
        ObjectNode report = report(requested, best, attempts, sample, within, measured.results().size(),
                loaded.rejected() + measured.rejected());
        spec.commandLine().getOut().println(Json.pretty(report));
        spec.commandLine().getOut().flush();
        String summary = "requested " + requested + ", achieved " + best.achieved().mix() + " (skip/tier1/tier0 %; tier 2: "
                + pct(best.achieved().safePercent()) + " % of chunks) on " + sample.chunks() + " chunks of "
                + sampleDocs.size() + " documents";
        if (!within) {
            err.println("mcgt: calibration missed: " + summary + "; the nearest policy (off by "
                    + pct(best.miss()) + " points, tolerance " + pct(tolerance) + ") was written to " + out);
            err.flush();
            return Main.EXIT_FAILURE;
        }
        err.println("mcgt calibrate: " + summary + "; policy written to " + out);
        err.flush();
        return loaded.rejected() + measured.rejected() == 0 ? 0 : Main.EXIT_FAILURE;
    }

    /** The sample's chunk signals of one document. */
    private record Measured(InputDocument doc, List<CalibrationChunk> chunks) { }

    /** One verification round. */
    private record Attempt(int round, CalibrationMix aim, CalibrationResult result, CalibrationCounts achieved,
                           double miss) { }

    private static Measured measure(DocumentScorer s, InputDocument d) {
        DocumentResult r = s.scoreDocument(d.id(), d.text());
        long[] signatures = signatures(s, d.text(), r.chunks());
        List<CalibrationChunk> chunks = new ArrayList<>(r.chunks());
        for (int i = 0; i < r.chunks(); i++) {
            ChunkResult c = r.chunkResults().get(i);
            chunks.add(new CalibrationChunk(c.lambda(), c.lambdaPrev(), c.witness().boundaryEdges(),
                    c.witness().boundaryConcentrationQ15(), c.witness().partitionCount(), c.noveltyQ15(),
                    signatures == null ? 0L : signatures[i], signatures != null));
        }
        return new Measured(d, chunks);
    }

    /** The token signature of each chunk as the scorer cuts the document (null if the cut differs). */
    private static long[] signatures(DocumentScorer s, String text, int chunkCount) {
        int[] content = s.tokenizer().tokenize(text);
        int limit = s.scorerConfig().maxTokens();
        int keep = limit > 0 ? Math.min(limit, content.length) : content.length;
        List<Chunker.Chunk> chunks = s.chunker().split(keep == content.length ? content : Arrays.copyOf(content, keep));
        if (chunks.size() != chunkCount) return null;
        long[] sig = new long[chunkCount];
        for (int i = 0; i < chunkCount; i++) sig[i] = Signatures.ofTokens(chunks.get(i).ids());
        return sig;
    }

    private static long[] tiers(DocumentScorer s, InputDocument d) {
        int[] t = s.scoreDocument(d.id(), d.text()).tierCounts();
        return new long[] {t[0], t[1], t[2], t[3]};
    }

    /** The largest miss of a share, tier 2's share against --safe-percent included. */
    private double miss(CalibrationMix requested, CalibrationCounts achieved) {
        return Math.max(requested.distance(achieved.mix()), Math.abs(achieved.safePercent() - safePercent));
    }

    private ObjectNode report(CalibrationMix requested, Attempt best, List<Attempt> attempts, CalibrationSample sample,
                              boolean within, int documents, long rejected) {
        ObjectNode o = Json.object();
        o.put("input", Options.name(run.input));
        o.put("selection", run.selection.describe());
        o.put("maxTokens", run.maxTokens);
        o.put("documents", documents);
        o.put("rejected", rejected);
        o.put("chunks", sample.chunks());
        o.set("requested", mixNode(requested, safePercent));
        o.set("predicted", mixNode(best.result().predictedMix(), best.result().predicted().safePercent()));
        o.set("achieved", mixNode(best.achieved().mix(), best.achieved().safePercent()));
        ObjectNode tiers = o.putObject("achievedTiers");
        tiers.put("0", best.achieved().tier0());
        tiers.put("1", best.achieved().tier1());
        tiers.put("2", best.achieved().tier2());
        tiers.put("3", best.achieved().tier3());
        o.put("tolerancePoints", tolerance);
        o.put("missPoints", round(best.miss()));
        o.put("withinTolerance", within);
        o.put("round", best.round());
        o.put("rounds", attempts.size());
        o.put("out", out.toString());
        o.set("policy", Json.tree(best.result().policy()));
        return o;
    }

    private static ObjectNode mixNode(CalibrationMix m, double safe) {
        ObjectNode o = Json.object();
        o.put("skip", round(m.skip()));
        o.put("tier1", round(m.tier1()));
        o.put("tier0", round(m.tier0()));
        o.put("tier2PercentOfAll", round(safe));
        return o;
    }

    private static double round(double v) {
        return Math.round(v * 100.0) / 100.0;
    }

    private static String pct(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
