package dev.mcgt.flink.functions;

import static dev.mcgt.flink.functions.Docs.repeat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcgt.flink.functions.ScoringHarness.Backend;
import dev.mcgt.flink.telemetry.ChunkReject;
import dev.mcgt.flink.telemetry.EnergySample;
import dev.mcgt.flink.telemetry.OutputTags;
import dev.mcgt.flink.telemetry.ScoringMetrics;
import dev.mcgt.flink.telemetry.TierTransition;
import dev.mcgt.gate.GateDecision;
import dev.mcgt.gate.GateReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The function on Flink's keyed harness, on the heap and RocksDB backends. */
class GatedScoringFunctionTest {

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void scoresEveryChunkExactlyLikeTheDocumentScorer(Backend backend) throws Exception {
        List<DocumentChunk> input = Docs.interleave(Docs.documents(3, 6, 24, false));
        List<ChunkScore> expected = new Docs.Direct(Docs.settings()).scoreAll(input);
        try (ScoringHarness h = ScoringHarness.open(new GatedScoringFunction(Docs.settings()), backend)) {
            h.processAll(input);
            assertThat(h.scores()).containsExactlyElementsOf(expected);
            assertThat(h.side(OutputTags.REJECTS)).isEmpty();
            assertThat(h.side(OutputTags.MODEL_UPGRADE)).isEmpty();

            List<EnergySample> energy = h.side(OutputTags.ENERGY);
            assertThat(energy).hasSize(input.size());
            for (int i = 0; i < input.size(); i++) {
                ChunkScore s = expected.get(i);
                assertThat(energy.get(i)).isEqualTo(new EnergySample(s.docId(), s.chunkIndex(), s.tier(), s.lambda(), s.layers(),
                        energy.get(i).tokensComputed(), s.macs(), s.ungatedMacs(), s.bytesMoved(), s.energyPj(), 0));
                if (s.skipped()) assertThat(energy.get(i).tokensComputed()).isZero();
                else assertThat(energy.get(i).tokensComputed()).isPositive();
            }
            List<TierTransition> expectedTransitions = new ArrayList<>();
            for (ChunkScore s : expected) {
                if (s.tierChanged()) {
                    expectedTransitions.add(new TierTransition(s.docId(), s.chunkIndex(), s.previousTier(), s.tier(),
                            s.decision(), s.reason(), s.lambda(), s.lambdaDelta()));
                }
            }
            assertThat(expectedTransitions).as("the data must change tiers for this test to mean anything").isNotEmpty();
            assertThat(h.side(OutputTags.TIER_TRANSITIONS)).containsExactlyElementsOf(expectedTransitions);

            // the repeated chunk 3 of every document is skipped: the stream served it from its cache
            assertThat(expected).filteredOn(s -> s.chunkIndex() == 3).allSatisfy(s -> {
                assertThat(s.tier()).isEqualTo(3);
                assertThat(s.cacheHit()).isTrue();
                assertThat(s.macs()).isZero();
            });
            assertThat(h.stateEntries()).isEqualTo(3);
            assertThat(h.state("doc-1").chunkCount()).isEqualTo(6);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void aScriptedDocumentFlushesOnALambdaDropAndSkipsARepeatedChunkAsACacheHit(Backend backend) throws Exception {
        ScoringSettings settings = Docs.settings().withSpikeDetection(false);
        List<DocumentChunk> doc = List.of(
                new DocumentChunk("s", 0, repeat(5, 16), false),   // coherent: high λ, full run
                new DocumentChunk("s", 1, repeat(7, 6), false),    // λ collapses: flush the KV cache, tier 1
                new DocumentChunk("s", 2, repeat(7, 6), false),    // the same tokens again: cache hit, skipped
                new DocumentChunk("s", 3, repeat(9, 12), true));
        try (ScoringHarness h = ScoringHarness.open(new GatedScoringFunction(settings), backend)) {
            h.processAll(doc);
            List<ChunkScore> s = h.scores();
            assertThat(s).hasSize(4);
            assertThat(s.get(0).tier()).isZero();
            assertThat(s.get(0).decision()).isEqualTo(GateDecision.ALLOW);

            assertThat(s.get(1).decision()).isEqualTo(GateDecision.FLUSH_KV);
            assertThat(s.get(1).reason()).isEqualTo(GateReason.LAMBDA_DROPPED_FAST);
            assertThat(s.get(1).tier()).isEqualTo(1);
            assertThat(s.get(1).lambdaPrev()).isEqualTo(s.get(0).lambda());

            assertThat(s.get(2).tier()).isEqualTo(3);
            assertThat(s.get(2).reason()).isEqualTo(GateReason.CACHE_HIT);
            assertThat(s.get(2).skipped()).isTrue();
            assertThat(s.get(2).cacheHit()).isTrue();
            assertThat(s.get(2).macs()).isZero();
            assertThat(s.get(2).output()).isEqualTo(s.get(1).output());

            List<TierTransition> t = h.side(OutputTags.TIER_TRANSITIONS);
            assertThat(t).startsWith(
                    new TierTransition("s", 1, 0, 1, GateDecision.FLUSH_KV, GateReason.LAMBDA_DROPPED_FAST,
                            s.get(1).lambda(), s.get(1).lambdaDelta()),
                    new TierTransition("s", 2, 1, 3, s.get(2).decision(), GateReason.CACHE_HIT, s.get(2).lambda(),
                            s.get(2).lambdaDelta()));
            assertThat(t).hasSize(s.get(3).tier() == 3 ? 2 : 3);
            assertThat(h.side(OutputTags.ENERGY)).extracting(EnergySample::chunkIndex).containsExactly(0L, 1L, 2L, 3L);
            assertThat(h.side(OutputTags.ENERGY).get(2).macs()).isZero();
            assertThat(h.side(OutputTags.ENERGY).get(0).energyPj()).isPositive();
            assertThat(s.get(3).endOfDocument()).isTrue();
            assertThat(h.state("s")).isNull();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void badChunksAreRejectedAndTheDocumentScoresAsIfTheyHadNeverCome(Backend backend) throws Exception {
        List<DocumentChunk> good = Docs.document("d", 5, 20, 7, true);
        int[] tooLong = new int[33];
        int[] badId = repeat(3, 10);
        badId[4] = 300;
        int[] negative = repeat(3, 10);
        negative[0] = -1;
        List<DocumentChunk> withBad = new ArrayList<>();
        withBad.add(good.get(0));
        withBad.add(good.get(1));
        withBad.add(new DocumentChunk("d", 10, tooLong, false));
        withBad.add(new DocumentChunk("d", 11, badId, false));
        withBad.add(good.get(2));
        withBad.add(new DocumentChunk("d", 12, new int[0], false));
        withBad.add(new DocumentChunk("d", 13, null, false));
        withBad.add(new DocumentChunk("d", 14, negative, false));
        withBad.add(new DocumentChunk(null, 15, repeat(3, 4), false));
        withBad.add(good.get(3));
        withBad.add(good.get(4));
        List<ChunkScore> clean;
        try (ScoringHarness h = ScoringHarness.open(new GatedScoringFunction(Docs.settings()), backend)) {
            h.processAll(good);
            clean = h.scores();
        }
        try (ScoringHarness h = ScoringHarness.open(new GatedScoringFunction(Docs.settings()), backend)) {
            h.processAll(withBad.subList(0, 2));
            byte[] before = h.stateBytes("d");
            h.processAll(withBad.subList(2, 4));
            assertThat(h.stateBytes("d")).as("a rejected chunk leaves the state as it was").isEqualTo(before);
            h.processAll(withBad.subList(4, withBad.size()));

            assertThat(h.scores()).containsExactlyElementsOf(clean);
            List<ChunkReject> rejects = h.side(OutputTags.REJECTS);
            assertThat(rejects).extracting(ChunkReject::chunkIndex).containsExactly(10L, 11L, 12L, 13L, 14L, 15L);
            assertThat(rejects.get(0).reason()).contains("33 tokens").contains("at most 32");
            assertThat(rejects.get(0).tokens()).isEqualTo(33);
            assertThat(rejects.get(1).reason()).contains("token id 300 at position 4");
            assertThat(rejects.get(2).reason()).isEqualTo("chunk has no tokens");
            assertThat(rejects.get(3).reason()).isEqualTo("chunk has no tokens");
            assertThat(rejects.get(4).reason()).contains("token id -1");
            assertThat(rejects.get(5).reason()).isEqualTo("document id is missing");
            assertThat(rejects.get(5).docId()).isEmpty();
            assertThat(h.side(OutputTags.ENERGY)).hasSize(5);
            assertThat(h.stateEntries()).isZero();

            ScoringMetrics m = h.function().metrics();
            assertThat(m.chunksRejected()).isEqualTo(6);
            assertThat(m.chunksScored()).isEqualTo(5);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void theLastChunkEndsTheDocumentEvenWhenItIsRejected(Backend backend) throws Exception {
        List<DocumentChunk> doc = Docs.document("e", 3, 16, 3, true);
        try (ScoringHarness h = ScoringHarness.open(new GatedScoringFunction(Docs.settings()), backend)) {
            h.processAll(doc);
            assertThat(h.stateEntries()).isZero();
            // the same id again starts a new stream
            h.process(doc.get(0));
            ChunkScore again = h.scores().get(3);
            assertThat(again.ordinal()).isZero();
            assertThat(again.previousTier()).isEqualTo(-1);
            assertThat(again).isEqualTo(h.scores().get(0));
            assertThat(h.stateEntries()).isEqualTo(1);
            h.process(new DocumentChunk("e", 9, new int[] {999}, true));
            assertThat(h.side(OutputTags.REJECTS)).singleElement().satisfies(r -> assertThat(r.endOfDocument()).isTrue());
            assertThat(h.stateEntries()).isZero();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void theStateOfADocumentThatNeverEndsExpires(Backend backend) throws Exception {
        ScoringSettings settings = Docs.settings().withStateTtl(Duration.ofMillis(100));
        List<DocumentChunk> doc = Docs.document("t", 3, 16, 4, false);
        try (ScoringHarness h = ScoringHarness.open(new GatedScoringFunction(settings), backend)) {
            h.setTtlTime(0);
            h.process(doc.get(0));
            h.setTtlTime(90);
            h.process(doc.get(1));               // written at 90: lives until 190
            h.setTtlTime(180);
            assertThat(h.state("t")).isNotNull();
            assertThat(h.state("t").chunkCount()).isEqualTo(2);
            h.setTtlTime(191);
            assertThat(h.state("t")).as("expired").isNull();
            h.process(doc.get(2));
            ChunkScore third = h.scores().get(2);
            assertThat(third.ordinal()).as("a fresh stream").isZero();
            assertThat(third.previousTier()).isEqualTo(-1);
            assertThat(third.lambdaPrev()).isZero();
        }
        // without a TTL nothing expires
        try (ScoringHarness h = ScoringHarness.open(new GatedScoringFunction(Docs.settings().withStateTtl(Duration.ZERO)),
                backend)) {
            h.process(doc.get(0));
            h.setTtlTime(Long.MAX_VALUE / 2);
            h.process(doc.get(1));
            assertThat(h.scores().get(1).ordinal()).isEqualTo(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void metricsCountTiersDecisionsSkipsAndLatency(Backend backend) throws Exception {
        List<DocumentChunk> input = Docs.interleave(Docs.documents(2, 6, 24, true));
        try (ScoringHarness h = ScoringHarness.open(new GatedScoringFunction(Docs.settings()), backend)) {
            h.processAll(input);
            List<ChunkScore> scores = h.scores();
            ScoringMetrics m = h.function().metrics();
            assertThat(m.chunksScored()).isEqualTo(12);
            for (int t = 0; t < 4; t++) {
                int tier = t;
                assertThat(m.chunksAtTier(t)).isEqualTo(scores.stream().filter(s -> s.tier() == tier).count());
            }
            for (GateDecision d : GateDecision.values()) {
                assertThat(m.chunksWith(d)).isEqualTo(scores.stream().filter(s -> s.decision() == d).count());
            }
            long skipped = scores.stream().filter(ChunkScore::skipped).count();
            assertThat(skipped).isPositive();
            assertThat(m.skipRate()).isEqualTo((double) skipped / 12);
            assertThat(m.latency().getCount()).isEqualTo(12);
            assertThat(m.latency().getStatistics().getMax()).isEqualTo(scores.stream().mapToLong(ChunkScore::wallMicros).max()
                    .orElseThrow());
            assertThat(m.modelUpgrades()).isZero();
        }
    }
}
