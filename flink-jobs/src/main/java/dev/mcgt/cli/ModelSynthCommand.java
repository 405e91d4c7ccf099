package dev.mcgt.cli;

import dev.mcgt.config.TransformerConfig;
import dev.mcgt.model.ModelFile;
import dev.mcgt.model.ModelInfo;
import dev.mcgt.model.SyntheticWeights;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mcgt model synth}: writes a synthetic preset with seeded, deterministic weights to a model file. */
@Command(name = "synth", mixinStandardHelpOptions = true,
        description = "Write a synthetic model (seeded, deterministic weights) to a native model file and print "
                + "its info.")
final class ModelSynthCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--preset", paramLabel = "NAME", required = true, description = "micro or baseline.")
    String preset;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "7",
            description = "Weight seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", paramLabel = "FILE", required = true, description = "Where to write the model (.mcgt).")
    Path out;

    @Override
    public Integer call() {
        checkOut(spec, out);
        TransformerConfig config = ConfigResolver.preset(spec, preset);
        ModelFile.write(SyntheticWeights.generate(config, seed), out);
        ModelInfo info = ModelFile.info(out);
        spec.commandLine().getOut().println(Json.pretty(ModelInfoCommand.toJson(out, info)));
        return 0;
    }

    /** {@code --out} of {@code model synth} and {@code model import}: a file to write, never an existing folder. */
    static void checkOut(CommandSpec spec, Path out) {
        if (Files.isDirectory(out)) throw Usage.error(spec, "--out " + out + " is a folder; give the model file's name");
    }
}
