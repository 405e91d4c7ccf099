package dev.mcgt.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * Which records of the input a command uses: every {@code --stride}-th record from record {@code --offset} on,
 * at most {@code --limit} of them. Records are the non-blank lines, counted from 0; a selected record that is
 * bad is reported and counts towards the limit. A corpus sorted by class (like SpamAssassin's) needs a stride to
 * give a mixed sample; offsets with the same stride give disjoint samples (e.g. calibrate on offset 5, evaluate on
 * offset 0, stride 10).
 */
final class DocumentSelection {
    @Option(names = "--offset", paramLabel = "N", defaultValue = "0",
            description = "Skip the first N records (default: ${DEFAULT-VALUE}).")
    long offset;

    @Option(names = "--stride", paramLabel = "N", defaultValue = "1",
            description = "Take every N-th record from the offset on (default: ${DEFAULT-VALUE}: all).")
    long stride;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0",
            description = "At most N records, 0 for no limit (default: ${DEFAULT-VALUE}).")
    long limit;

    /** Usage errors for negative values or a stride below 1. */
    void check(CommandSpec spec) {
        if (offset < 0) throw Usage.error(spec, "--offset cannot be negative");
        if (stride < 1) throw Usage.error(spec, "--stride must be at least 1");
        if (limit < 0) throw Usage.error(spec, "--limit cannot be negative");
    }

    /** Whether record {@code index} (0-based among non-blank lines) is selected, given how many already were. */
    boolean selects(long index, long alreadySelected) {
        if (limit > 0 && alreadySelected >= limit) return false;
        return index >= offset && (index - offset) % stride == 0;
    }

    /** Whether no later record can be selected. */
    boolean full(long alreadySelected) {
        return limit > 0 && alreadySelected >= limit;
    }

    /** A short description for reports, e.g. {@code offset 5, stride 10, limit 300}. */
    String describe() {
        return "offset " + offset + ", stride " + stride + ", limit " + (limit == 0 ? "none" : Long.toString(limit));
    }
}
