package dev.mcgt.scoring;

import static dev.mcgt.scoring.ScoringFixtures.MICRO;
import static dev.mcgt.scoring.ScoringFixtures.MICRO_FP;
import static dev.mcgt.scoring.ScoringFixtures.micro;
import static dev.mcgt.scoring.ScoringFixtures.norm;
import static dev.mcgt.scoring.ScoringFixtures.repeat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.mcgt.McgtException;
import dev.mcgt.coherence.SpikeDetectorConfig;
import dev.mcgt.config.TransformerConfig;
import dev.mcgt.gate.GateDecision;
import dev.mcgt.gate.GateReason;
import dev.mcgt.gate.KvAction;
import dev.mcgt.gate.SpikePacket;
import dev.mcgt.runtime.RuntimeOptions;
import dev.mcgt.stream.StreamState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DocumentScorerTest {

    /** A document of {@code chunks} 32-token chunks: fresh random text, with chunk 3 repeating chunk 2. */
    static int[] document(int chunks, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] doc = new int[chunks * 32];
        for (int i = 0; i < doc.length; i++) doc[i] = r.nextInt(256);
        if (chunks > 3) System.arraycopy(doc, 64, doc, 96, 32);
        return doc;
    }

    private static int[] chunk(int[] doc, int k) {
        return Arrays.copyOfRange(doc, k * 32, (k + 1) * 32);
    }

    @Test
    void theSameDocumentGivesTheSameResultOnAnotherScorer() {
        int[] doc = document(6, 1);
        DocumentResult a = micro(ScorerConfig.defaults()).scoreDocument("d", doc);
        DocumentResult b = micro(ScorerConfig.defaults()).scoreDocument("d", doc);
        assertThat(b).isEqualTo(a);
        assertThat(a.chunks()).isEqualTo(6);
        assertThat(a.tokens()).isEqualTo(6 * 32);
        assertThat(Arrays.stream(a.tierCounts()).sum()).isEqualTo(6);
        DocumentResult other = micro(ScorerConfig.defaults()).scoreDocument("d", document(6, 2));
        assertThat(other.embedding()).isNotEqualTo(a.embedding());
    }

    @Test
    void gateOffRunsEveryChunkAtTierZeroAndTheAnalyticCostMatchesWhatRan() {
        int[] doc = document(6, 3);
        DocumentResult off = micro(ScorerConfig.defaults().withGate(false)).scoreDocument("d", doc);
        assertThat(off.tierCounts()).containsExactly(6, 0, 0, 0);
        assertThat(off.skippedChunks()).isZero();
        assertThat(off.macRatio()).isEqualTo(1.0);
        assertThat(off.ungatedMode()).isEqualTo(UngatedMacs.MEASURED);
        TransformerConfig c = MICRO.config();
        int cached = 0;
        for (ChunkResult r : off.chunkResults()) {
            assertThat(r.decision()).isEqualTo(GateDecision.ALLOW);
            assertThat(r.stats().layersExecuted()).isEqualTo(c.layers());
            assertThat(r.witness().effectiveWindow()).isEqualTo(c.windowNormal());
            assertThat(r.macs()).as("chunk %d", r.chunkIndex()).isEqualTo(UngatedCost.chunkMacs(c, r.tokens(), cached));
            cached = UngatedCost.cacheAfter(c, cached, r.tokens());
        }
        // the repeated chunk still runs in full: no skipping when the gate is off
        assertThat(off.chunkResults().get(3).skipped()).isFalse();
    }

    @Test
    void analyticAndMeasuredUngatedMacsAgreeAndGatingSavesWork() {
        int[] doc = document(8, 1);
        DocumentResult analytic = micro(ScorerConfig.defaults()).scoreDocument("d", doc);
        DocumentResult measured = micro(ScorerConfig.defaults().withUngatedMacs(UngatedMacs.MEASURED))
                .scoreDocument("d", doc);
        assertThat(measured.ungatedMacs()).isEqualTo(analytic.ungatedMacs());
        assertThat(measured.macs()).isEqualTo(analytic.macs());
        for (int i = 0; i < analytic.chunks(); i++) {
            assertThat(measured.chunkResults().get(i).ungatedMacs()).isEqualTo(analytic.chunkResults().get(i).ungatedMacs());
        }
        assertThat(analytic.tierCount(0)).isLessThan(analytic.chunks());
        assertThat(analytic.macRatio()).isLessThan(1.0).isPositive();
        TransformerConfig c = MICRO.config();
        for (ChunkResult r : analytic.chunkResults()) {
            if (r.tier() > 0) {
                assertThat(r.macs()).isLessThan(r.ungatedMacs() / 2);
            } else {
                // a tier-0 chunk may only add the spike top-k keys every query also sees
                long sparseExtra = (long) c.layers() * r.tokens() * c.hidden() * SpikePacket.MAX_TOP;
                assertThat(r.macs()).isBetween(r.ungatedMacs(), r.ungatedMacs() + sparseExtra);
            }
        }
        DocumentResult none = micro(ScorerConfig.defaults().withUngatedMacs(UngatedMacs.NONE)).scoreDocument("d", doc);
        assertThat(none.macRatio()).isNaN();
        assertThat(none.ungatedMacs()).isZero();
    }

    @Test
    void aRepeatedChunkIsServedFromTheStreamCache() {
        int[] a = document(1, 5);
        // spikes on: the repeat is not novel, the gate skips it and the cached output comes back
        DocumentScorer s = micro(ScorerConfig.defaults());
        StreamState st = s.newState();
        ChunkResult first = s.scoreChunk(st, a);
        ChunkResult again = s.scoreChunk(st, a);
        assertThat(first.skipped()).isFalse();
        assertThat(again.tier()).isEqualTo(3);
        assertThat(again.reason()).isEqualTo(GateReason.SPIKE_INACTIVE);
        assertThat(again.cacheHit()).isTrue();
        assertThat(again.noveltyQ15()).isZero();
        assertThat(again.macs()).isZero();
        assertThat(again.output()).isEqualTo(first.output());
        assertThat(again.kvAction()).isEqualTo(KvAction.NONE);

        // spikes off, cache-hit skipping on: the runtime's own cache check fires
        DocumentScorer s2 = ScoringFixtures.scorer(MICRO, MICRO_FP, RuntimeOptions.defaults().withSkipOnCacheHit(true),
                SpikeDetectorConfig.disabled(), ScorerConfig.defaults());
        StreamState st2 = s2.newState();
        ChunkResult f2 = s2.scoreChunk(st2, a);
        ChunkResult r2 = s2.scoreChunk(st2, a);
        assertThat(r2.reason()).isEqualTo(GateReason.CACHE_HIT);
        assertThat(r2.cacheHit()).isTrue();
        assertThat(r2.output()).isEqualTo(f2.output());
        assertThat(r2.spikeFired()).isFalse();
    }

    @Test
    void aFastLambdaDropFlushesTheKvCache() {
        DocumentScorer s = micro(ScorerConfig.defaults());
        StreamState st = s.newState();
        ChunkResult coherent = s.scoreChunk(st, repeat(5, 16));
        assertThat(coherent.decision()).isEqualTo(GateDecision.ALLOW);
        assertThat(st.inferState().kvCache().length(0)).isEqualTo(16);
        ChunkResult dropped = s.scoreChunk(st, repeat(7, 6));
        assertThat(dropped.lambdaPrev()).isEqualTo(coherent.lambda());
        assertThat(dropped.lambda()).isLessThan(coherent.lambda() / 2);
        assertThat(dropped.decision()).isEqualTo(GateDecision.FLUSH_KV);
        assertThat(dropped.reason()).isEqualTo(GateReason.LAMBDA_DROPPED_FAST);
        assertThat(dropped.kvAction()).isEqualTo(KvAction.FLUSH);
        assertThat(dropped.tier()).isEqualTo(1);
        assertThat(dropped.previousTier()).isZero();
        assertThat(dropped.tierChanged()).isTrue();
        assertThat(dropped.lambdaDelta()).isEqualTo((int) (dropped.lambda() - coherent.lambda()));
        // flushed, then only this chunk's 6 positions written (tier 1 runs one layer)
        assertThat(st.inferState().kvCache().length(0)).isEqualTo(6);
        assertThat(st.inferState().kvCache().totalLength()).isEqualTo(6);
        assertThat(st.lambdaHistory().size()).isEqualTo(2);
        assertThat(st.lastTier()).isEqualTo(1);
    }

    @Test
    void thePooledEmbeddingIsUnitLength() {
        for (ScorerConfig c : List.of(ScorerConfig.defaults(), ScorerConfig.defaults().withGate(false))) {
            DocumentResult r = micro(c).scoreDocument("d", document(5, 6));
            assertThat(norm(r.embedding())).isCloseTo(1.0, within(1e-5));
            assertThat(r.embedding()).hasSize(MICRO.config().outputSize());
        }
    }

    @Test
    void aStateRestoredMidDocumentContinuesExactlyAsTheOriginal() {
        int[] doc = document(8, 7);
        DocumentScorer s = micro(ScorerConfig.defaults());
        StreamState original = s.newState();
        for (int k = 0; k < 4; k++) s.scoreChunk(original, chunk(doc, k));
        byte[] bytes = original.toBytes();
        StreamState restored = StreamState.fromBytes(bytes);
        assertThat(restored.toBytes()).isEqualTo(bytes);
        assertThat(restored).isEqualTo(original);

        DocumentScorer other = micro(ScorerConfig.defaults());
        List<ChunkResult> a = new ArrayList<>();
        List<ChunkResult> b = new ArrayList<>();
        for (int k = 4; k < 8; k++) {
            a.add(s.scoreChunk(original, chunk(doc, k)));
            b.add(other.scoreChunk(restored, chunk(doc, k)));
        }
        assertThat(b).isEqualTo(a);
        assertThat(restored.toBytes()).isEqualTo(original.toBytes());
        assertThat(a.get(0).chunkIndex()).isEqualTo(4);
    }

    @Test
    void documentResultsAgreeWithScoringTheChunksOneByOne() {
        int[] doc = document(5, 8);
        DocumentScorer s = micro(ScorerConfig.defaults());
        DocumentResult whole = s.scoreDocument("d", doc);
        StreamState st = s.newState();
        for (int k = 0; k < 5; k++) assertThat(s.scoreChunk(st, chunk(doc, k))).isEqualTo(whole.chunkResults().get(k));
        long min = whole.chunkResults().stream().mapToLong(ChunkResult::lambda).min().orElseThrow();
        long max = whole.chunkResults().stream().mapToLong(ChunkResult::lambda).max().orElseThrow();
        assertThat(whole.lambdaMin()).isEqualTo(min);
        assertThat(whole.lambdaMax()).isEqualTo(max);
        assertThat(whole.lambdaMean()).isBetween((double) min, (double) max);
        assertThat(whole.macs()).isEqualTo(whole.chunkResults().stream().mapToLong(ChunkResult::macs).sum());
    }

    @Test
    void maxTokensAndOverlapShapeTheChunks() {
        int[] doc = document(4, 9);
        DocumentResult cut = micro(ScorerConfig.defaults().withMaxTokens(40)).scoreDocument("d", doc);
        assertThat(cut.tokens()).isEqualTo(40);
        assertThat(cut.droppedTokens()).isEqualTo(128 - 40);
        assertThat(cut.chunks()).isEqualTo(2);
        assertThat(cut.chunkResults().get(1).tokens()).isEqualTo(8);

        DocumentScorer overlapping = micro(ScorerConfig.defaults().withChunkOverlap(8));
        DocumentResult r = overlapping.scoreDocument("d", doc);
        assertThat(r.chunks()).isEqualTo(overlapping.chunker().chunkCount(128)).isEqualTo(5);
        assertThatThrownBy(() -> micro(ScorerConfig.defaults().withChunkOverlap(32)))
                .isInstanceOf(McgtException.class).hasMessageContaining("overlap");
    }

    @Test
    void aBadChunkIsRejectedAndLeavesTheStateAsItWas() {
        DocumentScorer s = micro(ScorerConfig.defaults());
        StreamState st = s.newState();
        s.scoreChunk(st, document(1, 10));
        byte[] before = st.toBytes();
        assertThatThrownBy(() -> s.scoreChunk(st, new int[] {1, 2, 256}))
                .isInstanceOf(McgtException.class).hasMessageContaining("outside the vocabulary");
        assertThatThrownBy(() -> s.scoreChunk(st, new int[33])).hasMessageContaining("at most 32");
        assertThatThrownBy(() -> s.scoreChunk(st, new int[0])).hasMessageContaining("no tokens");
        assertThatThrownBy(() -> s.scoreChunk(st, new int[] {1, 2}, new int[] {0, 1}))
                .hasMessageContaining("token type");
        assertThat(st.toBytes()).isEqualTo(before);
        assertThatThrownBy(() -> s.scoreDocument("d", new int[0])).hasMessageContaining("has no tokens");
        assertThatThrownBy(() -> s.scoreDocument("d", "some text")).hasMessageContaining(DocumentScorer.NO_TOKENIZER);
    }

    @Test
    void aStateOfAnotherModelLosesItsKvCacheButKeepsItsHistory() {
        DocumentScorer s = micro(ScorerConfig.defaults());
        StreamState st = StreamState.create(MICRO.config(), "synthetic:micro:1");
        DocumentScorer old = ScoringFixtures.scorer(MICRO, "synthetic:micro:1", RuntimeOptions.defaults(),
                SpikeDetectorConfig.defaults(), ScorerConfig.defaults());
        ChunkResult c0 = old.scoreChunk(st, document(1, 11));
        assertThat(c0.modelUpgraded()).isFalse();
        assertThat(st.inferState().kvCache().totalLength()).isPositive();
        ChunkResult c1 = s.scoreChunk(st, document(1, 12));
        assertThat(c1.modelUpgraded()).isTrue();
        assertThat(c1.lambdaPrev()).isEqualTo(c0.lambda());
        assertThat(c1.chunkIndex()).isEqualTo(1);
        assertThat(c1.stats().kvBytesRead()).isZero();
        assertThat(st.modelFingerprint()).isEqualTo(MICRO_FP);
        assertThat(s.scoreChunk(st, document(1, 13)).modelUpgraded()).isFalse();
    }
}
