package dev.mcgt.scoring;

import dev.mcgt.McgtException;
import java.util.Locale;

/**
 * What a skipped chunk (tier 3: nothing ran, or a cache hit) puts into its document's vector. Both rules stay in
 * the final layer's space; the untransformed embedding-layer mean is never pooled. Either way a document always
 * has a computed chunk: a chunk the gate would skip while the document has none yet runs at tier 0.
 */
public enum SkipRule {
    /**
     * The vector of the document's computed chunk whose sketch (normalised mean of token embeddings) is most
     * similar to the skipped chunk's, with weight 1 like any other chunk: the skipped chunk is counted as a copy
     * of its nearest computed neighbour.
     */
    NEAREST,
    /** Nothing (weight 0): the document vector is the mean over its computed chunks only. */
    NONE;

    /** The name as written in files and options: {@code nearest}, {@code none}. */
    public String label() { return name().toLowerCase(Locale.ROOT); }

    /** Parses {@link #label()}. */
    public static SkipRule parse(String s) {
        for (SkipRule r : values()) if (r.label().equals(s)) return r;
        throw McgtException.badConfig("unknown skip rule '" + s + "' (expected nearest or none)");
    }
}
