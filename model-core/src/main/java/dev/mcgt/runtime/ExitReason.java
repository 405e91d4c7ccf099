package dev.mcgt.runtime;

/** Why the λ early-exit rule did or did not exit (reference §6.2; ordinal = wire value). */
public enum ExitReason {
    INSUFFICIENT_CONFIDENCE,
    LAMBDA_TOO_LOW,
    LAMBDA_UNSTABLE,
    BOUNDARIES_TOO_CONCENTRATED,
    CONFIDENT_EXIT,
    FORCED_CONTINUE
}
