package dev.mcgt.job;

/**
 * {@link AggregateDocuments}' memory of a document that is not complete yet (its chunks are kept apart, as
 * {@link PooledChunk}s). Stored with {@link PendingDocumentSerializer}.
 *
 * @param info      the document's info, or null while it has not arrived
 * @param received  chunk scores received so far
 * @param expiresAt processing time (ms) at which the document is given up if still incomplete (its last record
 *                  plus the timeout), or {@link Long#MAX_VALUE} when incomplete documents wait for the end of the input
 * @param timer     the processing-time timer registered for this document (at or before {@code expiresAt}), or
 *                  {@link Long#MAX_VALUE} for none
 */
public record PendingDocument(DocumentInfo info, int received, long expiresAt, long timer) {

    /** Every chunk the info announces is in. */
    public boolean complete() {
        return info != null && received >= info.chunks();
    }
}
