package dev.mcgt.cli;

/**
 * One good input record of {@code calibrate}, {@code eval} and {@code prototypes}.
 *
 * @param line  line number in the input (1-based)
 * @param id    the document id (numbers as text)
 * @param text  the document text (not blank)
 * @param label the document's label, or null when the record has none
 */
record InputDocument(long line, String id, String text, String label) { }
