package dev.mcgt.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcgt.McgtException;
import dev.mcgt.scoring.GatingProfile;
import dev.mcgt.scoring.GatingProfileJson;
import dev.mcgt.scoring.ChunkResult;
import dev.mcgt.scoring.DocumentResult;
import dev.mcgt.scoring.DocumentScorer;
import dev.mcgt.scoring.Evaluation;
import dev.mcgt.scoring.ScorerConfig;
import dev.mcgt.scoring.UngatedMacs;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mcgt eval}: scores every selected document twice, gated (the policy) and ungated (every chunk in full),
 * and prints one JSON report: documents, chunks, tier mix, MAC ratio, cosine between the gated and ungated
 * document embeddings, and — with labels — accuracy and ROC AUC of a nearest-centroid classifier fitted on the
 * even-indexed labelled documents and scored on the odd-indexed ones, gated and ungated.
 */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Score JSON-lines documents {\"id\", \"text\", \"label\"?} gated and ungated and print one JSON "
                + "report: documents, chunks, tier mix, MAC ratio (gated / ungated), cosine between gated and ungated "
                + "document embeddings (mean, p5, min) and, when documents have labels, accuracy and ROC AUC of a "
                + "nearest-centroid classifier (fitted on the even-indexed labelled documents in input order, scored on "
                + "the odd-indexed ones) on gated and on ungated embeddings. A diagnostics section repeats cosine and "
                + "classification for gated vectors pooled from the tier-0 chunks only. Progress goes to stderr; bad lines are "
                + "reported on stderr with their number and the exit code is then 1 (the report covers the good ones).",
                ""})
