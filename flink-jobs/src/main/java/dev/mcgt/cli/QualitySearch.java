package dev.mcgt.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcgt.McgtException;
import dev.mcgt.coherence.CalibrationChunk;
import dev.mcgt.coherence.CalibrationMix;
import dev.mcgt.coherence.CalibrationSample;
import dev.mcgt.coherence.Calibrator;
import dev.mcgt.config.GatePolicy;
import dev.mcgt.runtime.CrossChunkContext;
import dev.mcgt.runtime.TokenPruning;
import dev.mcgt.runtime.TruncatedTier;
import dev.mcgt.scoring.Evaluation;
import dev.mcgt.scoring.GatingProfile;
import dev.mcgt.scoring.HeadCoverage;
import dev.mcgt.scoring.QualityReplay;
import dev.mcgt.scoring.SkipRule;
import dev.mcgt.scoring.TunedLens;
import java.util.ArrayList;
import java.util.List;

/**
 * The quality side of {@code mcgt calibrate}: from the policy-independent measurements of a sample (signals,
 * sketches, tier-0 and raw tier-1 vectors and MACs per chunk) it fits the lenses, replays candidate policies
 * ({@link QualityReplay}: exact, no model run) over a grid of tier mixes for each tier-1 variant and skip rule,
 * and finds the cheapest profile whose document vectors meet the cosine targets against the ungated ones.
 */
final class QualitySearch {
    /**
     * One explored profile.
     *
     * @param profile  the profile (thresholds from {@link Calibrator#calibrate} for {@code aim})
     * @param aim      the mix the thresholds were chosen for
     * @param outcome  the replay's tiers, MACs and document vectors
     * @param cosine   document cosine to ungated
     * @param quality  nearest-centroid figures (null without labels)
     */
    record Point(GatingProfile profile, CalibrationMix aim, QualityReplay.Outcome outcome, Evaluation.CosineStats cosine,
                 Evaluation.Classification quality) {
        boolean meets(double targetCosine, double targetP5) {
            return cosine.mean() >= targetCosine && cosine.p5() >= targetP5;
        }
    }

    private final String fingerprint;
    private final Calibrator calibrator;
    private final CalibrationSample sample;
    private final java.util.Map<GatingProfile.Variant, QualityReplay> raw = new java.util.EnumMap<>(GatingProfile.Variant.class);
    private final java.util.Map<GatingProfile.Variant, QualityReplay> lensed = new java.util.EnumMap<>(GatingProfile.Variant.class);
    private final java.util.Map<GatingProfile.Variant, TunedLens> lenses = new java.util.EnumMap<>(GatingProfile.Variant.class);
    private final TokenPruning pruning;
    private final TruncatedTier lensTier;
    private final List<String> labels;
    private final String positive;
    private final Evaluation.Classification ungatedQuality;
    /**
     * @param measured per document, the measured tier-1 shapes
     * @param shapeOf  for each variant, the index of its measured shape
     * @param pruning  the pruned variants' token pruning
     * @param lensTier the lens variant's truncated sizes
     */
    QualitySearch(String fingerprint, Calibrator calibrator, List<List<CalibrationChunk>> signals,
                  List<QualitySampler.Measured> measured, List<GatingProfile.Variant> variants, int[] shapeOf,
                  TokenPruning pruning,
                  TruncatedTier lensTier, List<String> labels) {
        this.fingerprint = fingerprint;
        this.calibrator = calibrator;
        this.sample = new CalibrationSample(signals);
        this.pruning = pruning;
        this.lensTier = lensTier;
        for (int v = 0; v < variants.size(); v++) raw.put(variants.get(v), replay(signals, measured, shapeOf[v]));
        boolean labelled = labels.stream().allMatch(l -> l != null) && labels.stream().distinct().count() > 1;
        this.labels = labelled ? labels : null;
        this.positive = labelled ? Evaluation.positiveLabel(labels, null) : null;
        this.ungatedQuality = classify(any().ungatedVectors());
    }

    private QualityReplay any() {
        return raw.values().iterator().next();
    }

    private QualityReplay replay(List<List<CalibrationChunk>> signals, List<QualitySampler.Measured> measured, int shape) {
        List<QualityReplay.Document> docs = new ArrayList<>(measured.size());
        for (int i = 0; i < measured.size(); i++) {
            QualitySampler.Measured m = measured.get(i);
            docs.add(new QualityReplay.Document(signals.get(i), m.sketches(), QualitySampler.tier0(m.ungated()),
                    m.tier1().get(shape), QualitySampler.macs0(m.ungated()), m.macs1().get(shape),
                    m.ungated().embedding(), null, m.coverage()));
        }
        return new QualityReplay(docs, calibrator);
    }

