package dev.mcgt.config;

import dev.mcgt.McgtException;
import java.util.Locale;

/**
 * An encoder's output: how the chunk's final hidden states are pooled and whether the result is L2-normalised.
 * Part of the model (stored in the native model file, see {@code ModelFile}); models written before it existed
 * are {@link #DEFAULT}, mean pooling and L2 normalisation (all-MiniLM-L6-v2's).
 *
 * @param mode      mean of the rows or the [CLS] row
 * @param normalize whether the pooled vector is divided by its L2 norm
 */
public record Pooling(PoolingMode mode, boolean normalize) {
    /** Mean pooling, L2-normalised: what every model file of format version 1 means. */
    public static final Pooling DEFAULT = new Pooling(PoolingMode.MEAN, true);

    public Pooling {
        if (mode == null) throw McgtException.badConfig("pooling mode must be set");
    }

    /** True for {@link #DEFAULT}. */
    public boolean isDefault() {
        return equals(DEFAULT);
    }

    /** {@code mean} or {@code cls}, as the command line spells it. */
    public String modeName() {
        return mode.name().toLowerCase(Locale.ROOT);
    }

    /** A mode from its command-line name ({@code mean} or {@code cls}). */
    public static PoolingMode parseMode(String name) {
        for (PoolingMode m : PoolingMode.values()) {
            if (m.name().equalsIgnoreCase(name)) return m;
        }
        throw McgtException.badConfig("unknown pooling '" + name + "' (expected mean or cls)");
    }

    @Override
    public String toString() {
        return modeName() + (normalize ? ", L2-normalised" : ", not normalised");
    }
}
