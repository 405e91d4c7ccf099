package dev.mcgt.flink.telemetry;

/**
 * A chunk that could not be scored (side output {@link OutputTags#REJECTS}): the job keeps running and the
 * document's state is left as it was (except that a rejected last chunk still ends the document).
 *
 * @param docId         the document id as given ("" when it was missing)
 * @param chunkIndex    the input index of the chunk
 * @param tokens        tokens in the chunk (0 when there were none)
 * @param endOfDocument the chunk was marked as the document's last
 * @param reason        why, one line (e.g. "token id 300 at position 4 is outside the vocabulary [0, 256)")
 */
public record ChunkReject(String docId, long chunkIndex, int tokens, boolean endOfDocument, String reason) { }
