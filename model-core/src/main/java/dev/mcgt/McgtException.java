package dev.mcgt;

/**
 * The one error type of the core. Each {@link Kind} has a display prefix and a classification
 * (recoverable, config error) kept from the original design (docs/GATE.md), so callers can tell a user mistake from a broken model.
 */
public final class McgtException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What went wrong, with its display prefix and classification. */
    public enum Kind {
        BAD_CONFIG("Bad configuration: ", false, true),
        BAD_WEIGHTS("Bad weights: ", false, true),
        BAD_INPUT("Bad input: ", true, false),
        OUTPUT_TOO_SMALL("Output buffer too small: ", true, false),
        UNSUPPORTED_MODE("Unsupported mode: ", false, false);

        private final String prefix;
        private final boolean recoverable;
        private final boolean configError;

        Kind(String prefix, boolean recoverable, boolean configError) {
            this.prefix = prefix;
            this.recoverable = recoverable;
            this.configError = configError;
        }
    }

    private final Kind kind;
    private final String detail;

    private McgtException(Kind kind, String detail) {
        super(kind.prefix + detail);
        this.kind = kind;
        this.detail = detail;
    }

    public static McgtException badConfig(String msg) { return new McgtException(Kind.BAD_CONFIG, msg); }

    public static McgtException badWeights(String msg) { return new McgtException(Kind.BAD_WEIGHTS, msg); }

    public static McgtException badInput(String msg) { return new McgtException(Kind.BAD_INPUT, msg); }

    public static McgtException unsupported(String msg) { return new McgtException(Kind.UNSUPPORTED_MODE, msg); }

    public static McgtException outputTooSmall(int needed, int provided) {
        return new McgtException(Kind.OUTPUT_TOO_SMALL, "need " + needed + ", got " + provided);
    }

    public Kind kind() { return kind; }

    /** The message without the kind prefix. */
    public String detail() { return detail; }

    public boolean isRecoverable() { return kind.recoverable; }

    public boolean isConfigError() { return kind.configError; }
}
