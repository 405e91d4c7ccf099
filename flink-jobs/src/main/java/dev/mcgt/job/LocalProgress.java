package dev.mcgt.job;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Progress counters of jobs running in this JVM (an embedded local Flink: {@code mcgt score} polls them to show
 * documents done and docs/s). On a real cluster they count in the TaskManagers and nobody reads them; Flink's own
 * web UI and metrics show progress there.
 */
public final class LocalProgress {
    private static final AtomicLong DOCUMENTS = new AtomicLong();
    private static final AtomicLong CHUNKS = new AtomicLong();

    private LocalProgress() { }

    static void documentScored() {
        DOCUMENTS.incrementAndGet();
    }

    static void chunkScored() {
        CHUNKS.incrementAndGet();
    }

    /** Documents scored in this JVM since start or the last {@link #reset()}. */
    public static long documents() { return DOCUMENTS.get(); }

    /** Chunks scored in this JVM (counted as the scoring stage emits them, before documents are finished). */
    public static long chunks() { return CHUNKS.get(); }

    /** Starts counting from zero (before a run). */
    public static void reset() {
        DOCUMENTS.set(0);
        CHUNKS.set(0);
    }
}
