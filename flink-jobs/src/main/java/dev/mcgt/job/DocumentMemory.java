package dev.mcgt.job;

/**
 * {@link ChunkDocuments}' state for one document id: what it knows of the document, and the processing-time timer
 * at which it forgets the id. Stored with {@link DocumentMemorySerializer}.
 *
 * @param document the document as far as it was read
 * @param timer    processing time (ms) at which the id is forgotten (its last record plus the id memory), or
 *                 {@link Long#MAX_VALUE} when ids are kept for the job's lifetime
 */
public record DocumentMemory(OpenDocument document, long timer) { }
