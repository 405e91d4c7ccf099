package dev.mcgt.scoring;

import static dev.mcgt.scoring.ScoringFixtures.WORDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.mcgt.McgtException;
import dev.mcgt.config.GatePolicy;
import dev.mcgt.config.PolicyJson;
import dev.mcgt.gate.GatePacket;
import dev.mcgt.kernel.KernelProvider;
import dev.mcgt.kernel.Kernels;
import dev.mcgt.model.ModelWeights;
import dev.mcgt.runtime.GatedTransformer;
import dev.mcgt.runtime.InferInput;
import dev.mcgt.runtime.InferOutput;
import dev.mcgt.runtime.ModRoutingConfig;
import dev.mcgt.runtime.RuntimeOptions;
import dev.mcgt.runtime.TokenPruning;
import dev.mcgt.runtime.TokenPruning.MergeMetric;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The tier-1 fidelity tools: token merging on a schedule with proportional attention and key similarity, the
 * lens fitted toward the identity and reading the chunk's sketch, and their policy-file sections (new versions
 * written only when used; files of the first formats read unchanged).
 */
class TierOneFidelityTest {
    private static final ModelWeights DEEP = ScoringFixtures.tinyBert(11, 4);
    private static final GatePolicy ALL_TIER1 = new GatePolicy(0, 32767, 0, 32767, 0xFFFF, 32767, 0, true, false);
    private static final GatePacket T1 = new GatePacket(1, 1, 1, 0, 1, 0);

    private static int[] chunk() {
        int[] ids = new int[16];
        SplittableRandom r = new SplittableRandom(3);
        ids[0] = 2;
        for (int i = 1; i < 15; i++) ids[i] = 4 + r.nextInt(WORDS.size());
        ids[15] = 3;
        return ids;
    }

    private static InferOutput run(TokenPruning p, Kernels k) {
        GatedTransformer t = new GatedTransformer(DEEP, ALL_TIER1, RuntimeOptions.defaults().withTokenPruning(p), k);
        InferOutput o = t.newOutput();
        t.infer(InferInput.of(chunk(), T1), t.newState(), t.newBuffers(), o);
        return o;
    }

    @Test
    void aScheduleMergesAfterEachBlockAndEveryKernelGivesTheSameBits() {
        TokenPruning plain = new TokenPruning(1, List.of(8, 6, 4), false, MergeMetric.HIDDEN);
        TokenPruning prop = new TokenPruning(1, List.of(8, 6, 4), true, MergeMetric.HIDDEN);
        TokenPruning keys = new TokenPruning(1, List.of(8, 6, 4), true, MergeMetric.KEYS);
        List<float[]> outs = new ArrayList<>();
        for (TokenPruning p : List.of(plain, prop, keys)) {
            InferOutput a = run(p, KernelProvider.scalar());
            InferOutput b = run(p, KernelProvider.get());
            assertThat(a.stats().tier()).isEqualTo(1);
            assertThat(a.witness().layersRun()).isEqualTo(4);
            assertThat(a.stats().tokensComputed()).isEqualTo(16 + 8 + 6 + 4);
            assertThat(b.output()).as("%s", p.describe()).isEqualTo(a.output());
            assertThat(b.stats().macs()).isEqualTo(a.stats().macs());
            assertThat(ScoringFixtures.norm(a.output())).isCloseTo(1.0, within(1e-5));
            outs.add(a.output().clone());
        }
        // proportional attention and the key metric change what tier 1 computes
        assertThat(outs.get(1)).isNotEqualTo(outs.get(0));
        assertThat(outs.get(2)).isNotEqualTo(outs.get(1));
        // the one-cut form is the schedule of one count
        assertThat(new TokenPruning(1, 5)).isEqualTo(new TokenPruning(1, List.of(5), false, MergeMetric.HIDDEN));
        assertThat(new TokenPruning(1, 5).isSimple()).isTrue();
        assertThat(prop.isSimple()).isFalse();
        assertThat(prop.keepAfter(0)).isZero();
        assertThat(prop.keepAfter(2)).isEqualTo(6);
        assertThat(prop.keepAfter(9)).isEqualTo(4);
        assertThat(keys.describe()).isEqualTo("1 layer(s), then 8/6/4 tokens [keys, proportional]");
    }

