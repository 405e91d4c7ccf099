package dev.mcgt.job;

/**
 * The chunking stage's memory of a document id: where its first record was read, and, while the document is
 * still open (its last record said {@code "more": true}), how far it got.
 *
 * @param firstOrigin where the first record of the id was read
 * @param open        more parts are expected
 * @param nextChunk   index of the next chunk
 * @param tokens      content tokens sent to scoring so far
 * @param dropped     content tokens dropped so far (over {@code --max-tokens})
 * @param parts       records of the document so far
 * @param label       the label of the first part that had one, or null
 */
public record OpenDocument(String firstOrigin, boolean open, long nextChunk, int tokens, long dropped, int parts,
                           String label) { }