    /** Fits (once) and returns the lens of a lens variant, on all pairs of the sample. */
    TunedLens lens(GatingProfile.Variant v) {
        TunedLens done = lenses.get(v);
        if (done != null) return done;
        QualityReplay r = raw.get(v);
        List<float[]> from = new ArrayList<>();
        List<float[]> sketches = new ArrayList<>();
        List<float[]> to = new ArrayList<>();
        List<Integer> groups = new ArrayList<>();
        for (int d = 0; d < r.documents().size(); d++) {
            QualityReplay.Document doc = r.documents().get(d);
            for (int c = 0; c < doc.tier0().size(); c++) {
                if (doc.macs1()[c] >= doc.macs0()[c] && !allExact(r)) continue;   // computed in full: never mapped
                from.add(doc.tier1().get(c));
                sketches.add(doc.sketches().get(c));
                to.add(doc.tier0().get(c));
                groups.add(d);
            }
        }
        TunedLens l = TunedLens.fitSelecting(fingerprint, source(v), from, sketches, to,
                groups.stream().mapToInt(Integer::intValue).toArray(), TunedLens.RIDGES,
                List.of(TunedLens.Prior.ZERO, TunedLens.Prior.IDENTITY));
        lenses.put(v, l);
        return l;
    }

    /** Whether tier 1 computed every chunk of the sample in full (then its lens is fitted on all pairs). */
    private static boolean allExact(QualityReplay r) {
        for (QualityReplay.Document doc : r.documents()) {
            for (int c = 0; c < doc.macs0().length; c++) if (doc.macs1()[c] < doc.macs0()[c]) return false;
        }
        return true;
    }

    private static String source(GatingProfile.Variant v) {
        return v.pruned() ? "pruned" : "truncated";
    }

    /** Folds of the cross-fitting: each document's tier-1 vectors are mapped by a lens fitted on the other folds. */
    static final int FOLDS = 5;

    /**
     * The replay of a lens variant whose tier-1 vectors are mapped by the lens fitted, with the chosen form and
     * ridge, on the documents of the other {@link #FOLDS} − 1 folds (document d is in fold d mod 5).
     */
    private QualityReplay crossFitted(GatingProfile.Variant v) {
        QualityReplay done = lensed.get(v);
        if (done != null) return done;
        QualityReplay r = raw.get(v);
        TunedLens all = lens(v);
        boolean exact = allExact(r);
        TunedLens[] half = new TunedLens[FOLDS];
        for (int h = 0; h < FOLDS; h++) {
            List<float[]> from = new ArrayList<>();
            List<float[]> sketches = new ArrayList<>();
            List<float[]> to = new ArrayList<>();
            for (int d = 0; d < r.documents().size(); d++) {
                if (d % FOLDS == h) continue;
                QualityReplay.Document doc = r.documents().get(d);
                for (int c = 0; c < doc.tier0().size(); c++) {
                    if (doc.macs1()[c] >= doc.macs0()[c] && !exact) continue;
                    from.add(doc.tier1().get(c));
                    sketches.add(doc.sketches().get(c));
                    to.add(doc.tier0().get(c));
                }
            }
            half[h] = from.isEmpty() ? all : TunedLens.fit(fingerprint, source(v), from,
                    all.withSketch() ? sketches : null, to, all.ridge(), all.prior());
        }
        List<QualityReplay.Document> docs = new ArrayList<>();
        for (int d = 0; d < r.documents().size(); d++) {
            QualityReplay.Document doc = r.documents().get(d);
            List<float[]> mapped = new ArrayList<>(doc.tier1().size());
            for (int c = 0; c < doc.tier1().size(); c++) {
                float[] x = doc.tier1().get(c);
                mapped.add(doc.macs1()[c] < doc.macs0()[c] ? half[d % FOLDS].map(x, doc.sketches().get(c)) : x);
            }
            docs.add(new QualityReplay.Document(doc.signals(), doc.sketches(), doc.tier0(), mapped, doc.macs0(),
                    doc.macs1(), doc.ungated(), doc.label(), doc.coverage()));
        }
        QualityReplay x = new QualityReplay(docs, calibrator);
        lensed.put(v, x);
        return x;
    }

    /** The base profile of a variant and rule (thresholds still to set). */
    GatingProfile profile(GatingProfile.Variant v, SkipRule rule, GatePolicy policy) {
        return variantProfile(pruning, lensTier, v, rule, policy, v.usesLens() ? lens(v) : null);
    }

    /** The profile of a variant: the pruned ones prune, lens uses the lens-tier sizes, truncated the model's. */
    static GatingProfile variantProfile(TokenPruning pruning, TruncatedTier lensTier, GatingProfile.Variant v,
                                        SkipRule rule, GatePolicy policy, TunedLens lens) {
        return new GatingProfile(policy, v.pruned() ? pruning : null, v == GatingProfile.Variant.LENS ? lensTier : null,
                lens, rule, CrossChunkContext.MODEL_DEFAULT);
    }