    @Test
    void badSchedulesAreOneLineErrors() {
        assertThatThrownBy(() -> new TokenPruning(1, List.of(8, 9), false, MergeMetric.HIDDEN))
                .isInstanceOf(McgtException.class).hasMessageContaining("must not increase");
        assertThatThrownBy(() -> new TokenPruning(1, List.of(8, 1), false, MergeMetric.HIDDEN))
                .hasMessageContaining("at least 2 tokens");
        assertThatThrownBy(() -> new TokenPruning(1, List.of(), false, MergeMetric.HIDDEN))
                .hasMessageContaining("at least one token count");
        assertThatThrownBy(() -> run(new TokenPruning(1, List.of(8, 6, 4, 3), false, MergeMetric.HIDDEN), KernelProvider.scalar()))
                .hasMessageContaining("longer than the 4-layer model");
        assertThatThrownBy(() -> new GatedTransformer(DEEP, ALL_TIER1, RuntimeOptions.defaults()
                .withTokenPruning(new TokenPruning(1, 8)).withModRouting(ModRoutingConfig.defaults())))
                .hasMessageContaining("Mixture-of-Depths");
        assertThatThrownBy(() -> MergeMetric.parse("values")).hasMessageContaining("hidden or keys");
    }

    @Test
    void theTierOneSectionOfTheFirstFormatReadsUnchangedAndTheScheduleNeedsVersionTwo() {
        GatePolicy policy = GatePolicy.conservative();
        String thresholds = PolicyJson.toJson(policy).trim();
        // as the build before the schedule wrote it
        String v1 = thresholds.substring(0, thresholds.length() - 1)
                + ", \"tier1\": {\"variant\": \"pruned\", \"afterLayers\": 1, \"keepTokens\": 32}, \"skipRule\": \"none\"}";
        GatingProfile old = GatingProfileJson.fromJson(v1);
        assertThat(old.pruning()).isEqualTo(new TokenPruning(1, 32));
        assertThat(GatingProfileJson.toJson(old)).doesNotContain("\"version\"").doesNotContain("proportional");
        GatingProfile p = GatingProfile.of(policy).withPruning(new TokenPruning(2, List.of(48, 24), true, MergeMetric.KEYS));
        String v2 = GatingProfileJson.toJson(p);
        assertThat(v2).contains("\"version\" : 2").contains("\"mergeBy\" : \"keys\"");
        GatingProfile back = GatingProfileJson.fromJson(v2);
        assertThat(back).isEqualTo(p);
        assertThat(GatingProfileJson.toJson(back)).isEqualTo(v2);
        // a number is a schedule of one count in version 2 too; the new fields need version 2
        assertThat(GatingProfileJson.fromJson(v2.replace("\"keepTokens\" : [ 48, 24 ]", "\"keepTokens\" : 40")).pruning())
                .isEqualTo(new TokenPruning(2, List.of(40), true, MergeMetric.KEYS));
        assertThatThrownBy(() -> GatingProfileJson.fromJson(v2.replace("\"version\" : 2", "\"version\" : 1")))
                .isInstanceOf(McgtException.class).hasMessageContaining("unknown field");
        assertThatThrownBy(() -> GatingProfileJson.fromJson(v2.replace("\"version\" : 2", "\"version\" : 3")))
                .hasMessageContaining("unsupported tier1 version 3");
        assertThatThrownBy(() -> GatingProfileJson.fromJson(v2.replace("\"keys\"", "\"queries\"")))
                .hasMessageContaining("hidden or keys");
        assertThatThrownBy(() -> GatingProfileJson.fromJson(v2.replace("[ 48, 24 ]", "[ 48, \"x\" ]")))
                .hasMessageContaining("must hold integers");
    }

