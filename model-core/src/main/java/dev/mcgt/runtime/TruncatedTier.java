package dev.mcgt.runtime;

import dev.mcgt.McgtException;

/**
 * Tier 1 as fewer layers, with sizes of its own instead of the model's {@code layersDegraded} and
 * {@code seqLenDegraded}: the first {@code layers} blocks on the first {@code tokens} tokens, with the normal
 * attention window. Its vector is an intermediate layer's, so it is meant to be mapped by a lens.
 *
 * @param layers blocks run (1 .. layers of the model)
 * @param tokens tokens kept (1 .. the model's chunk length)
 */
public record TruncatedTier(int layers, int tokens) {
    /** Validates the fields with one-line messages. */
    public TruncatedTier {
        if (layers < 1) throw McgtException.badConfig("a truncated tier 1 runs at least 1 layer, got " + layers);
        if (tokens < 1) throw McgtException.badConfig("a truncated tier 1 keeps at least 1 token, got " + tokens);
    }

    /** Checks the fields against a model's layer count and chunk length. */
    public TruncatedTier checkFor(int modelLayers, int seqLenMax) {
        if (layers > modelLayers) {
            throw McgtException.badConfig("a truncated tier 1 of " + layers + " layers exceeds the model's " + modelLayers);
        }
        if (tokens > seqLenMax) {
            throw McgtException.badConfig("a truncated tier 1 of " + tokens + " tokens exceeds the chunk length " + seqLenMax);
        }
        return this;
    }
}
