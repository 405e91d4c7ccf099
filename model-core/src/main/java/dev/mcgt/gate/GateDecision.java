package dev.mcgt.gate;

/** What the gate permits this inference (docs/GATE.md); ordinal order is also conservativeness order. */
public enum GateDecision {
    ALLOW(true, true),
    REDUCE_SCOPE(true, false),
    FLUSH_KV(false, false),
    FREEZE_WRITES(false, false),
    QUARANTINE_UPDATES(false, false);

    private final boolean kvWrites;
    private final boolean externalWrites;

    GateDecision(boolean kvWrites, boolean externalWrites) {
        this.kvWrites = kvWrites;
        this.externalWrites = externalWrites;
    }

    public boolean allowsKvWrites() { return kvWrites; }

    public boolean allowsExternalWrites() { return externalWrites; }

    public boolean isIntervention() { return this != ALLOW; }
}