    /** Replays one profile whose thresholds are chosen for {@code aim}. */
    Point point(GatingProfile.Variant v, SkipRule rule, CalibrationMix aim) {
        return point(v, rule, aim, 0f);
    }

    /** Replays one profile whose thresholds are chosen for {@code aim}, with a head coverage minimum (0: none). */
    Point point(GatingProfile.Variant v, SkipRule rule, CalibrationMix aim, float headCoverageMin) {
        GatePolicy policy = calibrator.calibrate(sample, aim, 0.0).policy();
        return evaluate(profile(v, rule, policy).withHeadCoverageMin(headCoverageMin), aim);
    }

    /**
     * The head coverage below which the given fraction of the sample's chunks lies, among the chunks longer than
     * the lens tier's head (those tier 1 would reduce); 0 for a fraction of 0. A coverage minimum chosen so sends
     * about that fraction of the reducible tier-1 chunks to tier 0.
     */
    float headCoverageQuantile(double fraction) {
        if (fraction <= 0) return 0f;
        List<Float> c = new ArrayList<>();
        for (QualityReplay.Document d : any().documents()) {
            if (d.coverage() == null) return 0f;
            for (int i = 0; i < d.coverage().length; i++) if (d.macs1()[i] < d.macs0()[i]) c.add(d.coverage()[i]);
        }
        if (c.isEmpty()) return 0f;
        java.util.Collections.sort(c);
        int k = (int) Math.min(c.size() - 1, Math.floor(fraction * c.size()));
        return Math.min(1f, Math.max(Math.ulp(0f), c.get(k)));
    }

    /**
     * Replays a given profile. A lens is not applied in sample, where it would look better than on new documents:
     * each document's tier-1 vectors go through a lens fitted on the other folds of the sample (cross-fitting,
     * {@link #FOLDS} folds, same form and ridge).
     */
    Point evaluate(GatingProfile p, CalibrationMix aim) {
        QualityReplay r = p.lens() == null ? raw.get(p.variant()) : crossFitted(p.variant());
        HeadCoverage h = p.headCoverageMin() > 0f ? new HeadCoverage(p.truncated().tokens(), p.headCoverageMin()) : null;
        QualityReplay.Outcome o = r.replay(p.policy(), null, p.skipRule(), h);
        return new Point(p, aim, o, Evaluation.cosines(o.vectors(), r.ungatedVectors()), classify(o.vectors()));
    }

    /** The grid of mixes: skip and tier-1 shares in steps of {@code step} points, tier 0 the rest. */
    static List<CalibrationMix> grid(double step) {
        List<CalibrationMix> g = new ArrayList<>();
        for (double s = 0; s <= 90 + 1e-9; s += step) {
            for (double t = 0; s + t <= 100 + 1e-9; t += step) {
                g.add(new CalibrationMix(s, t, Math.max(0, 100 - s - t)));
            }
        }
        return g;
    }

    Evaluation.Classification ungatedQuality() { return ungatedQuality; }

    /** The ungated document vectors of the sample (the same for every profile). */
    List<float[]> ungatedVectors() {
        return any().ungatedVectors();
    }

    /** Tier-0 MACs of the whole sample. */
    long ungatedMacs() {
        QualityReplay r = any();
        long m = 0;
        for (QualityReplay.Document d : r.documents()) for (long x : d.macs0()) m += x;
        return m;
    }

    private Evaluation.Classification classify(List<float[]> vectors) {
        if (labels == null) return null;
        try {
            return Evaluation.nearestCentroid(fingerprint, labels, vectors, positive);
        } catch (McgtException e) {
            return null;
        }
    }

    /** A point as JSON for the report's curve. */
    static ObjectNode node(Point p) {
        ObjectNode o = Json.object();
        o.put("variant", p.profile().variant().label());
        o.put("skipRule", p.profile().skipRule().label());
        if (p.profile().headCoverageMin() > 0f) o.put("headCoverageMin", p.profile().headCoverageMin());
        o.put("aim", p.aim().toString());
        long[] t = p.outcome().tiers();
        long total = t[0] + t[1] + t[2] + t[3];
        o.put("mix", CalibrationMix.ofCounts(t[3], t[1], t[0]).toString());
        o.put("macRatio", round(p.outcome().macRatio()));
        ObjectNode c = o.putObject("cosine");
        c.put("mean", round(p.cosine().mean()));
        c.put("p5", round(p.cosine().p5()));
        c.put("min", round(p.cosine().min()));
        if (p.quality() != null) {
            o.put("accuracy", round(p.quality().accuracy()));
            o.put("auc", round(p.quality().auc()));
        }
        o.put("chunks", total);
        return o;
    }

    static ArrayNode curve(List<Point> points) {
        ArrayNode a = Json.MAPPER.createArrayNode();
        for (Point p : points) a.add(node(p));
        return a;
    }

    static double round(double v) {
        return Double.isNaN(v) ? v : Math.round(v * 10000.0) / 10000.0;
    }
}
