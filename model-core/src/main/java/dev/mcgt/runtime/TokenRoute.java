package dev.mcgt.runtime;

/** One token's route through a block under Mixture-of-Depths (docs/GATE.md; ordinal = wire value). */
public enum TokenRoute {
    /** The token goes through the block. */
    COMPUTE,
    /** The token passes the block unchanged (residual identity). */
    SKIP,
    /** A boundary token: always computed. */
    BOUNDARY;

    /** True unless the route is SKIP. */
    public boolean requiresCompute() { return this != SKIP; }

    public boolean isBoundary() { return this == BOUNDARY; }
}
