package dev.mcgt.job;

/**
 * One input record as read from a file, before parsing: a JSON line, a whole {@code .json} file or a whole
 * {@code .txt} file. Bytes stay raw so that invalid UTF-8 is caught by the parser and rejected, not replaced.
 *
 * @param file  the file's path relative to the input root ({@code /} separated; the file name for a single file)
 * @param line  1-based line number for JSON lines; 0 for whole files
 * @param kind  how the bytes are to be read
 * @param bytes the record's bytes, or null when it was larger than the reader's limit (then only {@code size})
 * @param size  the record's size in bytes
 */
public record RawRecord(String file, long line, Kind kind, byte[] bytes, long size) {

    /** The three input shapes. */
    public enum Kind { JSON_LINE, JSON_FILE, TEXT_FILE }

    /** Where the record came from, for messages: {@code file:line} or {@code file}. */
    public String origin() {
        return line > 0 ? file + ":" + line : file;
    }

    /** Larger than the reader's limit: the bytes were not kept. */
    public boolean oversize() {
        return bytes == null;
    }
}
