package dev.mcgt.cli;

import dev.mcgt.config.TransformerConfig;
import picocli.CommandLine.Model.CommandSpec;

/** Resolves {@code --preset NAME} to a model config; an unknown name is a usage error. */
final class ConfigResolver {
    private ConfigResolver() { }

    static TransformerConfig preset(CommandSpec spec, String name) {
        return Usage.fromOptions(spec, () -> TransformerConfig.preset(name));
    }
}