    private static List<float[]> gaussian(int n, int d, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<float[]> v = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] x = new float[d];
            for (int j = 0; j < d; j++) x[j] = (float) r.nextGaussian();
            v.add(x);
        }
        return v;
    }

    @Test
    void aLensTowardTheIdentityKeepsAGoodVectorAndASketchLensSeesWhatTheVectorMissed() {
        int d = 6;
        List<float[]> x = gaussian(300, d, 1);
        List<float[]> s = gaussian(300, d, 2);
        // target: the vector plus half the sketch
        List<float[]> y = new ArrayList<>();
        for (int n = 0; n < x.size(); n++) {
            float[] t = new float[d];
            for (int j = 0; j < d; j++) t[j] = x.get(n)[j] + 0.5f * s.get(n)[j];
            y.add(t);
        }
        // a huge ridge toward the identity leaves the vector as it is; toward zero it shrinks W to nothing
        TunedLens id = TunedLens.fit("fp", "pruned", x, null, x, 1e9, TunedLens.Prior.IDENTITY);
        float[] w = id.weights();
        for (int i = 0; i < d; i++) for (int j = 0; j < d; j++) assertThat((double) w[i * d + j]).isCloseTo(i == j ? 1 : 0, within(1e-4));
        TunedLens zero = TunedLens.fit("fp", "pruned", x, null, x, 1e9, TunedLens.Prior.ZERO);
        for (float v : zero.weights()) assertThat((double) v).isCloseTo(0, within(1e-4));
        // with the sketch the map is exact; without, it cannot be
        TunedLens sk = TunedLens.fit("fp", "pruned", x, s, y, 1e-6, TunedLens.Prior.IDENTITY);
        float[] ws = sk.weights();
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                assertThat((double) ws[i * 2 * d + j]).isCloseTo(i == j ? 1 : 0, within(1e-3));
                assertThat((double) ws[i * 2 * d + d + j]).isCloseTo(i == j ? 0.5 : 0, within(1e-3));
            }
        }
        int[] groups = new int[x.size()];
        for (int n = 0; n < groups.length; n++) groups[n] = n / 3;
        TunedLens chosen = TunedLens.fitSelecting("fp", "pruned", x, s, y, groups, TunedLens.RIDGES,
                List.of(TunedLens.Prior.ZERO, TunedLens.Prior.IDENTITY));
        assertThat(chosen.withSketch()).isTrue();
        assertThat(chosen.inputs()).isEqualTo(2 * d);
        assertThat(TunedLens.fitSelecting("fp", "pruned", x, null, y, groups, TunedLens.RIDGES,
                List.of(TunedLens.Prior.ZERO)).withSketch()).isFalse();
        assertThatThrownBy(() -> sk.apply(x.get(0), new float[d])).hasMessageContaining("sketch");
        assertThatThrownBy(() -> sk.apply(x.get(0), null, new float[d])).hasMessageContaining("sketch must hold");
    }

    @Test
    void aChunkThatTierOneComputesInFullIsNotMappedByTheLens() {
        ModelWeights w = ScoringFixtures.TINY_BERT;
        // every layer on every token of a 16-token chunk: tier 1 is tier 0, and a lens (any map) must not touch it
        GatingProfile p = GatingProfile.of(ALL_TIER1).withTruncated(new dev.mcgt.runtime.TruncatedTier(2, 16))
                .withLens(TunedLens.fit("synthetic:tiny-bert:11", "truncated", gaussian(80, 32, 5), gaussian(80, 32, 5),
                        gaussian(80, 32, 6), 0.1, TunedLens.Prior.ZERO));
        DocumentScorer gated = scorer(w, p, true);
        DocumentScorer ungated = scorer(w, GatingProfile.of(ALL_TIER1), false);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 40; i++) text.append(WORDS.get(i % WORDS.size())).append(' ');
        DocumentResult g = gated.scoreDocument("d", text.toString());
        DocumentResult u = ungated.scoreDocument("d", text.toString());
        assertThat(g.tierCount(1)).isPositive();
        assertThat(g.embedding()).isEqualTo(u.embedding());
        // with one layer fewer, tier 1 leaves something out and the lens applies
        DocumentScorer shallow = scorer(w, p.withTruncated(new dev.mcgt.runtime.TruncatedTier(1, 16)), true);
        float[] x = shallow.scoreDocument("d", text.toString()).embedding();
        assertThat(x).isNotEqualTo(u.embedding());
    }

    private static DocumentScorer scorer(ModelWeights w, GatingProfile profile, boolean gate) {
        GatingProfile p = profile.forModel(w.config());
        GatedTransformer t = new GatedTransformer(w, p.policy(), p.runtimeOptions(RuntimeOptions.defaults()), KernelProvider.scalar());
        return new DocumentScorer(t, "synthetic:tiny-bert:11", dev.mcgt.coherence.CoherenceProbeConfig.defaults(),
                dev.mcgt.coherence.SpikeDetectorConfig.fromPolicy(p.policy()),
                p.scorerConfig(new ScorerConfig(0, 0, gate, UngatedMacs.ANALYTIC)));
    }

    @Test
    void applyingALensGivesTheBitsOfTheRowByRowSum() {
        for (int d : new int[] {6, 8, 9}) {
            for (boolean sketch : new boolean[] {false, true}) {
                int in = sketch ? 2 * d : d;
                SplittableRandom r = new SplittableRandom(d);
                float[] w = new float[d * in];
                float[] b = new float[d];
                for (int i = 0; i < w.length; i++) w[i] = (float) r.nextGaussian();
                for (int i = 0; i < d; i++) b[i] = (float) r.nextGaussian();
                TunedLens lens = new TunedLens("fp", "pruned", d, w, b, 0.1, 1, TunedLens.Prior.IDENTITY, sketch);
                float[] x = gaussian(1, d, 7).get(0);
                float[] s = gaussian(1, d, 8).get(0);
                // the reference: one output row at a time, inputs left to right, then the norm
                float[] ref = new float[d];
                float ss = 0f;
                for (int i = 0; i < d; i++) {
                    float acc = b[i];
                    for (int j = 0; j < in; j++) acc += w[i * in + j] * (j < d ? x[j] : s[j - d]);
                    ref[i] = acc;
                    ss += acc * acc;
                }
                float inv = 1f / (float) Math.sqrt(ss);
                for (int i = 0; i < d; i++) ref[i] *= inv;
                assertThat(lens.map(x, s)).as("d %d, sketch %s", d, sketch).isEqualTo(ref);
            }
        }
    }

    private static String floats(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length);
        for (float f : v) b.putFloat(f);
        return Base64.getEncoder().encodeToString(b.array());
    }

    @Test
    void lensSectionsOfVersionOneReadUnchangedAndVersionTwoTravelsBitExactly() {
        int d = 3;
        float[] w = {1f, 0.25f, -0.5f, 0f, 2f, 0.125f, 3f, -1f, 0.5f};
        float[] b = {0.1f, -0.2f, 0.3f};
        String thresholds = PolicyJson.toJson(GatePolicy.defaults()).trim();
        // a lens section as the first format wrote it
        String v1 = thresholds.substring(0, thresholds.length() - 1)
                + ", \"tier1\": {\"variant\": \"lens\", \"layers\": 1, \"tokens\": 8}, \"lens\": {\"format\": \"mcgt-lens\", "
                + "\"version\": 1, \"modelFingerprint\": \"fp\", \"source\": \"truncated\", \"dimension\": 3, \"ridge\": 0.1, "
                + "\"pairs\": 7, \"weights\": \"" + floats(w) + "\", \"bias\": \"" + floats(b) + "\"}}";
        TunedLens old = GatingProfileJson.fromJson(v1).lens();
        assertThat(old).usingRecursiveComparison().isEqualTo(new TunedLens("fp", "truncated", d, w, b, 0.1, 7));
        assertThat(old.prior()).isEqualTo(TunedLens.Prior.ZERO);
        assertThat(old.withSketch()).isFalse();
        GatingProfile oldProfile = GatingProfileJson.fromJson(v1);
        assertThat(GatingProfileJson.toJson(oldProfile)).contains("\"version\" : 1").doesNotContain("prior");
        // version 2: prior and sketch input, d × 2d weights
        float[] w2 = new float[2 * d * d];
        for (int i = 0; i < w2.length; i++) w2[i] = (float) (i * 0.37 - 2);
        TunedLens lens = new TunedLens("fp", "pruned", d, w2, b, 0.3, 11, TunedLens.Prior.IDENTITY, true);
        GatingProfile p = GatingProfile.of(GatePolicy.defaults()).withPruning(new TokenPruning(1, 8)).withLens(lens);
        String json = GatingProfileJson.toJson(p);
        assertThat(json).contains("\"version\" : 2").contains("\"inputs\" : \"vector+sketch\"").contains("\"prior\" : \"identity\"");
        TunedLens back = GatingProfileJson.fromJson(json).lens();
        assertThat(back.weights()).isEqualTo(w2);
        assertThat(back.bias()).isEqualTo(b);
        assertThat(back.prior()).isEqualTo(TunedLens.Prior.IDENTITY);
        assertThat(back.withSketch()).isTrue();
        assertThat(GatingProfileJson.toJson(GatingProfileJson.fromJson(json))).isEqualTo(json);
        assertThatThrownBy(() -> GatingProfileJson.fromJson(json.replace("\"vector+sketch\"", "\"vector\"")))
                .isInstanceOf(McgtException.class).hasMessageContaining("holds 18 floats, expected 9");
        assertThatThrownBy(() -> GatingProfileJson.fromJson(json.replace("\"identity\"", "\"one\"")))
                .hasMessageContaining("zero or identity");
        assertThatThrownBy(() -> GatingProfileJson.fromJson(json.replace("\"version\" : 2", "\"version\" : 3")))
                .hasMessageContaining("unsupported lens version 3");
        assertThatThrownBy(() -> GatingProfileJson.fromJson(v1.replace("\"pairs\": 7", "\"pairs\": 7, \"prior\": \"zero\"")))
                .hasMessageContaining("unknown field 'prior'");
    }
}
