package dev.mcgt.scoring;

import dev.mcgt.gate.GateDecision;
import dev.mcgt.gate.GateReason;
import dev.mcgt.gate.KvAction;
import dev.mcgt.runtime.InferStats;
import dev.mcgt.runtime.Witness;
import java.util.Arrays;
import java.util.Objects;

/**
 * What scoring one chunk of a stream did: the gate's verdict, the coherence and novelty signals, the work and
 * an independent copy of the output, witness and stats.
 *
 * @param chunkIndex    index of the chunk in its stream (0 = first)
 * @param tokens        tokens in the chunk
 * @param previousTier  tier of the stream's previous chunk, −1 for the first
 * @param tier          0 full, 1 reduced, 2 safe, 3 skipped
 * @param decision      the gate decision
 * @param reason        why
 * @param lambda        the probe's λ of this chunk
 * @param lambdaPrev    the stream's previous λ (0 for the first chunk)
 * @param lambdaDelta   λ − λprev as the gate computes it (signed 32-bit, wrapping)
 * @param spikeFired    whether the spike detector fired (false when spike detection is disabled)
 * @param noveltyQ15    the chunk's novelty (0 when spikes are disabled)
 * @param spikeRateQ15  the fire rate after this chunk (0 when spikes are disabled)
 * @param macs          int8 MACs done
 * @param ungatedMacs   MACs an ungated run would do for this chunk (0 when not computed)
 * @param bytesMoved    weight bytes read plus KV bytes read and written
 * @param energyPj      estimated energy in picojoules (an estimate, see the runtime's EnergyModel)
 * @param wallMicros    wall-clock time of the whole step (probe, spikes, inference), microseconds
 * @param modelUpgraded the stream's state came from another model: its KV cache was dropped before this chunk
 * @param output        the output vector (encoders: the chunk's pooled embedding; decoders: logits)
 * @param witness       the inference's witness
 * @param stats         the inference's stats
 */
public record ChunkResult(long chunkIndex, int tokens, int previousTier, int tier, GateDecision decision,
                          GateReason reason, long lambda, long lambdaPrev, int lambdaDelta, boolean spikeFired,
                          int noveltyQ15, int spikeRateQ15, long macs, long ungatedMacs, long bytesMoved,
                          double energyPj, long wallMicros, boolean modelUpgraded, float[] output, Witness witness,
                          InferStats stats) {

    /** The output is copied in; the accessor hands out a copy too. */
    public ChunkResult {
        output = output.clone();
    }

    @Override public float[] output() { return output.clone(); }

    /** Nothing ran (tier 3). */
    public boolean skipped() { return stats.skipped(); }

    /** Skipped, and the stream's cached output was returned. */
    public boolean cacheHit() { return stats.cacheHit(); }

    /** Skipped without a cached output: the output is the cheap scorer's (embedding-layer mean). */
    public boolean cheapScore() { return stats.skipped() && !stats.cacheHit(); }

    /** The tier differs from the previous chunk's (never for a first chunk). */
    public boolean tierChanged() { return previousTier >= 0 && previousTier != tier; }

    public KvAction kvAction() { return witness.kvAction(); }

    /** The same result with another ungated MAC count. */
    public ChunkResult withUngatedMacs(long v) {
        return new ChunkResult(chunkIndex, tokens, previousTier, tier, decision, reason, lambda, lambdaPrev,
                lambdaDelta, spikeFired, noveltyQ15, spikeRateQ15, macs, v, bytesMoved, energyPj, wallMicros,
                modelUpgraded, output, witness, stats);
    }

    /**
     * Equal results: every field but {@code wallMicros} (a measurement of the machine, not part of what was
     * computed), arrays by content, floats by bits.
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof ChunkResult r && chunkIndex == r.chunkIndex && tokens == r.tokens
                && previousTier == r.previousTier && tier == r.tier && decision == r.decision && reason == r.reason
                && lambda == r.lambda && lambdaPrev == r.lambdaPrev && lambdaDelta == r.lambdaDelta
                && spikeFired == r.spikeFired && noveltyQ15 == r.noveltyQ15 && spikeRateQ15 == r.spikeRateQ15
                && macs == r.macs && ungatedMacs == r.ungatedMacs && bytesMoved == r.bytesMoved
                && Double.doubleToLongBits(energyPj) == Double.doubleToLongBits(r.energyPj)
                && modelUpgraded == r.modelUpgraded && Arrays.equals(output, r.output)
                && witness.equals(r.witness) && stats.equals(r.stats);
    }

    @Override
    public int hashCode() {
        return Objects.hash(chunkIndex, tokens, tier, decision, reason, lambda, macs, Arrays.hashCode(output));
    }

    @Override
    public String toString() {
        return "ChunkResult[chunk=" + chunkIndex + ", tokens=" + tokens + ", tier " + previousTier + "->" + tier
                + ", " + decision + "/" + reason + ", lambda=" + lambda + ", lambdaPrev=" + lambdaPrev + ", fired="
                + spikeFired + ", noveltyQ15=" + noveltyQ15 + ", rateQ15=" + spikeRateQ15 + ", macs=" + macs
                + ", ungatedMacs=" + ungatedMacs + ", wallMicros=" + wallMicros + ", upgraded=" + modelUpgraded + "]";
    }
}
