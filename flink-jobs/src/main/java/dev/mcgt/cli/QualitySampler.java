package dev.mcgt.cli;

import dev.mcgt.config.GatePolicy;
import dev.mcgt.gate.GatePacket;
import dev.mcgt.model.LoadedModel;
import dev.mcgt.runtime.GatedTransformer;
import dev.mcgt.runtime.InferBuffers;
import dev.mcgt.runtime.InferInput;
import dev.mcgt.runtime.InferOutput;
import dev.mcgt.runtime.RuntimeOptions;
import dev.mcgt.scoring.ChunkResult;
import dev.mcgt.scoring.DocumentResult;
import dev.mcgt.scoring.DocumentScorer;
import dev.mcgt.scoring.ScorerConfig;
import dev.mcgt.scoring.UngatedMacs;
import dev.mcgt.text.Chunker;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Measures, for {@code mcgt calibrate}, what a document's chunks give at each tier independently of any policy:
 * the ungated run (tier-0 vector and MACs per chunk, the ungated document vector), each chunk's sketch, and each
 * chunk's raw tier-1 vector and MACs for the truncated and the pruned tier (one forced tier-1 inference per chunk
 * on a fresh state: with cross-chunk context off a chunk's vector does not depend on the chunks before it). One
 * instance per thread.
 */
final class QualitySampler {
    /** Every chunk goes to tier 1: boundary edges 1 against a maximum of 0, nothing else trips. */
    private static final GatePolicy ALL_TIER1 = new GatePolicy(0, 32767, 0, 32767, 0xFFFF, 32767, 0, true, false);
    private static final GatePacket TIER1_PACKET = new GatePacket(1, 1, 1, 0, 1, 0);

    /**
     * What one document gave.
     *
     * @param ungated  the ungated document result (its chunk outputs are the tier-0 vectors)
     * @param sketches each chunk's sketch
     * @param tier1    per measured tier-1 shape (in the order given), each chunk's raw tier-1 vector
     * @param macs1    per measured shape, each chunk's tier-1 MACs
     * @param coverage each chunk's head coverage for the lens tier's head ({@link dev.mcgt.scoring.HeadCoverage})
     */
    record Measured(DocumentResult ungated, List<float[]> sketches, List<List<float[]>> tier1, List<long[]> macs1,
                    float[] coverage) { }

    private final DocumentScorer ungated;
    private final List<GatedTransformer> shapes = new ArrayList<>();
    private final List<InferBuffers> buffers = new ArrayList<>();
    private final InferOutput out;
    private final int coverageHead;

    /**
     * @param shapes       the runtime options of each tier-1 shape to measure
     * @param coverageHead the head (tokens) whose coverage of each chunk is measured
     */
    QualitySampler(ScorerFactory factory, ScorerConfig base, List<RuntimeOptions> shapes, int coverageHead) {
        this.coverageHead = coverageHead;
        this.ungated = factory.scorer(ALL_TIER1, new ScorerConfig(base.maxTokens(), base.chunkOverlap(), false,
                UngatedMacs.ANALYTIC).withTextPrefix(base.textPrefix()));
        LoadedModel m = factory.model();
        for (RuntimeOptions o : shapes) {
            GatedTransformer t = new GatedTransformer(m.weights(), ALL_TIER1, o);
            this.shapes.add(t);
            this.buffers.add(t.newBuffers());
        }
        this.out = ungated.model().newOutput();
    }

    Measured measure(InputDocument d) {
        DocumentResult u = ungated.scoreDocument(d.id(), d.text());
        List<Chunker.Chunk> chunks = chunks(ungated, d.text());
        if (chunks.size() != u.chunks()) throw new IllegalStateException("chunking differs between runs");
        List<float[]> sketches = new ArrayList<>(chunks.size());
        for (Chunker.Chunk c : chunks) sketches.add(ungated.sketch(c.ids()));
        float[] coverage = new float[chunks.size()];
        for (int i = 0; i < coverage.length; i++) coverage[i] = ungated.headCoverage(chunks.get(i).ids(), coverageHead);
        List<List<float[]>> tier1 = new ArrayList<>();
        List<long[]> macs = new ArrayList<>();
        for (int s = 0; s < shapes.size(); s++) {
            long[] m = new long[chunks.size()];
            tier1.add(tier1(shapes.get(s), buffers.get(s), chunks, m));
            macs.add(m);
        }
        return new Measured(u, sketches, tier1, macs, coverage);
    }

    private List<float[]> tier1(GatedTransformer model, InferBuffers b, List<Chunker.Chunk> chunks, long[] macs) {
        List<float[]> v = new ArrayList<>(chunks.size());
        for (int i = 0; i < chunks.size(); i++) {
            model.infer(InferInput.of(chunks.get(i).ids(), TIER1_PACKET), model.newState(), b, out);
            if (out.stats().tier() != 1) throw new IllegalStateException("forced tier 1 ran tier " + out.stats().tier());
            v.add(out.output().clone());
            macs[i] = out.stats().macs();
        }
        return v;
    }

    /** The chunks of a document as the scorer cuts it. */
    static List<Chunker.Chunk> chunks(DocumentScorer s, String text) {
        int[] content = s.contentTokens(text);
        int limit = s.scorerConfig().maxTokens();
        int keep = limit > 0 ? Math.min(limit, content.length) : content.length;
        return s.chunker().split(keep == content.length ? content : Arrays.copyOf(content, keep));
    }

    /** The tier-0 vectors of an ungated result. */
    static List<float[]> tier0(DocumentResult u) {
        List<float[]> v = new ArrayList<>(u.chunks());
        for (ChunkResult c : u.chunkResults()) v.add(c.output());
        return v;
    }

    /** The tier-0 MACs of an ungated result. */
    static long[] macs0(DocumentResult u) {
        long[] m = new long[u.chunks()];
        for (int i = 0; i < m.length; i++) m[i] = u.chunkResults().get(i).macs();
        return m;
    }
}
