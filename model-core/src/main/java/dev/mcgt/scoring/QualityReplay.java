package dev.mcgt.scoring;

import dev.mcgt.McgtException;
import dev.mcgt.coherence.CalibrationChunk;
import dev.mcgt.coherence.CalibrationSample;
import dev.mcgt.coherence.Calibrator;
import dev.mcgt.config.GatePolicy;
import dev.mcgt.stream.PoolingMemory;
import java.util.ArrayList;
import java.util.List;

/**
 * What a gating profile would give on a measured sample, without running the model again: for each document the
 * gate's tiers (replayed through the real controller by {@link Calibrator#replayStream}), each chunk's vector
 * (tier 0 and tier 1 measured once, the lens applied, skipped chunks pooled by the {@link SkipRule} through the
 * same {@link PoolingMemory} as the scorer), the document vector ({@link DocumentAccumulator}) and the MACs.
 * Exact when chunk vectors do not depend on earlier chunks (cross-chunk context off) and the sample has no tier-2
 * chunks. Pure and deterministic: {@code mcgt calibrate --target-cosine} uses it to search thresholds.
 */
public final class QualityReplay {
    /**
     * One measured document.
     *
     * @param signals  the gate's signals of each chunk (policy-independent)
     * @param sketches each chunk's sketch ({@link DocumentScorer#sketch})
     * @param tier0    each chunk's tier-0 vector
     * @param tier1    each chunk's raw tier-1 vector (before any lens)
     * @param macs0    each chunk's tier-0 MACs
     * @param macs1    each chunk's tier-1 MACs
     * @param ungated  the ungated document vector
     * @param label    the document's label, or null
     * @param coverage each chunk's head coverage for the truncated tier's head ({@link HeadCoverage}), or null
     */
    public record Document(List<CalibrationChunk> signals, List<float[]> sketches, List<float[]> tier0,
                           List<float[]> tier1, long[] macs0, long[] macs1, float[] ungated, String label,
                           float[] coverage) {
        /** Checks that every list has one entry per chunk. */
        public Document {
            int n = signals.size();
            if (sketches.size() != n || tier0.size() != n || tier1.size() != n || macs0.length != n || macs1.length != n
                    || (coverage != null && coverage.length != n)) {
                throw McgtException.badInput("replay document: one sketch, vector and MAC count per chunk is needed");
            }
        }

        /** Without head coverages. */
        public Document(List<CalibrationChunk> signals, List<float[]> sketches, List<float[]> tier0,
                        List<float[]> tier1, long[] macs0, long[] macs1, float[] ungated, String label) {
            this(signals, sketches, tier0, tier1, macs0, macs1, ungated, label, null);
        }
    }

    /**
     * What a profile gives on the sample.
     *
     * @param tiers       chunks per tier, index = tier
     * @param macs        gated MACs
     * @param ungatedMacs tier-0 MACs of every chunk
     * @param vectors     the gated document vectors, in sample order
     */
    public record Outcome(long[] tiers, long macs, long ungatedMacs, List<float[]> vectors) {
        /** Gated MACs over ungated MACs. */
        public double macRatio() { return ungatedMacs == 0 ? Double.NaN : (double) macs / ungatedMacs; }
    }

    private final List<Document> documents;
    private final Calibrator calibrator;

    public QualityReplay(List<Document> documents, Calibrator calibrator) {
        if (documents == null || documents.isEmpty()) throw McgtException.badInput("replay needs documents");
        this.documents = List.copyOf(documents);
        this.calibrator = calibrator;
    }

    public List<Document> documents() { return documents; }

    /** The sample's signals, for {@link Calibrator#calibrate}. */
    public CalibrationSample sample() {
        return new CalibrationSample(documents.stream().map(Document::signals).toList());
    }

    /** Replays {@code policy} with a lens (or null) on the tier-1 vectors and a skip rule. */
    public Outcome replay(GatePolicy policy, TunedLens lens, SkipRule rule) {
        return replay(policy, lens, rule, null);
    }

    /**
     * Replays {@code policy} with a lens (or null), a skip rule and a head coverage rule (or null: a tier-1 chunk
     * whose coverage is below the rule's minimum runs at tier 0, as in the scorer; needs the documents' coverages).
     */
    public Outcome replay(GatePolicy policy, TunedLens lens, SkipRule rule, HeadCoverage headCoverage) {
        long[] tiers = new long[4];
        long macs = 0;
        long ungated = 0;
        List<float[]> vectors = new ArrayList<>(documents.size());
        for (Document d : documents) {
            int[] t = calibrator.replayStream(d.signals(), policy);
            if (headCoverage != null) {
                if (d.coverage() == null) throw McgtException.badInput("replay: a head coverage rule needs the chunks' coverages");
                for (int i = 0; i < t.length; i++) if (t[i] == 1 && headCoverage.promotes(d.coverage()[i])) t[i] = 0;
            }
            int width = d.ungated().length;
            PoolingMemory memory = new PoolingMemory(PoolingMemory.DEFAULT_CAPACITY, d.sketches().get(0).length, width);
            DocumentAccumulator acc = new DocumentAccumulator(width);
            float[] v = new float[width];
            for (int i = 0; i < t.length; i++) {
                ungated += d.macs0()[i];
                tiers[t[i]]++;
                long chunkMacs;
                switch (t[i]) {
                    case 0 -> {
                        System.arraycopy(d.tier0().get(i), 0, v, 0, width);
                        chunkMacs = d.macs0()[i];
                    }
                    case 1 -> {
                        // as the scorer: no lens on a chunk tier 1 computed in full (its MACs are tier 0's)
                        if (lens != null && d.macs1()[i] < d.macs0()[i]) lens.apply(d.tier1().get(i), d.sketches().get(i), v);
                        else System.arraycopy(d.tier1().get(i), 0, v, 0, width);
                        chunkMacs = d.macs1()[i];
                    }
                    case 3 -> chunkMacs = 0;
                    default -> throw McgtException.badInput("replay: tier " + t[i] + " chunks are not measured (no tier 2)");
                }
                if (t[i] != 3) {
                    memory.remember(d.sketches().get(i), v);
                } else if (rule == SkipRule.NEAREST) {
                    memory.nearest(d.sketches().get(i), v);
                } else {
                    java.util.Arrays.fill(v, 0f);
                }
                macs += chunkMacs;
                acc.add(t[i], t[i] == 3, false, 0L, chunkMacs, d.macs0()[i], 0.0, v);
            }
            vectors.add(acc.embedding());
        }
        return new Outcome(tiers, macs, ungated, vectors);
    }

    /** The ungated document vectors, in sample order. */
    public List<float[]> ungatedVectors() {
        return documents.stream().map(Document::ungated).toList();
    }
}
