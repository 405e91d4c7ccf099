package dev.mcgt.job;

/**
 * What the chunking stage knows about a document and the aggregation needs to finish it: the label and how many
 * chunks to wait for.
 *
 * @param id            the document id
 * @param label         the label, or null
 * @param origin        where it was read
 * @param tokens        content tokens scored (after {@code --max-tokens})
 * @param droppedTokens content tokens beyond {@code --max-tokens}, not scored
 * @param chunks        chunks sent to scoring
 */
public record DocumentInfo(String id, String label, String origin, int tokens, int droppedTokens, int chunks) { }
