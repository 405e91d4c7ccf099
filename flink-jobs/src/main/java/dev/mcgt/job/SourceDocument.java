package dev.mcgt.job;

/**
 * A parsed input document.
 *
 * @param id     the document id (non-empty)
 * @param text   the text (non-blank)
 * @param label  the label, or null when the record has none
 * @param origin where it was read ({@code file:line} or {@code file})
 * @param line   its line in the file (0 for a whole file): in BATCH mode the timestamp that orders the records of
 *               an id, so that the earliest line wins over duplicates and parts come in order
 * @param more   the document continues in a later record with the same id (field {@code "more": true})
 */
public record SourceDocument(String id, String text, String label, String origin, long line, boolean more) { }
