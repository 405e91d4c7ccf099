package dev.mcgt.gate;

import dev.mcgt.config.TransformerConfig;

/**
 * The sizes each tier runs with. The reference hard-codes tier 2 to one layer and window 4; here they come
 * from the config (fix 1), with the same defaults.
 */
public record TierSizes(int layersNormal, int layersDegraded, int layersSafe, int seqLenNormal,
                        int seqLenDegraded, int seqLenSafe, int windowNormal, int windowDegraded, int windowSafe) {

    /** The sizes of a model config. */
    public static TierSizes of(TransformerConfig c) {
        return new TierSizes(c.layers(), c.layersDegraded(), c.layersSafe(), c.seqLenMax(), c.seqLenDegraded(),
                c.seqLenSafe(), c.windowNormal(), c.windowDegraded(), c.windowSafe());
    }

    /** The reference's hard-coded controller sizes (baseline: 4, 2, 64, 32, 8, 16, 8; tier 2 = 1 layer, window 4). */
    public static TierSizes referenceBaseline() {
        return new TierSizes(4, 2, 1, 64, 32, 8, 16, 8, 4);
    }
}
