package dev.mcgt.gate;

/** What an inference does to the stream's KV cache. */
public enum KvAction {
    /** Append this chunk's keys and values (ALLOW, REDUCE_SCOPE). */
    WRITE,
    /** Read the cache, write nothing (FREEZE_WRITES, QUARANTINE_UPDATES, or KV disabled). */
    FREEZE,
    /** Clear the cache, then write this chunk (FLUSH_KV). */
    FLUSH,
    /** Untouched (skip tier). */
    NONE;

    /** The action a non-skip decision implies; {@code kvEnabled=false} turns writes into FREEZE. */
    public static KvAction forDecision(GateDecision d, boolean kvEnabled) {
        return switch (d) {
            case ALLOW, REDUCE_SCOPE -> kvEnabled ? WRITE : FREEZE;
            case FLUSH_KV -> kvEnabled ? FLUSH : FREEZE;
            case FREEZE_WRITES, QUARANTINE_UPDATES -> FREEZE;
        };
    }
}
