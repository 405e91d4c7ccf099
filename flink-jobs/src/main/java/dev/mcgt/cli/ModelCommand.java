package dev.mcgt.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code mcgt model}: the native model file ({@code synth}, {@code info}). */
@Command(name = "model", mixinStandardHelpOptions = true,
        description = "Create and inspect native model files (.mcgt).",
        subcommands = {ModelSynthCommand.class, ModelInfoCommand.class})
final class ModelCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
        throw Usage.error(spec, "missing subcommand (synth or info)");
    }
}
