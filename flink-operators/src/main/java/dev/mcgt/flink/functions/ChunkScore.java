package dev.mcgt.flink.functions;

import dev.mcgt.gate.GateDecision;
import dev.mcgt.gate.GateReason;
import dev.mcgt.scoring.ChunkResult;
import java.util.Arrays;
import java.util.Objects;

/**
 * The main output of the {@link GatedScoringFunction}: what scoring one chunk did, flattened into Flink-friendly
 * fields (strings, numbers, enums and one float array; Flink's record serializer handles it without Kryo).
 *
 * @param docId          the document id (the key)
 * @param chunkIndex     the input chunk's index, as the producer numbered it
 * @param ordinal        the chunk's position in the stream as the function saw it: chunks scored before it for
 *                       this key (rejected chunks do not count; restarts at 0 after end of document or TTL expiry)
 * @param tokens         tokens in the chunk
 * @param previousTier   tier of the stream's previous chunk, −1 for the first
 * @param tier           0 full, 1 reduced, 2 safe, 3 skipped
 * @param decision       the gate decision
 * @param reason         why
 * @param lambda         the probe's λ of this chunk
 * @param lambdaPrev     the stream's previous λ (0 for the first chunk)
 * @param lambdaDelta    λ − λprev as the gate computes it
 * @param spikeFired     whether the spike detector fired
 * @param noveltyQ15     the chunk's novelty, Q15
 * @param skipped        nothing ran (tier 3)
 * @param cacheHit       skipped, and the stream's cached output was returned
 * @param layers         transformer blocks that ran
 * @param macs           int8 MACs done
 * @param ungatedMacs    MACs an ungated run would do for this chunk (analytic)
 * @param bytesMoved     weight bytes read plus KV bytes read and written
 * @param energyPj       estimated energy in picojoules (an estimate)
 * @param wallMicros     wall-clock time of the scoring step, microseconds
 * @param modelUpgraded  the key's state came from another model; its KV cache was dropped before this chunk
 * @param endOfDocument  this was the document's last chunk
 * @param output         the output vector (encoders: the chunk's pooled embedding; decoders: logits)
 */
public record ChunkScore(String docId, long chunkIndex, long ordinal, int tokens, int previousTier, int tier,
                         GateDecision decision, GateReason reason, long lambda, long lambdaPrev, int lambdaDelta,
                         boolean spikeFired, int noveltyQ15, boolean skipped, boolean cacheHit, int layers, long macs,
                         long ungatedMacs, long bytesMoved, double energyPj, long wallMicros, boolean modelUpgraded,
                         boolean endOfDocument, float[] output) {

    /** The score of {@code chunk} of document {@code docId} from the scorer's result. */
    public static ChunkScore of(String docId, DocumentChunk chunk, ChunkResult r) {
        return new ChunkScore(docId, chunk.chunkIndex(), r.chunkIndex(), r.tokens(), r.previousTier(), r.tier(),
                r.decision(), r.reason(), r.lambda(), r.lambdaPrev(), r.lambdaDelta(), r.spikeFired(), r.noveltyQ15(),
                r.skipped(), r.cacheHit(), r.stats().layersExecuted(), r.macs(), r.ungatedMacs(), r.bytesMoved(),
                r.energyPj(), r.wallMicros(), r.modelUpgraded(), chunk.endOfDocument(), r.output());
    }

    /** The tier differs from the previous chunk's (never for a first chunk). */
    public boolean tierChanged() {
        return previousTier >= 0 && previousTier != tier;
    }

    /**
     * Equal scores: every field but {@code wallMicros} (a measurement of the machine, not of what was computed),
     * the output by content, doubles by bits.
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof ChunkScore s && Objects.equals(docId, s.docId) && chunkIndex == s.chunkIndex
                && ordinal == s.ordinal && tokens == s.tokens && previousTier == s.previousTier && tier == s.tier
                && decision == s.decision && reason == s.reason && lambda == s.lambda && lambdaPrev == s.lambdaPrev
                && lambdaDelta == s.lambdaDelta && spikeFired == s.spikeFired && noveltyQ15 == s.noveltyQ15
                && skipped == s.skipped && cacheHit == s.cacheHit && layers == s.layers && macs == s.macs
                && ungatedMacs == s.ungatedMacs && bytesMoved == s.bytesMoved
                && Double.doubleToLongBits(energyPj) == Double.doubleToLongBits(s.energyPj)
                && modelUpgraded == s.modelUpgraded && endOfDocument == s.endOfDocument
                && Arrays.equals(output, s.output);
    }

    @Override
    public int hashCode() {
        return Objects.hash(docId, chunkIndex, ordinal, tier, decision, reason, lambda, macs) * 31
                + Arrays.hashCode(output);
    }

    @Override
    public String toString() {
        return "ChunkScore[doc=" + docId + ", chunk=" + chunkIndex + " (#" + ordinal + "), tokens=" + tokens + ", tier "
                + previousTier + "->" + tier + ", " + decision + "/" + reason + ", lambda=" + lambda + " (delta "
                + lambdaDelta + "), layers=" + layers + ", macs=" + macs + "/" + ungatedMacs + ", wallMicros="
                + wallMicros + (modelUpgraded ? ", upgraded" : "") + (endOfDocument ? ", end" : "") + "]";
    }
}