final class EvalCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin SampleRunOptions run;

    @Option(names = "--policy", paramLabel = "NAME|FILE", defaultValue = "default",
            description = "Policy of the gated run: default, conservative, permissive or a .json file, e.g. from "
                    + "'mcgt calibrate' (default: ${DEFAULT-VALUE}). Repeat to compare several (e.g. one per tier-1 "
                    + "variant and skip rule): each is one entry of 'runs' in the report, the first also at the top.")
    List<String> policies;

    @Option(names = "--positive-label", paramLabel = "LABEL",
            description = "The positive class of the ROC AUC (default: spam when present, else the lexicographically "
                    + "last label).")
    String positiveLabel;

    @Option(names = "--per-document", paramLabel = "FILE",
            description = "Also write one JSON line per document: id, label, tokens, per chunk its tokens (and, when the first policy has "
                    + "a truncated tier 1, its head coverage) and, per run, its tier and the cosine of its contribution to its ungated vector, and the document cosine "
                    + "(which documents pull the p5 down, and why).")
    java.nio.file.Path perDocument;

    /** What one document gave under one gated profile. */
    private record GatedEval(float[] vector, float[] fullOnly, int[] tiers, long macs, long micros, int[] chunkTiers,
                             double[] chunkCosines) { }

    /** What one document gave, gated (one per profile) and ungated. */
    private record DocEval(InputDocument doc, List<GatedEval> gated, float[] ungated, long ungatedMacs, int tokens,
                           long ungatedMicros, int[] chunkTokens, double[] headCoverage) { }

    /** The scorers of one thread. */
    private record Pair(List<DocumentScorer> gated, DocumentScorer ungated) { }

    @Override
    public Integer call() throws IOException {
        run.check(spec);
        List<String> names = policies == null || policies.isEmpty() ? List.of("default") : policies;
        List<GatingProfile> profiles = new ArrayList<>();
        for (String name : names) profiles.add(PolicyResolver.resolveProfile(spec, name));
        ScorerFactory factory = run.scorers();
        ScorerConfig gatedConfig = new ScorerConfig(run.maxTokens, run.overlap, true, UngatedMacs.NONE)
                .withTextPrefix(run.textPrefix.value());
        ScorerConfig ungatedConfig = new ScorerConfig(run.maxTokens, run.overlap, false, UngatedMacs.ANALYTIC)
                .withTextPrefix(run.textPrefix.value());
        for (GatingProfile p : profiles) Options.checkScorer(spec, () -> factory.scorer(p, gatedConfig));
        PrintWriter err = spec.commandLine().getErr();
        JsonlDocuments.Loaded loaded = JsonlDocuments.read(run.input, run.selection, err);
        if (loaded.documents().isEmpty()) throw McgtException.badInput("no documents to evaluate in '" + run.input + "'");
        String requestedPositive = positiveLabel;
        if (requestedPositive != null) {
            List<String> labels = loaded.documents().stream().map(InputDocument::label).filter(l -> l != null).toList();
            if (!labels.isEmpty()) Usage.fromOptions(spec, () -> Evaluation.positiveLabel(labels, requestedPositive));
        }
        int n = Options.threads(run.threads);
        ParallelScoring.Outcome<DocEval> outcome = ParallelScoring.run(loaded.documents(), n,
                () -> new Pair(profiles.stream().map(p -> factory.scorer(p, gatedConfig)).toList(),
                        factory.scorer(profiles.get(0), ungatedConfig)),
                EvalCommand::evaluate, "eval", err, run.progressSeconds);
        List<DocEval> docs = outcome.results();
        if (docs.isEmpty()) throw McgtException.badInput("no document of '" + run.input + "' could be scored");
        ObjectNode report = report(factory.fingerprint(), docs, names, profiles, loaded.rejected() + outcome.rejected(), n,
                outcome.seconds());
        spec.commandLine().getOut().println(Json.pretty(report));
        spec.commandLine().getOut().flush();
        if (perDocument != null) writePerDocument(docs, names);
        err.println("mcgt eval: " + docs.size() + " documents evaluated in "
                + String.format(java.util.Locale.ROOT, "%.1f", outcome.seconds()) + " s");
        err.flush();
        return loaded.rejected() + outcome.rejected() == 0 ? 0 : Main.EXIT_FAILURE;
    }

    private static DocEval evaluate(Pair s, InputDocument d) {
        DocumentResult u = s.ungated().scoreDocument(d.id(), d.text());
        List<GatedEval> gated = new ArrayList<>(s.gated().size());
        int chunks = u.chunkResults().size();
        for (DocumentScorer scorer : s.gated()) {
            DocumentResult g = scorer.scoreDocument(d.id(), d.text());
            int[] chunkTiers = new int[chunks];
            double[] chunkCosines = new double[chunks];
            for (int i = 0; i < chunks && i < g.chunkResults().size(); i++) {
                ChunkResult c = g.chunkResults().get(i);
                chunkTiers[i] = c.tier();
                chunkCosines[i] = Evaluation.cosine(c.output(), u.chunkResults().get(i).output());
            }
            gated.add(new GatedEval(g.embedding(), fullChunksOnly(g), g.tierCounts(), g.macs(), g.wallMicros(),
                    chunkTiers, chunkCosines));
        }
        int[] chunkTokens = new int[chunks];
        for (int i = 0; i < chunks; i++) chunkTokens[i] = u.chunkResults().get(i).tokens();
        // head coverage for the first run's truncated head (null without one)
        var head = s.gated().get(0).model().options().truncatedTier();
        double[] cover = head == null ? null : new double[chunks];
        List<dev.mcgt.text.Chunker.Chunk> cut = head == null ? List.of() : QualitySampler.chunks(s.ungated(), d.text());
        for (int i = 0; i < cut.size() && i < chunks; i++) cover[i] = s.ungated().headCoverage(cut.get(i).ids(), head.tokens());
        return new DocEval(d, gated, u.embedding(), u.macs(), u.tokens(), u.wallMicros(), chunkTokens, cover);
    }

    /** The --per-document lines, in input order. */
    private void writePerDocument(List<DocEval> docs, List<String> names) throws IOException {
        try (var w = java.nio.file.Files.newBufferedWriter(perDocument)) {
            for (DocEval d : docs) {
                ObjectNode o = Json.object();
                o.put("id", d.doc().id());
                if (d.doc().label() != null) o.put("label", d.doc().label());
                o.put("tokens", d.tokens());
                var ct = o.putArray("chunkTokens");
                for (int t : d.chunkTokens()) ct.add(t);
                if (d.headCoverage() != null) {
                    var hc = o.putArray("headCoverage");
                    for (double c : d.headCoverage()) hc.add(round(c));
                }
                var runs = o.putArray("runs");
                for (int r = 0; r < names.size(); r++) {
                    GatedEval g = d.gated().get(r);
                    ObjectNode ro = runs.addObject();
                    ro.put("policy", names.get(r));
                    ro.put("cosine", round(Evaluation.cosine(g.vector(), d.ungated())));
                    ro.put("macRatio", d.ungatedMacs() == 0 ? Double.NaN : round((double) g.macs() / d.ungatedMacs()));
                    var tiers = ro.putArray("chunkTiers");
                    for (int t : g.chunkTiers()) tiers.add(t);
                    var cos = ro.putArray("chunkCosines");
                    for (double c : g.chunkCosines()) cos.add(round(c));
                }
                w.write(Json.line(o));
                w.newLine();
            }
        }
    }

    /**
     * Diagnostic: the gated document vector pooled from the tier-0 chunks only (their outputs are final-layer
     * vectors, as the ungated run's), L2-normalised; null when no chunk ran tier 0.
     */
    private static float[] fullChunksOnly(DocumentResult g) {
        double[] sum = null;
        for (ChunkResult c : g.chunkResults()) {
            if (c.tier() != 0) continue;
            float[] v = c.output();
            if (sum == null) sum = new double[v.length];
            for (int i = 0; i < v.length; i++) sum[i] += v[i];
        }
        if (sum == null) return null;
        double norm = 0.0;
        for (double x : sum) norm += x * x;
        norm = Math.sqrt(norm);
        float[] out = new float[sum.length];
        if (norm == 0.0) return out;
        for (int i = 0; i < out.length; i++) out[i] = (float) (sum[i] / norm);
        return out;
    }

    private ObjectNode report(String fingerprint, List<DocEval> docs, List<String> names, List<GatingProfile> profiles,
                              long rejected, int threadCount, double seconds) {
        long ungatedMacs = 0;
        long tokens = 0;
        long ungatedMicros = 0;
        for (DocEval d : docs) {
            ungatedMacs += d.ungatedMacs();
            tokens += d.tokens();
            ungatedMicros += d.ungatedMicros();
        }
        ObjectNode o = Json.object();
        o.put("model", fingerprint);
        o.put("policy", names.get(0));
        o.put("input", Options.name(run.input));
        o.put("selection", run.selection.describe());
        o.put("maxTokens", run.maxTokens);
        o.put("textPrefix", run.textPrefix.value());
        o.put("documents", docs.size());
        o.put("rejected", rejected);
        o.put("tokens", tokens);
        List<ObjectNode> runs = new ArrayList<>();
        for (int r = 0; r < profiles.size(); r++) {
            runs.add(run(fingerprint, docs, r, names.get(r), profiles.get(r), ungatedMacs, ungatedMicros));
        }
        o.setAll(runs.get(0));
        o.put("threads", threadCount);
        ObjectNode time = (ObjectNode) o.get("seconds");
        time.put("wall", round(seconds));
        var array = o.putArray("runs");
        for (ObjectNode r : runs) array.add(r);
        return o;
    }

    /** The figures of one gated profile against the ungated run. */
    private ObjectNode run(String fingerprint, List<DocEval> docs, int r, String name, GatingProfile profile,
                           long ungatedMacs, long ungatedMicros) {
        long[] tiers = new long[4];
        long macs = 0;
        long gatedMicros = 0;
        List<float[]> gated = new ArrayList<>(docs.size());
        List<float[]> ungated = new ArrayList<>(docs.size());
        for (DocEval d : docs) {
            GatedEval g = d.gated().get(r);
            for (int t = 0; t < 4; t++) tiers[t] += g.tiers()[t];
            macs += g.macs();
            gatedMicros += g.micros();
            gated.add(g.vector());
            ungated.add(d.ungated());
        }
        long chunks = tiers[0] + tiers[1] + tiers[2] + tiers[3];
        ObjectNode o = Json.object();
        o.put("policy", name);
        o.put("tier1", profile.variant().label());
        o.put("tier1Shape", profile.describe());
        o.put("skipRule", profile.skipRule().label());
        o.put("crossChunkContext", GatingProfileJson.contextLabel(profile.context()));
        o.put("chunks", chunks);
        ObjectNode t = o.putObject("tiers");
        for (int i = 0; i < 4; i++) t.put(Integer.toString(i), tiers[i]);
        ObjectNode mix = o.putObject("mixPercent");
        mix.put("skip", pct(tiers[3], chunks));
        mix.put("tier1", pct(tiers[1], chunks));
        mix.put("tier0", pct(tiers[0], chunks));
        mix.put("tier2", pct(tiers[2], chunks));
        ObjectNode m = o.putObject("macs");
        m.put("gated", macs);
        m.put("ungated", ungatedMacs);
        m.put("ratio", ungatedMacs == 0 ? Double.NaN : (double) macs / ungatedMacs);
        Evaluation.CosineStats c = Evaluation.cosines(gated, ungated);
        ObjectNode cos = o.putObject("cosine");
        cos.put("mean", c.mean());
        cos.put("p5", c.p5());
        cos.put("min", c.min());
        o.set("classification", classification(fingerprint, docs, d -> d.gated().get(r).vector()));
        o.set("diagnostics", diagnostics(fingerprint, docs, r));
        ObjectNode time = o.putObject("seconds");
        time.put("gatedScoring", round(gatedMicros / 1e6));
        time.put("ungatedScoring", round(ungatedMicros / 1e6));
        time.put("ratio", ungatedMicros == 0 ? Double.NaN : round((double) gatedMicros / ungatedMicros));
        return o;
    }

    /**
     * What the document vectors would be if only the chunks that ran in full were pooled (documents without one
     * keep their gated vector): separates the loss of the pooling rule from the loss of the gate's choices.
     */
    private ObjectNode diagnostics(String fingerprint, List<DocEval> docs, int r) {
        List<float[]> full = new ArrayList<>(docs.size());
        List<float[]> ungated = new ArrayList<>(docs.size());
        int without = 0;
        for (DocEval d : docs) {
            GatedEval g = d.gated().get(r);
            if (g.fullOnly() == null) without++;
            full.add(g.fullOnly() == null ? g.vector() : g.fullOnly());
            ungated.add(d.ungated());
        }
        ObjectNode o = Json.object();
        ObjectNode f = o.putObject("tier0ChunksOnly");
        f.put("what", "gated document vector pooled from the tier-0 chunks only (documents without one keep theirs)");
        f.put("documentsWithoutTier0Chunk", without);
        Evaluation.CosineStats c = Evaluation.cosines(full, ungated);
        ObjectNode cos = f.putObject("cosine");
        cos.put("mean", c.mean());
        cos.put("p5", c.p5());
        cos.put("min", c.min());
        f.set("classification", classification(fingerprint, docs, d -> {
            GatedEval g = d.gated().get(r);
            return g.fullOnly() == null ? g.vector() : g.fullOnly();
        }));
        return o;
    }

    private com.fasterxml.jackson.databind.JsonNode classification(String fingerprint, List<DocEval> docs,
                                                                   java.util.function.Function<DocEval, float[]> vector) {
        List<String> labels = new ArrayList<>();
        List<float[]> gated = new ArrayList<>();
        List<float[]> ungated = new ArrayList<>();
        for (DocEval d : docs) {
            if (d.doc().label() == null) continue;
            labels.add(d.doc().label());
            gated.add(vector.apply(d));
            ungated.add(d.ungated());
        }
        ObjectNode o = Json.object();
        if (labels.isEmpty()) {
            o.put("skipped", "no document has a label");
            return o;
        }
        String positive = Evaluation.positiveLabel(labels, positiveLabel);
        Evaluation.Classification g;
        Evaluation.Classification u;
        try {
            g = Evaluation.nearestCentroid(fingerprint, labels, gated, positive);
            u = Evaluation.nearestCentroid(fingerprint, labels, ungated, positive);
        } catch (McgtException e) {
            o.put("skipped", e.detail());
            return o;
        }
        o.put("method", "nearest centroid, fitted on even-indexed labelled documents, scored on odd-indexed ones");
        o.put("positiveLabel", positive);
        o.put("labelledDocuments", labels.size());
        o.put("train", g.train());
        o.put("test", g.test());
        ObjectNode go = o.putObject("gated");
        go.put("accuracy", g.accuracy());
        go.put("auc", g.auc());
        ObjectNode uo = o.putObject("ungated");
        uo.put("accuracy", u.accuracy());
        uo.put("auc", u.auc());
        o.put("aucDelta", g.auc() - u.auc());
        return o;
    }

    private static double pct(long part, long total) {
        return total == 0 ? 0.0 : round(100.0 * part / total);
    }

    private static double round(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }
}
