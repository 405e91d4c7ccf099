package dev.mcgt.job;

import dev.mcgt.StrictJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Cuts one input file into {@link RawRecord}s, the same way for the Flink job ({@link DocumentFileFormat}) and
 * for every command that reads documents in one process: JSON lines line by line ({@code \n} ends a line, a
 * {@code \r} before it is dropped), a {@code .txt} file whole, and a {@code .json} file by its content. A
 * {@code .json} file whose first line is on its own one complete JSON object and which has more non-blank lines
 * holds JSON lines and is read line by line; any other {@code .json} file is one document (the parser then
 * refuses it, with one reject, if it holds more than one value). Records over {@code maxRecordBytes} are counted,
 * not kept ({@link RawRecord#oversize()}), so they become rejects without being held in memory.
 *
 * <p>Deterministic: the same bytes give the same records, so a reader restored from a checkpoint skips the
 * records already read by calling {@link #next()} that many times.
 */
public final class RecordReader {
    private final InputStream in;
    private final String name;
    private final long maxRecordBytes;
    private RawRecord.Kind kind;
    private long line;
    private RawRecord pending;
    private boolean done;

    /**
     * @param in             the file's bytes (buffered by the caller)
     * @param name           the file's name in records and messages
     * @param kind           how the file is to be read (by its extension; a {@code .json} file is decided by content)
     * @param maxRecordBytes largest record kept in memory
     */
    public RecordReader(InputStream in, String name, RawRecord.Kind kind, long maxRecordBytes) {
        this.in = in;
        this.name = name;
        this.kind = kind;
        this.maxRecordBytes = maxRecordBytes;
    }

    /** The next record, or null at the end of the file. */
    public RawRecord next() throws IOException {
        if (pending != null) {
            RawRecord r = pending;
            pending = null;
            return r;
        }
        if (done) return null;
        return switch (kind) {
            case JSON_LINE -> nextLine();
            case TEXT_FILE -> whole(new byte[0], 0);
            case JSON_FILE -> decideJsonFile();
        };
    }

    private RawRecord nextLine() throws IOException {
        Bounded b = readBounded('\n', maxRecordBytes);
        if (b.size == 0 && b.eof) {
            done = true;
            return null;
        }
        line++;
        if (b.eof) done = true;
        return new RawRecord(name, line, RawRecord.Kind.JSON_LINE, stripCr(b.bytes), b.size);
    }

    /**
     * The rest of the file after {@code prefix} ({@code prefixSize} bytes of the file; null when they were too
     * many to keep) as one record.
     */
    private RawRecord whole(byte[] prefix, long prefixSize) throws IOException {
        done = true;
        long room = prefix == null ? -1 : Math.max(maxRecordBytes - prefixSize, -1);
        Bounded rest = readBounded(-1, room);
        long size = prefixSize + rest.size;
        byte[] bytes = null;
        if (prefix != null && rest.bytes != null && size <= maxRecordBytes) {
            bytes = Arrays.copyOf(prefix, prefix.length + rest.bytes.length);
            System.arraycopy(rest.bytes, 0, bytes, prefix.length, rest.bytes.length);
        }
        return new RawRecord(name, 0, kind, bytes, size);
    }

    /**
     * Reads a {@code .json} file up to its first non-blank line and decides: JSON lines (that line is one whole
     * object and another non-blank line follows) or one document (the whole file).
     */
    private RawRecord decideJsonFile() throws IOException {
        long leadLines = 0;
        long leadBytes = 0;
        Bounded first;
        while (true) {
            first = readBounded('\n', maxRecordBytes);
            if (first.eof || first.bytes == null || !isBlank(first.bytes)) break;
            leadLines++;
            leadBytes += first.size + 1;
        }
        long firstLine = leadLines + 1;
        if (first.eof) return wholeFrom(leadLines, leadBytes, first, false);
        if (first.bytes == null || !StrictJson.isOneObject(new String(first.bytes, StandardCharsets.UTF_8))) {
            return wholeFrom(leadLines, leadBytes, first, true);
        }
        long blankLines = 0;
        long blankBytes = 0;
        while (true) {
            Bounded b = readBounded('\n', maxRecordBytes);
            if (b.size == 0 && b.eof) break;
            if (b.bytes != null && isBlank(b.bytes)) {
                blankLines++;
                blankBytes += b.size + 1;
                if (b.eof) break;
                continue;
            }
            kind = RawRecord.Kind.JSON_LINE;
            line = firstLine + 1 + blankLines;
            if (b.eof) done = true;
            pending = new RawRecord(name, line, kind, stripCr(b.bytes), b.size);
            return new RawRecord(name, firstLine, kind, stripCr(first.bytes), first.size);
        }
        // one object and nothing after it but blank lines: one document
        done = true;
        return new RawRecord(name, 0, kind, first.bytes, leadBytes + first.size + 1 + blankBytes);
    }

    /**
     * The whole file as one record: {@code leadLines} blank lines (kept as bare line ends, so that positions in
     * messages stay right), the first non-blank line, and the rest of the file.
     */
    private RawRecord wholeFrom(long leadLines, long leadBytes, Bounded first, boolean more) throws IOException {
        long prefixSize = leadBytes + first.size + (more ? 1 : 0);
        byte[] prefix = null;
        if (first.bytes != null && leadLines + first.bytes.length + 1 <= maxRecordBytes) {
            prefix = new byte[(int) (leadLines + first.bytes.length + (more ? 1 : 0))];
            Arrays.fill(prefix, 0, (int) leadLines, (byte) '\n');
            System.arraycopy(first.bytes, 0, prefix, (int) leadLines, first.bytes.length);
            if (more) prefix[prefix.length - 1] = '\n';
        }
        if (!more) {
            done = true;
            return new RawRecord(name, 0, kind, prefixSize <= maxRecordBytes ? prefix : null, prefixSize);
        }
        return whole(prefix, prefixSize);
    }

    private static boolean isBlank(byte[] b) {
        for (byte x : b) if (x != ' ' && x != '\t' && x != '\r') return false;
        return true;
    }

    private static byte[] stripCr(byte[] bytes) {
        if (bytes != null && bytes.length > 0 && bytes[bytes.length - 1] == '\r') return Arrays.copyOf(bytes, bytes.length - 1);
        return bytes;
    }

    private record Bounded(byte[] bytes, long size, boolean eof) { }

    /**
     * Reads up to {@code delimiter} (not included; −1 = to the end), keeping at most {@code limit} bytes (−1 =
     * keep none): beyond that the bytes are counted and dropped, and the result's bytes are null.
     */
    private Bounded readBounded(int delimiter, long limit) throws IOException {
        ByteArrayOutputStream buf = limit < 0 ? null : new ByteArrayOutputStream();
        long size = 0;
        if (delimiter < 0) {
            byte[] chunk = new byte[8192];
            int n;
            while ((n = in.read(chunk)) > 0) {
                size += n;
                if (buf != null && size > limit) buf = null;
                if (buf != null) buf.write(chunk, 0, n);
            }
            return new Bounded(buf == null ? null : buf.toByteArray(), size, true);
        }
        int c;
        while ((c = in.read()) >= 0 && c != delimiter) {
            size++;
            if (buf != null && size > limit) buf = null;
            if (buf != null) buf.write(c);
        }
        return new Bounded(buf == null ? null : buf.toByteArray(), size, c < 0);
    }
}
