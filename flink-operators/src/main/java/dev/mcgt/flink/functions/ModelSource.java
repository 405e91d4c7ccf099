package dev.mcgt.flink.functions;

import dev.mcgt.McgtException;
import dev.mcgt.config.TransformerConfig;
import java.io.Serializable;

/**
 * Where the scoring function finds its model: a value small enough to ship inside the job graph. The weights
 * themselves are loaded in each TaskManager by {@link SharedModels} and never travel with the job or enter state.
 *
 * <ul>
 *   <li>{@link Kind#FILE}: a native model file ({@code .mcgt}) at a path or URI every TaskManager can read
 *       (a local or shared path, or any file system Flink is configured for, e.g. {@code s3://…});</li>
 *   <li>{@link Kind#RESOURCE}: a native model file packed as a resource in the job jar;</li>
 *   <li>{@link Kind#SYNTHETIC}: seeded synthetic weights of a preset ({@code micro}, {@code baseline}), for tests
 *       and demos.</li>
 * </ul>
 *
 * @param kind     where to look
 * @param location the path or URI, the resource name, or the preset name
 * @param seed     the seed of synthetic weights (0 for the other kinds)
 */
public record ModelSource(Kind kind, String location, long seed) implements Serializable {

    /** Where a model comes from. */
    public enum Kind { FILE, RESOURCE, SYNTHETIC }

    /** Checks the kind and location (and, for synthetic weights, that the preset exists). */
    public ModelSource {
        if (kind == null) throw McgtException.badConfig("model source kind must be set");
        if (location == null || location.isBlank()) throw McgtException.badConfig("model source location is empty");
        if (kind == Kind.SYNTHETIC) TransformerConfig.preset(location);
        else if (seed != 0) throw McgtException.badConfig("a seed applies to synthetic models only");
    }

    /** A native model file at {@code pathOrUri} (read through Flink's file systems). */
    public static ModelSource file(String pathOrUri) {
        return new ModelSource(Kind.FILE, pathOrUri, 0);
    }

    /** A native model file packed in the job jar under {@code resourceName} (no leading slash). */
    public static ModelSource resource(String resourceName) {
        String name = resourceName == null ? null : resourceName.startsWith("/") ? resourceName.substring(1) : resourceName;
        return new ModelSource(Kind.RESOURCE, name, 0);
    }

    /** Seeded synthetic weights of a preset. */
    public static ModelSource synthetic(String preset, long seed) {
        return new ModelSource(Kind.SYNTHETIC, preset, seed);
    }

    /** One line for logs: {@code file:/models/a.mcgt}, {@code resource:models/a.mcgt}, {@code synthetic:micro:7}. */
    @Override
    public String toString() {
        return switch (kind) {
            case FILE -> "file:" + location;
            case RESOURCE -> "resource:" + location;
            case SYNTHETIC -> "synthetic:" + location + ":" + seed;
        };
    }
}
