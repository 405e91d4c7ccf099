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
import dev.mcgt.runtime.RuntimeOptions;
import dev.mcgt.runtime.TokenPruning;
import dev.mcgt.runtime.TruncatedTier;
import dev.mcgt.scoring.Evaluation;
import dev.mcgt.scoring.GatingProfile;
import dev.mcgt.scoring.GatingProfileJson;
import dev.mcgt.scoring.SkipRule;
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
                "Quality (--target-cosine C): instead of a fixed mix, find the cheapest policy whose document vectors "
                + "stay within the target of the ungated ones on the sample. The sample is also scored ungated and "
                + "each chunk once at tier 1 (per variant); every candidate policy (thresholds for a grid of mixes, "
                + "--grid-step) is then replayed exactly without running the model: tiers through the gate, tier-1 "
                + "vectors through the lens, skipped chunks by the skip rule, MACs summed. The report prints the "
                + "explored curve (MAC ratio, cosine mean/p5/min, nearest-centroid accuracy and AUC when documents "
                + "have labels) and the chosen point, which is then verified by rescoring. Needs cross-chunk "
                + "context off (the encoder default) and no --safe-percent.", "",
                "Tier 1 (--tier1): truncated (the model's tier-1 layers and tokens), lens (truncated, mapped into "
                + "the final layer's space by an affine map fitted on the sample by ridge least squares and stored in "
                + "the policy file), pruned (every layer, tokens merged after --prune-after layers down to "
                + "--keep-tokens), pruned+lens, or all (explore every variant and keep the cheapest that meets the "
                + "target). --skip-rule nearest|none|all: what a skipped chunk contributes.", "",
                "The report (stdout, JSON) gives requested, predicted (replay) and achieved (rescoring) mixes. "
                + "Exit code 1 when the achieved mix stays outside the tolerance (the nearest policy is written "
                + "anyway), when no explored policy meets --target-cosine (the best one is written), or when input "
                + "lines were rejected.", ""})
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

    @Option(names = "--target-cosine", paramLabel = "C",
            description = "Calibrate to quality: the cheapest policy whose mean document cosine to the ungated vectors "
                    + "is at least C on the sample (instead of --mix).")
    Double targetCosine;

    @Option(names = "--target-p5", paramLabel = "C", defaultValue = "0",
            description = "With --target-cosine: also require the 5th percentile of the document cosines to reach C "
                    + "(default: ${DEFAULT-VALUE}, not required).")
    double targetP5;

    @Option(names = "--mac-budget", paramLabel = "RATIO",
            description = "With --target-cosine: choose instead the best cosine among policies whose MACs are at most "
                    + "RATIO of ungated (e.g. 0.35), for comparing variants at equal MACs; the report says whether the "
                    + "cosine targets are met there.")
    Double macBudget;

    @Option(names = "--grid-step", paramLabel = "POINTS", defaultValue = "10",
            description = "With --target-cosine: step of the explored skip and tier-1 shares, percentage points "
                    + "(default: ${DEFAULT-VALUE}).")
    double gridStep;

    @Option(names = "--tier1", paramLabel = "VARIANT", defaultValue = "all",
            description = "How tier 1 runs: truncated, lens, pruned, pruned+lens, or all: explore every variant and "
                    + "keep the best (default: ${DEFAULT-VALUE}; with --mix, the one with the best replayed cosine).")
    String tier1;

    @Option(names = "--skip-rule", paramLabel = "RULE", defaultValue = "nearest",
            description = "What a skipped chunk contributes: nearest (the most similar computed chunk's vector), none, "
                    + "or all: explore both (default: ${DEFAULT-VALUE}).")
    String skipRule;

    @Option(names = "--prune-after", paramLabel = "N", defaultValue = "0",
            description = "Pruned variants: layers run on every token before merging, 0 for the default (1, or what "
                    + "fits a small model).")
    int pruneAfter;

    @Option(names = "--keep-tokens", paramLabel = "N", defaultValue = "0",
            description = "Pruned variants: tokens left after merging, 0 for the default (32, or a quarter of a "
                    + "shorter chunk).")
    int keepTokens;

    @Option(names = "--lens-layers", paramLabel = "N", defaultValue = "0",
            description = "Lens variant: layers its tier 1 runs before the lens, 0 for every layer (default: ${DEFAULT-VALUE}).")
    int lensLayers;

    @Option(names = "--lens-tokens", paramLabel = "N", defaultValue = "-1",
            description = "Lens variant: the chunk's first N tokens its tier 1 keeps, 0 for the whole chunk (default: a "
                    + "quarter of the chunk).")
    int lensTokens;

    @Option(names = "--head-coverage", paramLabel = "F,F,...", split = ",", defaultValue = "0,0.1,0.2,0.25,0.3",
            description = "With --target-cosine, lens variant: the shares of reducible chunks (lowest head coverage "
                    + "first) that the head coverage rule may send to tier 0 instead of tier 1, each explored with "
                    + "every mix; 0 is the rule off (default: ${DEFAULT-VALUE}). A chunk whose first tokens, the only "
                    + "ones the lens tier computes, are unlike its other tokens (cosine of their mean embeddings) is "
                    + "where a head tier loses most.")
    List<Double> headCoverage;

    @Option(names = "--write-each", paramLabel = "DIR",
            description = "With --target-cosine: also write, for every explored tier-1 variant and skip rule, its "
                    + "cheapest policy that meets the targets on the sample (else its best cosine) as "
                    + "DIR/<variant>-<rule>.json, for 'mcgt eval --policy ...' side by side (checked by replay only).")
    Path writeEach;

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
        boolean quality = targetCosine != null;
        if (quality && !(targetCosine > 0 && targetCosine <= 1)) throw Usage.error(spec, "--target-cosine must be in (0, 1]");
        if (!(targetP5 >= 0 && targetP5 <= 1)) throw Usage.error(spec, "--target-p5 must be in 0..1");
        if (!(gridStep >= 1 && gridStep <= 50)) throw Usage.error(spec, "--grid-step must be in 1..50");
        if (quality && safePercent > 0) throw Usage.error(spec, "--target-cosine does not combine with --safe-percent");
        if (writeEach != null && !quality) throw Usage.error(spec, "--write-each needs --target-cosine");
        if (macBudget != null && !quality) throw Usage.error(spec, "--mac-budget needs --target-cosine");
        if (macBudget != null && !(macBudget > 0 && macBudget <= 1)) throw Usage.error(spec, "--mac-budget must be in (0, 1]");
        List<GatingProfile.Variant> variants = tier1.equals("all") ? List.of(GatingProfile.Variant.values())
                : List.of(Usage.fromOptions(spec, () -> GatingProfile.Variant.parse(tier1)));
        List<SkipRule> rules = skipRule.equals("all") ? List.of(SkipRule.values())
                : List.of(Usage.fromOptions(spec, () -> SkipRule.parse(skipRule)));
        if (pruneAfter < 0 || keepTokens < 0) throw Usage.error(spec, "--prune-after and --keep-tokens cannot be negative");
        if (lensTokens < -1 || lensLayers < 0) throw Usage.error(spec, "--lens-layers and --lens-tokens cannot be negative");
        for (double h : headCoverage) if (!(h >= 0 && h < 1)) throw Usage.error(spec, "--head-coverage shares must be in [0, 1)");
        GatePolicy base = PolicyResolver.resolve(spec, basePolicy);
        ScorerFactory factory = run.scorers();
        ScorerConfig config = new ScorerConfig(run.maxTokens, run.overlap, true, UngatedMacs.NONE)
                .withTextPrefix(run.textPrefix.value());
        Options.checkScorer(spec, () -> factory.scorer(PROBE_ONLY, config));
        boolean encoder = factory.model().weights().config().isEncoder();
        if (!encoder && (quality || variants.size() > 1 || variants.get(0) != GatingProfile.Variant.TRUNCATED)) {
            throw Usage.error(spec, "this model is a decoder: only --tier1 truncated and --mix apply");
        }
        int layers = factory.model().weights().config().layers();
        int seqLen = factory.model().weights().config().seqLenMax();
        TokenPruning fitted = GatingProfile.of(base).forModel(factory.model().weights().config()).pruning();
        TokenPruning pruning = Usage.fromOptions(spec, () -> new TokenPruning(
                pruneAfter > 0 ? pruneAfter : fitted == null ? 1 : fitted.afterLayers(),
                keepTokens > 0 ? keepTokens : fitted == null ? 2 : fitted.keepTokens()));
        if (variants.stream().anyMatch(GatingProfile.Variant::pruned)) {
            Options.checkScorer(spec, () -> pruning.checkFor(layers, seqLen));
        }
        TruncatedTier lensTier = Usage.fromOptions(spec,
                () -> new TruncatedTier(lensLayers == 0 ? layers : lensLayers,
                        lensTokens == 0 ? seqLen : lensTokens < 0 ? Math.max(1, seqLen / 4) : lensTokens).checkFor(layers, seqLen));

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

        // what each chunk gives at each tier, when the choice depends on quality
        QualitySearch search = null;
        boolean needsQuality = quality || variants.size() > 1 || rules.size() > 1
                || variants.stream().anyMatch(GatingProfile.Variant::usesLens);
        if (needsQuality) {
            // each distinct tier-1 shape is measured once (pruned and pruned+lens share theirs)
            List<RuntimeOptions> shapeOptions = new ArrayList<>();
            int[] shapeOf = new int[variants.size()];
            for (int i = 0; i < variants.size(); i++) {
                RuntimeOptions o = QualitySearch.variantProfile(pruning, lensTier, variants.get(i), SkipRule.NEAREST, base,
                        null).runtimeOptions(RuntimeOptions.defaults());
                int at = shapeOptions.indexOf(o);
                if (at < 0) {
                    at = shapeOptions.size();
                    shapeOptions.add(o);
                }
                shapeOf[i] = at;
            }
            ParallelScoring.Outcome<QualitySampler.Measured> q = ParallelScoring.run(sampleDocs, n,
                    () -> new QualitySampler(factory, config, shapeOptions, lensTier.tokens()),
                    QualitySampler::measure, "calibrate (tiers)", err, run.progressSeconds);
            if (q.results().size() != sampleDocs.size()) throw McgtException.badInput("some documents could not be scored ungated");
            search = new QualitySearch(factory.fingerprint(), calibrator, sample.streams(), q.results(), variants, shapeOf,
                    pruning, lensTier, sampleDocs.stream().map(InputDocument::label).toList());
        }

        List<QualitySearch.Point> explored = new ArrayList<>();
        QualitySearch.Point chosen = null;
        GatingProfile.Variant variant = variants.get(0);
        SkipRule rule = rules.get(0);
        if (quality) {
            for (GatingProfile.Variant v : variants) {
                for (SkipRule r : rules) {
                    List<Double> shares = v == GatingProfile.Variant.LENS ? headCoverage : List.of(0.0);
                    for (double share : shares) {
                        float min = search.headCoverageQuantile(share);
                        for (CalibrationMix m : QualitySearch.grid(gridStep)) explored.add(search.point(v, r, m, min));
                    }
                }
            }
            for (QualitySearch.Point p : explored) if (better(p, chosen)) chosen = p;
            if (chosen == null) {
                for (QualitySearch.Point p : explored) {
                    if (chosen == null || p.cosine().mean() > chosen.cosine().mean()) chosen = p;
                }
            }
            variant = chosen.profile().variant();
            rule = chosen.profile().skipRule();
            if (writeEach != null) writeEach(explored, err);
            long[] t = chosen.outcome().tiers();
            requested = CalibrationMix.ofCounts(t[3], t[1], t[0]);
            err.println("mcgt calibrate: explored " + explored.size() + " policies; chosen " + chosen.profile().describe()
                    + " at " + requested + ": MACs " + pct(100 * chosen.outcome().macRatio()) + " %, cosine mean "
                    + String.format(Locale.ROOT, "%.4f", chosen.cosine().mean()) + " (p5 "
                    + String.format(Locale.ROOT, "%.4f", chosen.cosine().p5()) + ")");
            err.flush();
        } else if (search != null) {
            // --mix with several variants or rules: the same mix for each, keep the best replayed cosine
            GatePolicy policy = calibrator.calibrate(sample, requested, safePercent).policy();
            for (GatingProfile.Variant v : variants) {
                for (SkipRule r : rules) {
                    QualitySearch.Point p = search.evaluate(search.profile(v, r, policy), requested);
                    explored.add(p);
                    if (chosen == null || p.cosine().mean() > chosen.cosine().mean()) chosen = p;
                }
            }
            variant = chosen.profile().variant();
            rule = chosen.profile().skipRule();
        }
        GatingProfile shape = search != null ? search.profile(variant, rule, base)
                : QualitySearch.variantProfile(pruning, lensTier, variant, rule, base, null);
        if (chosen != null) shape = shape.withHeadCoverageMin(chosen.profile().headCoverageMin());
        if (!encoder) shape = shape.forDecoder();

        CalibrationMix aim = quality ? chosen.aim() : requested;   // round 1 rescoring the chosen point's own policy
        Attempt best = null;
        List<Attempt> attempts = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            CalibrationResult r = calibrator.calibrate(sample, aim, safePercent);
            GatingProfile profile = shape.withPolicy(r.policy());
            ParallelScoring.Outcome<DocumentResult> verified = ParallelScoring.run(sampleDocs, n,
                    () -> factory.scorer(profile, config), CalibrateCommand::score, "calibrate (verifying)", err,
                    run.progressSeconds);
            long[] counts = new long[4];
            for (DocumentResult d : verified.results()) for (int t = 0; t < 4; t++) counts[t] += d.tierCount(t);
            CalibrationCounts achieved = CalibrationCounts.of(counts);
            Attempt a = new Attempt(round, aim, r, profile, achieved, miss(requested, achieved), verified.results());
            attempts.add(a);
            err.println("mcgt calibrate: round " + round + ": aimed " + aim + ", replay " + r.predictedMix()
                    + ", achieved " + achieved.mix() + " (tier 2: " + pct(achieved.safePercent()) + " % of chunks)");
            err.flush();
            if (best == null || a.miss() < best.miss()) best = a;
            if (a.miss() <= tolerance) break;
            aim = Calibrator.corrected(aim, requested, achieved.mix());
        }
        GatingProfileJson.save(best.profile(), out);
        boolean within = best.miss() <= tolerance;
        boolean meets = !quality || chosen.meets(targetCosine, targetP5);
        ObjectNode report = report(requested, best, attempts, sample, within, measured.results().size(),
                loaded.rejected() + measured.rejected());
        if (search != null) report.set("quality", qualityReport(search, explored, chosen, best, meets));
        spec.commandLine().getOut().println(Json.pretty(report));
        spec.commandLine().getOut().flush();
        String summary = "requested " + requested + ", achieved " + best.achieved().mix() + " (skip/tier1/tier0 %; tier 2: "
                + pct(best.achieved().safePercent()) + " % of chunks) on " + sample.chunks() + " chunks of "
                + sampleDocs.size() + " documents, tier 1 " + best.profile().describe();
        if (!within) {
            err.println("mcgt: calibration missed: " + summary + "; the nearest policy (off by "
                    + pct(best.miss()) + " points, tolerance " + pct(tolerance) + ") was written to " + out);
            err.flush();
            return Main.EXIT_FAILURE;
        }
        if (!meets) {
            err.println("mcgt: calibration missed: no explored policy reaches cosine " + targetCosine
                    + (targetP5 > 0 ? " (p5 " + targetP5 + ")" : "") + " on the sample; the best one (cosine "
                    + String.format(Locale.ROOT, "%.4f", chosen.cosine().mean()) + ") was written to " + out);
            err.flush();
            return Main.EXIT_FAILURE;
        }
        err.println("mcgt calibrate: " + summary + "; policy written to " + out);
        err.flush();
        return loaded.rejected() + measured.rejected() == 0 ? 0 : Main.EXIT_FAILURE;
    }

    /**
     * Whether {@code p} is an acceptable point that beats {@code than} (null: acceptable at all): without a MAC
     * budget, meeting the cosine targets at fewer MACs; with one, within the budget, meeting the targets (mean and
     * p5) before not meeting them, then at a higher mean cosine.
     */
    private boolean better(QualitySearch.Point p, QualitySearch.Point than) {
        if (macBudget != null) {
            if (p.outcome().macRatio() > macBudget) return false;
            if (than == null) return true;
            // within the budget, a point that meets the cosine targets (mean and p5) beats one that does not
            boolean pm = p.meets(targetCosine, targetP5);
            boolean tm = than.meets(targetCosine, targetP5);
            if (pm != tm) return pm;
            return p.cosine().mean() > than.cosine().mean();
        }
        if (!p.meets(targetCosine, targetP5)) return false;
        return than == null || p.outcome().macRatio() < than.outcome().macRatio();
    }

    /** Per variant and skip rule, the cheapest explored point that meets the targets (else the best cosine). */
    private void writeEach(List<QualitySearch.Point> explored, PrintWriter err) throws IOException {
        java.nio.file.Files.createDirectories(writeEach);
        java.util.Map<String, QualitySearch.Point> best = new java.util.LinkedHashMap<>();
        for (QualitySearch.Point p : explored) {
            String key = p.profile().variant().label().replace('+', '-') + "-" + p.profile().skipRule().label();
            QualitySearch.Point b = best.get(key);
            boolean pa = better(p, null);
            boolean ba = b != null && better(b, null);
            boolean better = b == null || (pa && !ba) || (pa && ba && better(p, b))
                    || (!pa && !ba && p.cosine().mean() > b.cosine().mean());
            if (better) best.put(key, p);
        }
        for (var e : best.entrySet()) {
            Path file = writeEach.resolve(e.getKey() + ".json");
            GatingProfileJson.save(e.getValue().profile(), file);
            err.println("mcgt calibrate: " + e.getKey() + ": MACs " + pct(100 * e.getValue().outcome().macRatio())
                    + " %, cosine " + String.format(Locale.ROOT, "%.4f", e.getValue().cosine().mean()) + " (p5 "
                    + String.format(Locale.ROOT, "%.4f", e.getValue().cosine().p5()) + ")"
                    + (e.getValue().meets(targetCosine, targetP5) ? "" : " [misses the target]") + " -> " + file);
        }
        err.flush();
    }

    /** The quality section: lenses, the explored curve, the chosen point and what the rescoring gave. */
    private ObjectNode qualityReport(QualitySearch search, List<QualitySearch.Point> explored, QualitySearch.Point chosen,
                                     Attempt best, boolean meets) {
        ObjectNode o = Json.object();
        if (targetCosine != null) {
            o.put("targetCosine", targetCosine);
            o.put("targetP5", targetP5);
            o.put("met", meets);
        }
        if (search.ungatedQuality() != null) {
            o.put("ungatedAccuracy", QualitySearch.round(search.ungatedQuality().accuracy()));
            o.put("ungatedAuc", QualitySearch.round(search.ungatedQuality().auc()));
        }
        if (best.profile().lens() != null) {
            ObjectNode l = o.putObject("lens");
            l.put("source", best.profile().lens().source());
            l.put("ridge", best.profile().lens().ridge());
            l.put("pairs", best.profile().lens().pairs());
        }
        o.set("chosen", QualitySearch.node(chosen));
        // the rescoring with the written policy, against the ungated vectors of the same documents
        List<float[]> gated = best.results().stream().map(DocumentResult::embedding).toList();
        List<float[]> ungated = search.ungatedVectors();
        Evaluation.CosineStats c = Evaluation.cosines(gated, ungated);
        long macs = 0;
        for (DocumentResult d : best.results()) macs += d.macs();
        ObjectNode v = o.putObject("verified");
        v.put("mix", best.achieved().mix().toString());
        v.put("macRatio", QualitySearch.round((double) macs / search.ungatedMacs()));
        ObjectNode cos = v.putObject("cosine");
        cos.put("mean", QualitySearch.round(c.mean()));
        cos.put("p5", QualitySearch.round(c.p5()));
        cos.put("min", QualitySearch.round(c.min()));
        o.set("explored", QualitySearch.curve(explored));
        return o;
    }

    /** The sample's chunk signals of one document. */
    private record Measured(InputDocument doc, List<CalibrationChunk> chunks) { }

    /** One verification round. */
    private record Attempt(int round, CalibrationMix aim, CalibrationResult result, GatingProfile profile,
                           CalibrationCounts achieved, double miss, List<DocumentResult> results) { }

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
        int[] content = s.contentTokens(text);
        int limit = s.scorerConfig().maxTokens();
        int keep = limit > 0 ? Math.min(limit, content.length) : content.length;
        List<Chunker.Chunk> chunks = s.chunker().split(keep == content.length ? content : Arrays.copyOf(content, keep));
        if (chunks.size() != chunkCount) return null;
        long[] sig = new long[chunkCount];
        for (int i = 0; i < chunkCount; i++) sig[i] = Signatures.ofTokens(chunks.get(i).ids());
        return sig;
    }

    private static DocumentResult score(DocumentScorer s, InputDocument d) {
        return s.scoreDocument(d.id(), d.text());
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
        o.put("textPrefix", run.textPrefix.value());
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
        o.put("tier1", best.profile().describe());
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
