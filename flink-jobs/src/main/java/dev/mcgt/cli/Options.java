package dev.mcgt.cli;

import dev.mcgt.McgtException;
import java.nio.file.Path;
import java.util.function.Supplier;
import picocli.CommandLine.Model.CommandSpec;

/** Checks and helpers shared by {@code calibrate}, {@code eval} and {@code prototypes}. */
final class Options {
    private Options() { }

    /** Usage errors for negative token limits, overlaps, thread counts or progress intervals (0 = no progress). */
    static void checkCommon(CommandSpec spec, int maxTokens, int overlap, int threads, double progressSeconds) {
        if (maxTokens < 0) throw Usage.error(spec, "--max-tokens cannot be negative");
        if (overlap < 0) throw Usage.error(spec, "--overlap cannot be negative");
        if (threads < 0) throw Usage.error(spec, "--threads cannot be negative");
        checkProgress(spec, progressSeconds);
    }

    /** {@code --progress-seconds}, the same in every command: 0 means no progress lines; negative is an error. */
    static void checkProgress(CommandSpec spec, double progressSeconds) {
        if (!(progressSeconds >= 0) || Double.isInfinite(progressSeconds)) {
            throw Usage.error(spec, "--progress-seconds cannot be negative (0 = no progress lines), got " + progressSeconds);
        }
    }

    /** Builds one scorer up front so that a setting that does not fit the model is a usage error before any work. */
    static void checkScorer(CommandSpec spec, Supplier<?> scorer) {
        try {
            scorer.get();
        } catch (McgtException e) {
            if (e.detail().startsWith("chunk overlap")) throw Usage.error(spec, "--overlap: " + e.detail());
            throw e;
        }
    }

    /** The thread count: {@code n}, or one per processor for 0. */
    static int threads(int n) {
        return n > 0 ? n : Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /** The input's name in messages. */
    static String name(Path input) {
        return input.toString().equals("-") ? "stdin" : input.toString();
    }
}
