package dev.mcgt.runtime;

import dev.mcgt.gate.GatePacket;
import dev.mcgt.gate.SpikePacket;

/**
 * One chunk to score. Arrays are not copied (the hot path does not allocate): do not change them while an
 * inference reads them. Positions in {@code boundaryTokens}, {@code partitionOf} and the spike top-k are
 * chunk positions (indices into {@code tokens}). Checked by {@link GatedTransformer#infer} against the model.
 *
 * @param tokens             token ids, 1..seqLenMax of them, each in [0, vocabSize)
 * @param tokenTypes         token type per token (encoders with type embeddings), or null for all 0
 * @param gate               the coherence packet (required)
 * @param spikes             the novelty packet, or null
 * @param hasSignature       whether {@code signature} is given; otherwise the FNV-1a of the tokens is used
 * @param signature          the cache key of the skip tier
 * @param boundaryTokens     chunk positions on the min-cut boundary, or null
 * @param partitionOf        partition id of each token (same length as tokens), or null
 * @param topBoundaryEdgeIds ids of the probe's heaviest boundary edges (at most 8 are reported), or null
 */
public record InferInput(int[] tokens, int[] tokenTypes, GatePacket gate, SpikePacket spikes, boolean hasSignature,
                         long signature, int[] boundaryTokens, int[] partitionOf, long[] topBoundaryEdgeIds) {

    /** Tokens and a gate packet; nothing else. */
    public static InferInput of(int[] tokens, GatePacket gate) {
        return new InferInput(tokens, null, gate, null, false, 0L, null, null, null);
    }

    public InferInput withTokenTypes(int[] types) {
        return new InferInput(tokens, types, gate, spikes, hasSignature, signature, boundaryTokens, partitionOf,
                topBoundaryEdgeIds);
    }

    public InferInput withGate(GatePacket g) {
        return new InferInput(tokens, tokenTypes, g, spikes, hasSignature, signature, boundaryTokens, partitionOf,
                topBoundaryEdgeIds);
    }

    public InferInput withSpikes(SpikePacket s) {
        return new InferInput(tokens, tokenTypes, gate, s, hasSignature, signature, boundaryTokens, partitionOf,
                topBoundaryEdgeIds);
    }

    public InferInput withSignature(long sig) {
        return new InferInput(tokens, tokenTypes, gate, spikes, true, sig, boundaryTokens, partitionOf,
                topBoundaryEdgeIds);
    }

    public InferInput withoutSignature() {
        return new InferInput(tokens, tokenTypes, gate, spikes, false, 0L, boundaryTokens, partitionOf,
                topBoundaryEdgeIds);
    }

    public InferInput withBoundaryTokens(int[] positions) {
        return new InferInput(tokens, tokenTypes, gate, spikes, hasSignature, signature, positions, partitionOf,
                topBoundaryEdgeIds);
    }

    public InferInput withPartitionOf(int[] partitions) {
        return new InferInput(tokens, tokenTypes, gate, spikes, hasSignature, signature, boundaryTokens, partitions,
                topBoundaryEdgeIds);
    }

    public InferInput withTopBoundaryEdgeIds(long[] ids) {
        return new InferInput(tokens, tokenTypes, gate, spikes, hasSignature, signature, boundaryTokens, partitionOf,
                ids);
    }
}
