package dev.mcgt.scoring;

import static dev.mcgt.scoring.ScoringFixtures.TINY_BERT;
import static dev.mcgt.scoring.ScoringFixtures.WORDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcgt.McgtException;
import dev.mcgt.coherence.CalibrationChunk;
import dev.mcgt.coherence.CalibrationMix;
import dev.mcgt.coherence.CalibrationSample;
import dev.mcgt.coherence.CoherenceProbeConfig;
import dev.mcgt.coherence.Calibrator;
import dev.mcgt.coherence.SpikeDetectorConfig;
import dev.mcgt.config.GatePolicy;
import dev.mcgt.gate.GatePacket;
import dev.mcgt.gate.Signatures;
import dev.mcgt.kernel.KernelProvider;
import dev.mcgt.kernel.Kernels;
import dev.mcgt.runtime.CrossChunkContext;
import dev.mcgt.runtime.GatedTransformer;
import dev.mcgt.runtime.InferBuffers;
import dev.mcgt.runtime.InferInput;
import dev.mcgt.runtime.InferOutput;
import dev.mcgt.runtime.RuntimeOptions;
import dev.mcgt.runtime.TokenPruning;
import dev.mcgt.runtime.TruncatedTier;
import dev.mcgt.stream.StreamState;
import dev.mcgt.text.Chunker;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Gating that keeps the model's answers, on the tiny encoder: ungated document vectors are the mean of the
 * chunks' own vectors, the tier-1 variants run what they say and agree on both kernels, skipped chunks pool by
 * their rule, and the calibration replay predicts real scoring bit for bit.
 */
class GatingQualityTest {
    private static final String FP = "synthetic:tiny-bert:11";
    private static final GatePolicy ALL_TIER1 = new GatePolicy(0, 32767, 0, 32767, 0xFFFF, 32767, 0, true, false);
    private static final GatePolicy OPEN = new GatePolicy(0, 32767, 0xFFFF, 32767, 0xFFFF, 32767, 0, true, false);

