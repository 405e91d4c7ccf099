package dev.mcgt.runtime;

/**
 * Which blocks a reduced tier runs when it may run fewer than all of them. EARLY_LAYERS (the default) runs the
 * first N blocks and then the head, as LayerSkip does; LATE_LAYERS runs the last N blocks, as the original design (docs/GATE.md).
 */
public enum LayerSelection {
    /** Blocks 0 .. N−1, then the final norm and head. */
    EARLY_LAYERS,
    /** Blocks L−N .. L−1 on the embedding output (the original design's choice). */
    LATE_LAYERS
}
