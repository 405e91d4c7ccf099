package dev.mcgt.cli;

import picocli.CommandLine.Option;

/**
 * {@code --text-prefix TEXT}, shared by {@code embed}, {@code score}, {@code eval}, {@code calibrate} and
 * {@code prototypes}: text whose tokens go before every document's own, for models trained with one (e5's
 * {@code "query: "} / {@code "passage: "}, bge's query instruction). Recorded in each command's output metadata.
 */
final class TextPrefixOption {
    @Option(names = "--text-prefix", paramLabel = "TEXT", defaultValue = "",
            description = "Text put before every document's text, for models trained with a prefix (e5: "
                    + "'passage: ' or 'query: '); counted in --max-tokens; none by default.")
    String value;

    /** The prefix, "" for none. */
    String value() {
        return value == null ? "" : value;
    }
}
