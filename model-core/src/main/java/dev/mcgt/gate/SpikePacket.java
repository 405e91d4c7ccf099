package dev.mcgt.gate;

import dev.mcgt.McgtException;
import java.util.Arrays;

/**
 * The novelty input of one inference (docs/GATE.md): whether the chunk fired, the recent fire rate and
 * novelty in Q15, and up to 16 most novel positions with Q15 weights.
 */
public record SpikePacket(int fired, int rateQ15, int noveltyQ15, int[] topIdx, int[] topWeightsQ15, int flags) {

    /** Use the top-k positions as always-visible keys in attention. */
    public static final int FLAG_SPARSE_MASK = 1;
    /** Reserved: the top-k positions carry context (not read by the rule path). */
    public static final int FLAG_SPARSE_CONTEXT = 2;
    /** At most this many top-k entries. */
    public static final int MAX_TOP = 16;

    private static final int[] NONE = new int[0];

    /** Validates ranges and copies the arrays (at most 16 entries, same length). */
    public SpikePacket {
        if (fired < 0 || fired > 255) throw McgtException.badInput("spike fired must be in 0..255, got " + fired);
        if (rateQ15 < 0 || rateQ15 > 0xFFFF) throw McgtException.badInput("spike rate must be in 0..65535, got " + rateQ15);
        if (noveltyQ15 < 0 || noveltyQ15 > 0xFFFF) {
            throw McgtException.badInput("spike novelty must be in 0..65535, got " + noveltyQ15);
        }
        if (flags < 0 || flags > 0xFFFF) throw McgtException.badInput("spike flags must be in 0..65535, got " + flags);
        topIdx = topIdx == null ? NONE : topIdx.clone();
        topWeightsQ15 = topWeightsQ15 == null ? NONE : topWeightsQ15.clone();
        if (topIdx.length > MAX_TOP) throw McgtException.badInput("spike top-k holds at most 16 positions");
        if (topIdx.length != topWeightsQ15.length) {
            throw McgtException.badInput("spike top-k indices and weights differ in length");
        }
        for (int i = 0; i < topIdx.length; i++) {
            if (topIdx[i] < 0 || topIdx[i] > 0xFFFF) throw McgtException.badInput("spike top-k index out of range");
            if (topWeightsQ15[i] < 0 || topWeightsQ15[i] > 0xFFFF) {
                throw McgtException.badInput("spike top-k weight out of range");
            }
        }
    }

    /** A packet without top-k positions. */
    public static SpikePacket of(int fired, int rateQ15, int noveltyQ15) {
        return new SpikePacket(fired, rateQ15, noveltyQ15, NONE, NONE, 0);
    }

    public boolean isActive() { return fired != 0; }

    public boolean useSparseMask() { return (flags & FLAG_SPARSE_MASK) != 0; }

    public int topLen() { return topIdx.length; }

    /** Index i of the top-k list (no copy). */
    public int topIndex(int i) { return topIdx[i]; }

    /** Weight i of the top-k list (no copy). */
    public int topWeight(int i) { return topWeightsQ15[i]; }

    @Override public int[] topIdx() { return topIdx.clone(); }

    @Override public int[] topWeightsQ15() { return topWeightsQ15.clone(); }

    @Override public boolean equals(Object o) {
        return o instanceof SpikePacket s && fired == s.fired && rateQ15 == s.rateQ15 && noveltyQ15 == s.noveltyQ15
                && flags == s.flags && Arrays.equals(topIdx, s.topIdx) && Arrays.equals(topWeightsQ15, s.topWeightsQ15);
    }

    @Override public int hashCode() {
        return ((fired * 31 + rateQ15) * 31 + noveltyQ15) * 31 + flags + 17 * Arrays.hashCode(topIdx);
    }

    @Override public String toString() {
        return "SpikePacket[fired=" + fired + ", rateQ15=" + rateQ15 + ", noveltyQ15=" + noveltyQ15 + ", topIdx="
                + Arrays.toString(topIdx) + ", topWeightsQ15=" + Arrays.toString(topWeightsQ15) + ", flags=" + flags + "]";
    }
}
