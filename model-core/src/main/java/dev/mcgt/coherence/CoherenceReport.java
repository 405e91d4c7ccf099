package dev.mcgt.coherence;

import dev.mcgt.McgtException;
import dev.mcgt.gate.GatePacket;
import java.util.Arrays;

/**
 * What the {@link CoherenceProbe} found in one chunk. Edge ids are {@code i · tokens + j} with {@code i < j}.
 *
 * @param tokens                   tokens in the chunk
 * @param cutWeight                weight of the chunk graph's global minimum cut (0 with fewer than 2 tokens)
 * @param lambda                   round(cutWeight × λ scale), clamped to 0..2³²−1
 * @param sides                    side of each token in the global cut (token 0 is on side false)
 * @param boundaryEdges            edges across the global cut heavier than the boundary threshold
 * @param boundaryConcentrationQ15 share of the cut weight on the heaviest few boundary edges, Q15 (0..32767)
 * @param partitionCount           parts after recursive cutting (1 for a coherent chunk, 0 for an empty one)
 * @param topBoundaryEdgeIds       up to 8 boundary edge ids, heaviest first (ties: lower id first)
 * @param boundaryTokens           positions touching a boundary edge, ascending
 * @param partitionIds             part of each token, numbered in order of each part's first token
 */
public record CoherenceReport(int tokens, double cutWeight, long lambda, boolean[] sides, int boundaryEdges,
                              int boundaryConcentrationQ15, int partitionCount, int[] topBoundaryEdgeIds,
                              int[] boundaryTokens, int[] partitionIds) {

    /** Most top boundary edge ids a report carries (the witness holds eight). */
    public static final int MAX_TOP_EDGE_IDS = 8;

    private static final long U32_MAX = 0xFFFF_FFFFL;

    /** Checks lengths and copies the arrays. */
    public CoherenceReport {
        if (tokens < 0) throw McgtException.badInput("token count must be non-negative, got " + tokens);
        if (sides == null || topBoundaryEdgeIds == null || boundaryTokens == null || partitionIds == null) {
            throw McgtException.badInput("report arrays must not be null");
        }
        sides = sides.clone();
        topBoundaryEdgeIds = topBoundaryEdgeIds.clone();
        boundaryTokens = boundaryTokens.clone();
        partitionIds = partitionIds.clone();
        if (sides.length != tokens || partitionIds.length != tokens) {
            throw McgtException.badInput("report needs one side and one partition id per token");
        }
        if (topBoundaryEdgeIds.length > MAX_TOP_EDGE_IDS) {
            throw McgtException.badInput("report holds at most " + MAX_TOP_EDGE_IDS + " top boundary edge ids");
        }
    }

    /** The edge id of tokens i and j (in either order) in a chunk of {@code tokens} tokens. */
    public static int edgeId(int i, int j, int tokens) {
        return Math.min(i, j) * tokens + Math.max(i, j);
    }

    /**
     * The gate input of this chunk: λ, the given λprev, boundary figures and partition count clamped to
     * their u16 ranges, and FLAG_BOUNDARY_IDS_AVAILABLE when top boundary edge ids exist.
     */
    public GatePacket toGatePacket(long lambdaPrev) {
        return packet(lambda, lambdaPrev, boundaryEdges, boundaryConcentrationQ15, partitionCount,
                topBoundaryEdgeIds.length > 0);
    }

    static GatePacket packet(long lambda, long lambdaPrev, int edges, int concentrationQ15, int partitions,
                             boolean idsAvailable) {
        return new GatePacket(Math.max(0, Math.min(U32_MAX, lambda)), lambdaPrev, u16(edges), u16(concentrationQ15),
                u16(partitions), idsAvailable ? GatePacket.FLAG_BOUNDARY_IDS_AVAILABLE : 0);
    }

    private static int u16(int v) { return Math.max(0, Math.min(0xFFFF, v)); }

    /** Whether the probe found a cut (at least two tokens). */
    public boolean hasCut() { return tokens >= 2; }

    @Override public boolean[] sides() { return sides.clone(); }

    @Override public int[] topBoundaryEdgeIds() { return topBoundaryEdgeIds.clone(); }

    @Override public int[] boundaryTokens() { return boundaryTokens.clone(); }

    @Override public int[] partitionIds() { return partitionIds.clone(); }

    @Override public boolean equals(Object o) {
        return o instanceof CoherenceReport r && tokens == r.tokens
                && Double.doubleToLongBits(cutWeight) == Double.doubleToLongBits(r.cutWeight) && lambda == r.lambda
                && boundaryEdges == r.boundaryEdges && boundaryConcentrationQ15 == r.boundaryConcentrationQ15
                && partitionCount == r.partitionCount && Arrays.equals(sides, r.sides)
                && Arrays.equals(topBoundaryEdgeIds, r.topBoundaryEdgeIds)
                && Arrays.equals(boundaryTokens, r.boundaryTokens) && Arrays.equals(partitionIds, r.partitionIds);
    }

    @Override public int hashCode() {
        int h = Long.hashCode(lambda) * 31 + tokens;
        h = h * 31 + boundaryEdges;
        h = h * 31 + partitionCount;
        h = h * 31 + Arrays.hashCode(sides);
        return h * 31 + Arrays.hashCode(partitionIds);
    }

    @Override public String toString() {
        return "CoherenceReport[tokens=" + tokens + ", cutWeight=" + cutWeight + ", lambda=" + lambda
                + ", boundaryEdges=" + boundaryEdges + ", boundaryConcentrationQ15=" + boundaryConcentrationQ15
                + ", partitionCount=" + partitionCount + ", topBoundaryEdgeIds=" + Arrays.toString(topBoundaryEdgeIds)
                + ", boundaryTokens=" + Arrays.toString(boundaryTokens) + ", partitionIds="
                + Arrays.toString(partitionIds) + "]";
    }
}
