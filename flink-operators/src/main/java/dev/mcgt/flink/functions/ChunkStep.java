package dev.mcgt.flink.functions;

import dev.mcgt.McgtException;
import dev.mcgt.scoring.ChunkResult;
import dev.mcgt.scoring.DocumentScorer;
import dev.mcgt.stream.StreamState;

/**
 * One chunk through the scorer against a document's stored {@link StreamState}: the step that
 * {@link GatedScoringFunction} and the SQL function {@code mcgt_score} both run, so that they score alike and
 * treat their state alike. The caller reads the stored state, runs the step and then applies the {@link Outcome}
 * to its own state store: clear it, write {@link Outcome#keep()}, or leave it (a rejected chunk that does not end
 * the document).
 */
public final class ChunkStep {
    /** Reject reason of a chunk without a document id. */
    public static final String NO_ID = "document id is missing";

    private ChunkStep() { }

    /**
     * What one step did.
     *
     * @param result            the core's result, null for a rejected chunk
     * @param score             the flattened score, null for a rejected chunk
     * @param reject            why the chunk was rejected, null when it was scored
     * @param keep              the state to write back, null when there is nothing to write
     * @param clear             clear the stored state (the document ended)
     * @param fingerprintBefore the model fingerprint the stored state came from (null for a rejected chunk)
     */
    public record Outcome(ChunkResult result, ChunkScore score, String reject, StreamState keep, boolean clear,
                          String fingerprintBefore) {
        public boolean rejected() { return reject != null; }
    }

    /**
     * Scores {@code chunk} of document {@code key}. Bad input (an empty key, a chunk the scorer refuses) is a
     * rejected outcome that leaves the state as it was, except that a rejected last chunk still ends the document;
     * any other failure propagates.
     *
     * @param stored the document's stored state, null for a new document (it is changed in place)
     */
    public static Outcome run(DocumentScorer scorer, StreamState stored, String key, DocumentChunk chunk) {
        if (key == null || key.isEmpty()) return rejected(chunk, NO_ID);
        StreamState state = stored != null ? stored : scorer.newState();
        String before = state.modelFingerprint();
        ChunkResult r;
        try {
            r = scorer.scoreChunk(state, chunk.tokenIds());
        } catch (McgtException e) {
            if (e.kind() != McgtException.Kind.BAD_INPUT) throw e;
            return rejected(chunk, e.detail());
        }
        boolean end = chunk.endOfDocument();
        return new Outcome(r, ChunkScore.of(key, chunk, r), null, end ? null : state, end, before);
    }

    private static Outcome rejected(DocumentChunk chunk, String reason) {
        return new Outcome(null, null, reason, null, chunk.endOfDocument(), null);
    }
}
