package dev.mcgt.runtime;

import dev.mcgt.McgtException;

/**
 * Tier 1 as full depth on fewer tokens (encoders): the first {@code afterLayers} blocks run on every kept token,
 * then {@link TokenMerger} merges the most similar tokens until {@code keepTokens} remain (each kept token carries
 * the count of tokens it stands for), and the remaining blocks run on those. The chunk vector is the
 * count-weighted mean of the last layer's rows, so it lives in the final layer's space like a tier-0 vector.
 * Tier 1 then also uses the normal attention window (the kept tokens are spread over the whole chunk).
 *
 * @param afterLayers blocks run on all tokens before merging (1 .. layers − 1)
 * @param keepTokens  tokens left after merging (at least 2: the first and last token are never merged away)
 */
public record TokenPruning(int afterLayers, int keepTokens) {
    /** Validates the fields with one-line messages. */
    public TokenPruning {
        if (afterLayers < 1) throw McgtException.badConfig("token pruning needs at least 1 layer before merging, got " + afterLayers);
        if (keepTokens < 2) throw McgtException.badConfig("token pruning must keep at least 2 tokens, got " + keepTokens);
    }

    /** Checks the fields against a model's layer count and chunk length. */
    public TokenPruning checkFor(int layers, int seqLenMax) {
        if (afterLayers >= layers) {
            throw McgtException.badConfig("token pruning after " + afterLayers + " layers leaves nothing to prune in a "
                    + layers + "-layer model");
        }
        if (keepTokens > seqLenMax) {
            throw McgtException.badConfig("token pruning keeps " + keepTokens + " tokens, chunks hold at most " + seqLenMax);
        }
        return this;
    }
}
