package dev.mcgt.cli;

import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The options {@code calibrate}, {@code eval} and {@code prototypes} share: the model, the JSON-lines input and
 * which of its records to use, how documents are cut, and how many threads score them.
 */
final class SampleRunOptions {
    @Option(names = "--model", paramLabel = "FILE|minilm", required = true,
            description = "Native model file (.mcgt) with a tokenizer (see 'mcgt model import'), or 'minilm' "
                    + "(models/minilm.mcgt, imported the first time).")
    String model;

    @Option(names = "--input", paramLabel = "PATH", required = true,
            description = "JSON lines {\"id\", \"text\", \"label\"} (the label where the command needs one), or a "
                    + "folder read as mcgt score reads it; '-' for stdin.")
    Path input;

    @Option(names = "--max-tokens", paramLabel = "N", defaultValue = "0",
            description = "Most content tokens scored per document, 0 for all (default: ${DEFAULT-VALUE}); use the "
                    + "value of the runs the result is for.")
    int maxTokens;

    @Option(names = "--overlap", paramLabel = "N", defaultValue = "0",
            description = "Content tokens shared by consecutive chunks (default: ${DEFAULT-VALUE}).")
    int overlap;

    @Mixin DocumentSelection selection;

    @Mixin TextPrefixOption textPrefix;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "Scoring threads, 0 for one per processor (default: ${DEFAULT-VALUE}); results do not "
                    + "depend on it.")
    int threads;

    @Option(names = "--progress-seconds", paramLabel = "S", defaultValue = "10",
            description = "Seconds between progress lines on stderr (0 = none; default: ${DEFAULT-VALUE}).")
    double progressSeconds;

    /** Usage errors for out-of-range values. */
    void check(CommandSpec spec) {
        Options.checkCommon(spec, maxTokens, overlap, threads, progressSeconds);
        selection.check(spec);
    }

    /** The model (resolved, read, with its tokenizer checked). */
    ScorerFactory scorers() {
        return ScorerFactory.load(ModelResolver.resolve(model));
    }
}
