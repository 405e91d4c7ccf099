package dev.mcgt.cli;

/**
 * One good input record of {@code embed}, {@code calibrate}, {@code eval} and {@code prototypes}.
 *
 * @param line   line number in its file (1-based; 0 for a whole {@code .json} or {@code .txt} file)
 * @param id     the document id (numbers as text)
 * @param text   the document text (not blank)
 * @param label  the document's label, or null when the record has none
 * @param source its file as messages name it (see {@link InputRecords.Visitor})
 */
record InputDocument(long line, String id, String text, String label, String source) {

    /** Where the record is, for messages: {@code SOURCE line N} or {@code SOURCE}. */
    String where() {
        return line > 0 ? source + " line " + line : source;
    }
}
