package dev.mcgt.coherence;

import dev.mcgt.McgtException;

/**
 * The gate inputs of one real chunk that do not depend on the policy, as measured by the scorer: the probe's λ,
 * λprev from the stream's λ history, the boundary figures, the spike detector's novelty and (optionally) the
 * chunk's token signature. The spike detector's fire flag and rate, and cache hits, do depend on the policy; the
 * {@link Calibrator} recomputes them.
 *
 * @param lambda                   the probe's λ (unsigned 32-bit)
 * @param lambdaPrev               the stream's previous λ (0 for a first chunk)
 * @param boundaryEdges            boundary edges of the global cut
 * @param boundaryConcentrationQ15 boundary concentration, Q15
 * @param partitionCount           partitions
 * @param noveltyQ15               the spike detector's novelty, Q15 (a first chunk has 32767)
 * @param signature                the chunk's token signature (FNV-1a of its ids), meaningful when
 *                                 {@code hasSignature}
 * @param hasSignature             whether {@code signature} is known (cache hits are modelled only then)
 */
public record CalibrationChunk(long lambda, long lambdaPrev, int boundaryEdges, int boundaryConcentrationQ15,
                               int partitionCount, int noveltyQ15, long signature, boolean hasSignature) {

    /** Range checks with one-line messages. */
    public CalibrationChunk {
        if (lambda < 0 || lambda > 0xFFFF_FFFFL || lambdaPrev < 0 || lambdaPrev > 0xFFFF_FFFFL) {
            throw McgtException.badInput("calibration chunk: lambda and lambdaPrev must be in 0..4294967295");
        }
        if (boundaryEdges < 0 || boundaryEdges > 0xFFFF || partitionCount < 0 || partitionCount > 0xFFFF
                || boundaryConcentrationQ15 < 0 || boundaryConcentrationQ15 > 0xFFFF) {
            throw McgtException.badInput("calibration chunk: boundary figures must be in 0..65535");
        }
        if (noveltyQ15 < 0 || noveltyQ15 > 32767) {
            throw McgtException.badInput("calibration chunk: novelty must be in 0..32767, got " + noveltyQ15);
        }
    }

    /** A chunk without a token signature (never a cache hit in the replay). */
    public static CalibrationChunk of(long lambda, long lambdaPrev, int boundaryEdges, int boundaryConcentrationQ15,
                                      int partitionCount, int noveltyQ15) {
        return new CalibrationChunk(lambda, lambdaPrev, boundaryEdges, boundaryConcentrationQ15, partitionCount,
                noveltyQ15, 0L, false);
    }

    /** λ's drop against λprev in Q15, as {@link dev.mcgt.gate.GatePacket#dropRatioQ15()} computes it. */
    public int dropRatioQ15() {
        if (lambdaPrev == 0 || lambda >= lambdaPrev) return 0;
        return (int) ((((lambdaPrev - lambda) * 32768L) / lambdaPrev) & 0xFFFF);
    }
}
