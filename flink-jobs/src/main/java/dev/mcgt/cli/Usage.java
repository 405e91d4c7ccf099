package dev.mcgt.cli;

import dev.mcgt.McgtException;
import java.util.function.Supplier;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * Turns problems with the command line itself (a bad option value, a missing or conflicting option) into picocli
 * usage errors, which {@link Main} reports on one line with exit code 2.
 */
final class Usage {
    private Usage() { }

    /** A usage error of this command. */
    static ParameterException error(CommandSpec spec, String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /** Evaluates {@code s}; a core error (bad input or config built from options) becomes a usage error. */
    static <T> T fromOptions(CommandSpec spec, Supplier<T> s) {
        try {
            return s.get();
        } catch (McgtException e) {
            throw error(spec, e.detail());
        }
    }
}
