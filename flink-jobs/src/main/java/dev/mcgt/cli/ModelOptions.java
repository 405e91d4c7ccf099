package dev.mcgt.cli;

import dev.mcgt.config.TransformerConfig;
import dev.mcgt.model.LoadedModel;
import dev.mcgt.model.ModelFile;
import dev.mcgt.model.ModelWeights;
import dev.mcgt.model.SyntheticWeights;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The model options of {@code infer} and {@code bench} (a picocli mixin): a synthetic preset with a seed, or a model
 * file. Not to be confused with {@link dev.mcgt.flink.functions.ModelSource}, where the Flink job loads its model from.
 */
final class ModelOptions {
    /** Seed of synthetic weights when {@code --seed} is not given (the same as {@code model synth}). */
    static final long DEFAULT_SEED = 7;

    @Option(names = "--preset", paramLabel = "NAME", description = "Synthetic model: micro or baseline.")
    String preset;

    @Option(names = "--model", paramLabel = "FILE", description = "Native model file (.mcgt).")
    Path model;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the synthetic weights (default 7).")
    Long seed;

    /** The weights and a label naming where they came from. */
    record Weights(ModelWeights weights, String label) { }

    /** Exactly one of --preset and --model (a usage error otherwise); a bad model file is a failure. */
    Weights load(CommandSpec spec) {
        if ((preset == null) == (model == null)) throw Usage.error(spec, "give exactly one of --preset and --model");
        if (model != null) {
            if (seed != null) throw Usage.error(spec, "--seed applies to --preset only");
            LoadedModel m = ModelFile.load(model);
            return new Weights(m.weights(), model + " (" + m.fingerprint().substring(0, 12) + ")");
        }
        TransformerConfig config = ConfigResolver.preset(spec, preset);
        long s = seed == null ? DEFAULT_SEED : seed;
        return new Weights(SyntheticWeights.generate(config, s), preset + " (seed " + s + ")");
    }
}
