package dev.mcgt.cli;

import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code --gate on|off} of {@code embed} and {@code prototypes} (case-insensitive; a usage error otherwise).
 * {@code mcgt score} keeps its own: its options are parsed outside a command too ({@link ScoreOptions#parse}).
 */
final class GateOption {
    @Option(names = "--gate", paramLabel = "on|off", defaultValue = "on",
            description = "on: the gate picks each chunk's tier; off: every chunk runs in full (default: ${DEFAULT-VALUE}).")
    String value;

    /** Whether the gate is on; a usage error of {@code spec} for anything but on or off. */
    boolean on(CommandSpec spec) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "on" -> true;
            case "off" -> false;
            default -> throw Usage.error(spec, "--gate must be on or off, got '" + value + "'");
        };
    }
}
