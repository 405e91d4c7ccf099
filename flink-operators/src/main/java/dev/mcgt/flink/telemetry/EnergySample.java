package dev.mcgt.flink.telemetry;

import java.util.Objects;

/**
 * The work and estimated energy of one scored chunk (side output {@link OutputTags#ENERGY}, one per chunk).
 *
 * @param docId          the document id
 * @param chunkIndex     the input index of the chunk
 * @param tier           the tier it ran at
 * @param lambda         the chunk's λ (the coherence probe's min-cut value)
 * @param layers         transformer blocks that ran
 * @param tokensComputed Σ over executed blocks of the tokens that went through the block
 * @param macs           int8 MACs done
 * @param ungatedMacs    MACs an ungated run would do (analytic)
 * @param bytesMoved     weight bytes read plus KV bytes read and written
 * @param energyPj       <b>estimated</b> energy, picojoules (see the core's EnergyModel for the constants)
 * @param wallMicros     wall-clock time of the scoring step, microseconds
 */
public record EnergySample(String docId, long chunkIndex, int tier, long lambda, int layers, long tokensComputed, long macs,
                           long ungatedMacs, long bytesMoved, double energyPj, long wallMicros) {

    /** Equal samples: every field but {@code wallMicros} (a measurement of the machine). */
    @Override
    public boolean equals(Object o) {
        return o instanceof EnergySample s && Objects.equals(docId, s.docId) && chunkIndex == s.chunkIndex
                && tier == s.tier && lambda == s.lambda && layers == s.layers && tokensComputed == s.tokensComputed && macs == s.macs
                && ungatedMacs == s.ungatedMacs && bytesMoved == s.bytesMoved
                && Double.doubleToLongBits(energyPj) == Double.doubleToLongBits(s.energyPj);
    }

    @Override
    public int hashCode() {
        return Objects.hash(docId, chunkIndex, tier, layers, tokensComputed, macs, bytesMoved);
    }
}