    private static String text(long seed, int words) {
        SplittableRandom r = new SplittableRandom(seed);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < words; i++) b.append(WORDS.get(r.nextInt(i % 7 == 0 ? WORDS.size() : 12))).append(' ');
        return b.toString();
    }

    private static DocumentScorer scorer(GatingProfile profile, boolean gate, Kernels k) {
        GatingProfile p = profile.forModel(TINY_BERT.config());
        GatedTransformer t = new GatedTransformer(TINY_BERT, p.policy(),
                p.runtimeOptions(RuntimeOptions.defaults().withSkipOnCacheHit(true)), k);
        return new DocumentScorer(t, FP, CoherenceProbeConfig.defaults(), SpikeDetectorConfig.fromPolicy(p.policy()),
                p.scorerConfig(new ScorerConfig(0, 0, gate, UngatedMacs.ANALYTIC)));
    }

    private static float[] chunkAlone(GatedTransformer t, int[] ids) {
        InferOutput o = t.newOutput();
        t.infer(InferInput.of(ids, GatePacket.of(1, 1)), t.newState(), t.newBuffers(), o);
        return o.output().clone();
    }

    @Test
    void ungatedDocumentsAreTheMeanOfEachChunksOwnVectorUnlessContextIsAskedFor() {
        DocumentScorer s = scorer(GatingProfile.of(OPEN), false, KernelProvider.scalar());
        String text = text(3, 40);
        DocumentResult r = s.scoreDocument("d", text);
        assertThat(r.chunks()).isGreaterThan(2);
        GatedTransformer alone = new GatedTransformer(TINY_BERT, OPEN, RuntimeOptions.defaults(), KernelProvider.scalar());
        assertThat(alone.readsCrossChunkContext()).isFalse();
        List<Chunker.Chunk> chunks = s.chunker().split(s.tokenizer().tokenize(text));
        DocumentAccumulator acc = new DocumentAccumulator(TINY_BERT.config().outputSize());
        for (Chunker.Chunk c : chunks) acc.add(0, false, false, 0, 0, 0, 0, chunkAlone(alone, c.ids()));
        assertThat(r.embedding()).isEqualTo(acc.embedding());
        assertThat(r.macs()).isEqualTo(r.ungatedMacs());

        // with cross-chunk context the second chunk sees the first one's keys and values
        DocumentScorer ctx = scorer(GatingProfile.of(OPEN).withContext(CrossChunkContext.ON), false, KernelProvider.scalar());
        DocumentResult rc = ctx.scoreDocument("d", text);
        assertThat(rc.chunkResults().get(0).output()).isEqualTo(r.chunkResults().get(0).output());
        assertThat(rc.chunkResults().get(1).output()).isNotEqualTo(r.chunkResults().get(1).output());
        assertThat(rc.macs()).isGreaterThan(r.macs()).isEqualTo(rc.ungatedMacs());
    }

    @Test
    void theTierOneVariantsRunWhatTheySayAndAgreeOnBothKernels() {
        int[] ids = scorer(GatingProfile.of(OPEN), false, KernelProvider.scalar()).chunker()
                .split(scorer(GatingProfile.of(OPEN), false, KernelProvider.scalar()).tokenizer().tokenize(text(5, 30)))
                .get(0).ids();
        GatePacket t1 = new GatePacket(1, 1, 1, 0, 1, 0);
        for (RuntimeOptions o : List.of(RuntimeOptions.defaults(),
                RuntimeOptions.defaults().withTokenPruning(new TokenPruning(1, 5)),
                RuntimeOptions.defaults().withTruncatedTier(new TruncatedTier(1, 16)))) {
            float[][] out = new float[2][];
            long[] macs = new long[2];
            int k = 0;
            for (Kernels kernels : List.of(KernelProvider.scalar(), KernelProvider.get())) {
                GatedTransformer t = new GatedTransformer(TINY_BERT, ALL_TIER1, o, kernels);
                InferOutput res = t.newOutput();
                t.infer(InferInput.of(ids, t1), t.newState(), t.newBuffers(), res);
                assertThat(res.stats().tier()).isEqualTo(1);
                out[k] = res.output().clone();
                macs[k++] = res.stats().macs();
                if (o.tokenPruning() != null) {
                    assertThat(res.witness().layersRun()).isEqualTo(2);
                    assertThat(res.stats().tokensComputed()).isEqualTo(ids.length + 5);   // all tokens, then 5
                } else if (o.truncatedTier() != null) {
                    assertThat(res.witness().layersRun()).isEqualTo(1);
                    assertThat(res.stats().tokensComputed()).isEqualTo(ids.length);
                } else {
                    assertThat(res.witness().layersRun()).isEqualTo(1);
                    assertThat(res.stats().tokensComputed()).isEqualTo(8);
                }
            }
            assertThat(out[1]).as("%s", o).isEqualTo(out[0]);
            assertThat(macs[1]).isEqualTo(macs[0]);
            assertThat(ScoringFixtures.norm(out[0])).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-5));
        }
        assertThatThrownBy(() -> new GatedTransformer(ScoringFixtures.MICRO, ALL_TIER1,
                RuntimeOptions.defaults().withTokenPruning(new TokenPruning(1, 4)))).isInstanceOf(McgtException.class)
                .hasMessageContaining("encoder");
    }

    @Test
    void skippedChunksPoolTheNearestComputedChunkOrNothingAndADocumentAlwaysHasAComputedChunk() {
        GatePolicy skipAll = new GatePolicy(0, 32767, 0xFFFF, 32767, 0xFFFF, 32767, 32767, true, false);
        String text = text(9, 60);
        for (SkipRule rule : SkipRule.values()) {
            DocumentScorer s = scorer(GatingProfile.of(skipAll).withSkipRule(rule), true, KernelProvider.scalar());
            DocumentResult r = s.scoreDocument("d", text);
            assertThat(r.tierCount(0)).isEqualTo(1);              // the first chunk fires and runs in full
            assertThat(r.tierCount(3)).isEqualTo(r.chunks() - 1);
            float[] first = r.chunkResults().get(0).output();
            for (int i = 1; i < r.chunks(); i++) {
                float[] v = r.chunkResults().get(i).output();
                if (rule == SkipRule.NEAREST) assertThat(v).isEqualTo(first);
                else assertThat(v).containsOnly(0f);
            }
            assertThat(r.embedding()).isEqualTo(first);             // one computed chunk: its (unit) vector
        }
        // a stream whose memory was dropped: the next chunk the gate would skip runs at tier 0 instead
        DocumentScorer s = scorer(GatingProfile.of(skipAll), true, KernelProvider.scalar());
        StreamState state = s.newState();
        int[] ids = s.chunker().split(s.tokenizer().tokenize(text)).get(0).ids();
        assertThat(s.scoreChunk(state, ids).tier()).isEqualTo(0);
        assertThat(s.scoreChunk(state, ids).tier()).isEqualTo(3);
        state.dropKvCache();
        ChunkResult again = s.scoreChunk(state, ids);
        assertThat(again.tier()).isEqualTo(0);
        assertThat(again.skipped()).isFalse();
    }

    @Test
    void theReplayPredictsRealScoringBitForBit() {
        List<String> texts = new ArrayList<>();
        for (int d = 0; d < 12; d++) texts.add(text(100 + d, 20 + 9 * d));
        GatePolicy probeOnly = new GatePolicy(0xFFFF_FFFFL, 32767, 0xFFFF, 32767, 0xFFFF, 32767, 32767, true, false);
        DocumentScorer probe = scorer(GatingProfile.of(probeOnly).withPruning(null), true, KernelProvider.scalar());
        DocumentScorer ungated = scorer(GatingProfile.of(OPEN), false, KernelProvider.scalar());
        TokenPruning pruning = new TokenPruning(1, 5);
        TruncatedTier shallow = new TruncatedTier(1, 6);   // 1 layer on a head of 6 of the 16 tokens
        GatedTransformer pruned = new GatedTransformer(TINY_BERT, ALL_TIER1,
                RuntimeOptions.defaults().withTokenPruning(pruning), KernelProvider.scalar());
        GatedTransformer truncated = new GatedTransformer(TINY_BERT, ALL_TIER1,
                RuntimeOptions.defaults().withTruncatedTier(shallow), KernelProvider.scalar());
        TokenPruning proportional = new TokenPruning(1, List.of(5), true, TokenPruning.MergeMetric.KEYS);
        GatedTransformer prunedProportional = new GatedTransformer(TINY_BERT, ALL_TIER1,
                RuntimeOptions.defaults().withTokenPruning(proportional), KernelProvider.scalar());
        List<List<CalibrationChunk>> signals = new ArrayList<>();
        List<QualityReplay.Document> propDocs = new ArrayList<>();
        List<QualityReplay.Document> prunedDocs = new ArrayList<>();
        List<QualityReplay.Document> truncDocs = new ArrayList<>();
        List<Float> allCover = new ArrayList<>();
        Calibrator calibrator = new Calibrator(GatePolicy.defaults(), SpikeDetectorConfig.fromPolicy(probeOnly).rateShift());
        for (String t : texts) {
            DocumentResult m = probe.scoreDocument("d", t);
            List<Chunker.Chunk> chunks = probe.chunker().split(probe.tokenizer().tokenize(t));
            List<CalibrationChunk> sig = new ArrayList<>();
            for (int i = 0; i < m.chunks(); i++) {
                ChunkResult c = m.chunkResults().get(i);
                sig.add(new CalibrationChunk(c.lambda(), c.lambdaPrev(), c.witness().boundaryEdges(),
                        c.witness().boundaryConcentrationQ15(), c.witness().partitionCount(), c.noveltyQ15(),
                        Signatures.ofTokens(chunks.get(i).ids()), true));
            }
            signals.add(sig);
            DocumentResult u = ungated.scoreDocument("d", t);
            List<float[]> sketches = new ArrayList<>();
            List<float[]> tier0 = new ArrayList<>();
            List<float[]> p1 = new ArrayList<>();
            List<float[]> t1 = new ArrayList<>();
            long[] macs0 = new long[chunks.size()];
            long[] macsP = new long[chunks.size()];
            long[] macsT = new long[chunks.size()];
            List<float[]> pp = new ArrayList<>();
            long[] macsPP = new long[chunks.size()];
            float[] cover = new float[chunks.size()];
            for (int i = 0; i < chunks.size(); i++) {
                int[] ids = chunks.get(i).ids();
                sketches.add(ungated.sketch(ids));
                tier0.add(u.chunkResults().get(i).output());
                macs0[i] = u.chunkResults().get(i).macs();
                p1.add(tier1(pruned, ids, macsP, i));
                t1.add(tier1(truncated, ids, macsT, i));
                pp.add(tier1(prunedProportional, ids, macsPP, i));
                cover[i] = ungated.headCoverage(ids, shallow.tokens());
                allCover.add(cover[i]);
            }
            propDocs.add(new QualityReplay.Document(sig, sketches, tier0, pp, macs0, macsPP, u.embedding(), null));
            prunedDocs.add(new QualityReplay.Document(sig, sketches, tier0, p1, macs0, macsP, u.embedding(), null));
            truncDocs.add(new QualityReplay.Document(sig, sketches, tier0, t1, macs0, macsT, u.embedding(), null, cover));
        }
        GatePolicy policy = calibrator.calibrate(new CalibrationSample(signals), new CalibrationMix(30, 40, 30), 0).policy();
        QualityReplay pr = new QualityReplay(prunedDocs, calibrator);
        QualityReplay tr = new QualityReplay(truncDocs, calibrator);
        QualityReplay ppr = new QualityReplay(propDocs, calibrator);
        List<float[]> from = new ArrayList<>();
        List<float[]> sketches = new ArrayList<>();
        List<float[]> to = new ArrayList<>();
        List<float[]> fromP = new ArrayList<>();
        for (int d = 0; d < truncDocs.size(); d++) {
            from.addAll(truncDocs.get(d).tier1());
            sketches.addAll(truncDocs.get(d).sketches());
            to.addAll(truncDocs.get(d).tier0());
            fromP.addAll(propDocs.get(d).tier1());
        }
        TunedLens lens = TunedLens.fit(FP, "truncated", from, to, 0.1);
        TunedLens sketchLens = TunedLens.fit(FP, "truncated", from, sketches, to, 0.1, TunedLens.Prior.ZERO);
        TunedLens prunedLens = TunedLens.fit(FP, "pruned", fromP, sketches, to, 0.3, TunedLens.Prior.IDENTITY);
        assertThat(sketchLens.withSketch()).isTrue();
        // a head coverage minimum between the sample's coverages: some tier-1 chunks go to tier 0
        List<Float> reduced = allCover.stream().filter(c -> c < 1f).sorted().toList();
        assertThat(reduced).isNotEmpty();
        float coverMin = reduced.get(reduced.size() / 2);
        HeadCoverage rule0 = new HeadCoverage(shallow.tokens(), coverMin);
        assertThat(tr.replay(policy, sketchLens, SkipRule.NEAREST, rule0).tiers()[0])
                .isGreaterThan(tr.replay(policy, sketchLens, SkipRule.NEAREST).tiers()[0]);
        assertThat(sketchLens.weights()).hasSize(32 * 64);
        for (SkipRule rule : SkipRule.values()) {
            for (GatingProfile p : List.of(
                    GatingProfile.of(policy).withPruning(pruning).withSkipRule(rule),
                    GatingProfile.of(policy).withTruncated(shallow).withLens(lens).withSkipRule(rule),
                    GatingProfile.of(policy).withTruncated(shallow).withLens(sketchLens).withSkipRule(rule),
                    GatingProfile.of(policy).withTruncated(shallow).withLens(sketchLens).withSkipRule(rule)
                            .withHeadCoverageMin(coverMin),
                    GatingProfile.of(policy).withPruning(proportional).withSkipRule(rule),
                    GatingProfile.of(policy).withPruning(proportional).withLens(prunedLens).withSkipRule(rule))) {
                QualityReplay replay = p.pruning() == null ? tr : p.pruning().equals(pruning) ? pr : ppr;
                HeadCoverage h = p.headCoverageMin() > 0f ? new HeadCoverage(p.truncated().tokens(), p.headCoverageMin()) : null;
                QualityReplay.Outcome o = replay.replay(p.policy(), p.lens(), rule, h);
                DocumentScorer real = scorer(p, true, KernelProvider.get());
                long[] tiers = new long[4];
                long macs = 0;
                for (int d = 0; d < texts.size(); d++) {
                    DocumentResult r = real.scoreDocument("d", texts.get(d));
                    for (int t = 0; t < 4; t++) tiers[t] += r.tierCount(t);
                    macs += r.macs();
                    assertThat(r.embedding()).as("%s, document %d", p.describe(), d).isEqualTo(o.vectors().get(d));
                }
                assertThat(tiers).isEqualTo(o.tiers());
                assertThat(tiers[1]).isPositive();
                assertThat(tiers[3]).isPositive();
                assertThat(macs).isEqualTo(o.macs());
            }
        }
    }

    private static float[] tier1(GatedTransformer t, int[] ids, long[] macs, int i) {
        InferOutput o = t.newOutput();
        InferBuffers b = t.newBuffers();
        t.infer(InferInput.of(ids, new GatePacket(1, 1, 1, 0, 1, 0)), t.newState(), b, o);
        macs[i] = o.stats().macs();
        return o.output().clone();
    }

    @Test
    void aLensRecoversAnAffineMapAndTravelsBitExactlyInAPolicyFile() {
        SplittableRandom r = new SplittableRandom(1);
        int d = 6;
        double[][] w = new double[d][d];
        for (double[] row : w) for (int j = 0; j < d; j++) row[j] = r.nextGaussian();
        List<float[]> from = new ArrayList<>();
        List<float[]> to = new ArrayList<>();
        for (int n = 0; n < 200; n++) {
            float[] x = new float[d];
            for (int j = 0; j < d; j++) x[j] = (float) r.nextGaussian();
            float[] y = new float[d];
            for (int i = 0; i < d; i++) {
                double s = 0.5;
                for (int j = 0; j < d; j++) s += w[i][j] * x[j];
                y[i] = (float) s;
            }
            from.add(x);
            to.add(y);
        }
        TunedLens lens = TunedLens.fit("fp", "truncated", from, to, 1e-6);
        float[] wf = lens.weights();
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) assertThat((double) wf[i * d + j]).isCloseTo(w[i][j], org.assertj.core.api.Assertions.within(1e-3));
            assertThat((double) lens.bias()[i]).isCloseTo(0.5, org.assertj.core.api.Assertions.within(1e-3));
        }
        GatingProfile p = GatingProfile.of(GatePolicy.conservative()).withTruncated(new TruncatedTier(1, 16)).withLens(lens)
                .withSkipRule(SkipRule.NONE).withContext(CrossChunkContext.OFF);
        GatingProfile back = GatingProfileJson.fromJson(GatingProfileJson.toJson(p));
        assertThat(back.policy()).isEqualTo(p.policy());
        assertThat(back.variant()).isEqualTo(GatingProfile.Variant.LENS);
        assertThat(back.truncated()).isEqualTo(p.truncated());
        assertThat(back.skipRule()).isEqualTo(SkipRule.NONE);
        assertThat(back.context()).isEqualTo(CrossChunkContext.OFF);
        assertThat(back.lens().weights()).isEqualTo(lens.weights());
        assertThat(back.lens().bias()).isEqualTo(lens.bias());
        assertThat(GatingProfileJson.toJson(back)).isEqualTo(GatingProfileJson.toJson(p));
        // plain policy files are profiles with the defaults, and the thresholds reader accepts profile files
        assertThat(GatingProfileJson.fromJson(dev.mcgt.config.PolicyJson.toJson(GatePolicy.defaults())))
                .isEqualTo(GatingProfile.of(GatePolicy.defaults()));
        assertThat(dev.mcgt.config.PolicyJson.fromJson(GatingProfileJson.toJson(p))).isEqualTo(GatePolicy.conservative());
        String noLens = GatingProfileJson.toJson(p.withLens(null)).replace("\"lens\"", "\"truncated\"");
        assertThatThrownBy(() -> GatingProfileJson.fromJson(GatingProfileJson.toJson(p).replace("\"variant\" : \"lens\"",
                "\"variant\" : \"truncated\""))).hasMessageContaining("takes no lens");
        assertThat(GatingProfileJson.fromJson(noLens).variant()).isEqualTo(GatingProfile.Variant.TRUNCATED);
        assertThatThrownBy(() -> GatingProfileJson.fromJson("{\"lambdaMin\": 1}")).isInstanceOf(McgtException.class);
        DocumentScorer other = null;
        assertThatThrownBy(() -> scorer(GatingProfile.of(OPEN).withLens(TunedLens.fit("another", "pruned",
                from(32), from(32), 0.1)), true, KernelProvider.scalar())).hasMessageContaining("fitted for model another");
        assertThat(other).isNull();
    }

    private static List<float[]> from(int d) {
        List<float[]> v = new ArrayList<>();
        SplittableRandom r = new SplittableRandom(2);
        for (int n = 0; n < 40; n++) {
            float[] x = new float[d];
            for (int j = 0; j < d; j++) x[j] = (float) r.nextGaussian();
            v.add(x);
        }
        return v;
    }
}
