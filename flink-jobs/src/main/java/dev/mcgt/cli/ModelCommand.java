package dev.mcgt.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code mcgt model}: the native model file ({@code synth}, {@code import}, {@code info}). */
@Command(name = "model", mixinStandardHelpOptions = true,
        description = "Create, import and inspect native model files (.mcgt).",
        subcommands = {ModelSynthCommand.class, ModelImportCommand.class, ModelInfoCommand.class})
final class ModelCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
        throw Usage.error(spec, "missing subcommand (synth, import or info)");
    }
}
