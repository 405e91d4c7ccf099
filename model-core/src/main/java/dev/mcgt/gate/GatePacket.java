package dev.mcgt.gate;

import dev.mcgt.McgtException;

/**
 * The coherence input of one inference (docs/GATE.md): the current and previous minimum-cut value λ
 * (unsigned 32-bit, held in a long), boundary figures, partition count and flags.
 */
public record GatePacket(long lambda, long lambdaPrev, int boundaryEdges, int boundaryConcentrationQ15,
                         int partitionCount, int flags) {

    /** Run the safe tier whatever the signals say. */
    public static final int FLAG_FORCE_SAFE = 1;
    /** Skip the model (tier 3). Wins over FORCE_SAFE. */
    public static final int FLAG_SKIP = 2;
    /** The probe filled in top boundary edge ids. */
    public static final int FLAG_BOUNDARY_IDS_AVAILABLE = 4;

    private static final long U32_MAX = 0xFFFF_FFFFL;

    /** Range checks: λ values are u32, the other fields u16. */
    public GatePacket {
        if (lambda < 0 || lambda > U32_MAX) throw McgtException.badInput("lambda must be in 0..4294967295, got " + lambda);
        if (lambdaPrev < 0 || lambdaPrev > U32_MAX) {
            throw McgtException.badInput("lambda_prev must be in 0..4294967295, got " + lambdaPrev);
        }
        checkU16("boundary_edges", boundaryEdges);
        checkU16("boundary_concentration_q15", boundaryConcentrationQ15);
        checkU16("partition_count", partitionCount);
        checkU16("flags", flags);
    }

    private static void checkU16(String name, int v) {
        if (v < 0 || v > 0xFFFF) throw McgtException.badInput(name + " must be in 0..65535, got " + v);
    }

    /** A packet with only λ and λprev set. */
    public static GatePacket of(long lambda, long lambdaPrev) {
        return new GatePacket(lambda, lambdaPrev, 0, 0, 0, 0);
    }

    public GatePacket withFlags(int newFlags) {
        return new GatePacket(lambda, lambdaPrev, boundaryEdges, boundaryConcentrationQ15, partitionCount, newFlags);
    }

    public boolean forceSafe() { return (flags & FLAG_FORCE_SAFE) != 0; }

    public boolean skipRequested() { return (flags & FLAG_SKIP) != 0; }

    public boolean boundaryIdsAvailable() { return (flags & FLAG_BOUNDARY_IDS_AVAILABLE) != 0; }

    /** λ − λprev with both reinterpreted as signed 32-bit and a wrapping subtraction (docs/GATE.md). */
    public int lambdaDelta() { return (int) lambda - (int) lambdaPrev; }

    /**
     * How fast λ fell, in Q15: 0 when λprev is 0 or λ did not fall, else (λprev − λ) · 32768 / λprev.
     * The maximum, 32768, means λ fell to zero.
     */
    public int dropRatioQ15() {
        if (lambdaPrev == 0 || lambda >= lambdaPrev) return 0;
        long drop = lambdaPrev - lambda;
        return (int) (((drop * 32768L) / lambdaPrev) & 0xFFFF);
    }
}
