package dev.mcgt.runtime;

/** Why the λ early-exit rule did or did not exit (docs/GATE.md; ordinal = wire value). */
public enum ExitReason {
    INSUFFICIENT_CONFIDENCE,
    LAMBDA_TOO_LOW,
    LAMBDA_UNSTABLE,
    BOUNDARIES_TOO_CONCENTRATED,
    CONFIDENT_EXIT,
    FORCED_CONTINUE
}
