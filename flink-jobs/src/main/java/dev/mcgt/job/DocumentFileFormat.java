package dev.mcgt.job;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.connector.file.src.util.IteratorResultIterator;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.Path;

/**
 * Reads the job's input files as {@link RawRecord}s through {@link RecordReader} (the rules every command shares):
 * {@code .jsonl}/{@code .ndjson} files line by line, {@code .txt} files whole, {@code .json} files by their content
 * (one document, or JSON lines). A file given directly as the input with another extension is read as JSON lines.
 * Records over {@code maxRecordBytes} are skipped without being buffered and arrive as oversize records (so they
 * are rejected, never silently dropped).
 *
 * <p>Files are never split. The reader's checkpointed position is the number of records read from the start of
 * the file, so a restored reader reopens the file and skips that many records (line numbers stay right).
 */
public final class DocumentFileFormat implements BulkFormat<RawRecord, FileSourceSplit> {
    private static final long serialVersionUID = 1L;
    /** Records handed out per batch (a batch is also cut after about {@link #BATCH_BYTES} bytes). */
    private static final int BATCH_RECORDS = 64;
    private static final long BATCH_BYTES = 4L << 20;

    private final String root;
    private final long maxRecordBytes;
    private final RawRecord.Kind defaultKind;

    /**
     * @param root           the input path (a file or a directory); record file names are relative to it
     * @param maxRecordBytes largest record kept in memory
     * @param defaultKind    the kind of a file whose extension says nothing (the single input file)
     */
    public DocumentFileFormat(String root, long maxRecordBytes, RawRecord.Kind defaultKind) {
        this.root = root;
        this.maxRecordBytes = maxRecordBytes;
        this.defaultKind = defaultKind;
    }

    /** The kind of a file by its extension, or null when the extension is not an input extension. */
    public static RawRecord.Kind kindOf(String fileName) {
        String n = fileName.toLowerCase(Locale.ROOT);
        if (n.endsWith(".jsonl") || n.endsWith(".ndjson")) return RawRecord.Kind.JSON_LINE;
        if (n.endsWith(".json")) return RawRecord.Kind.JSON_FILE;
        if (n.endsWith(".txt")) return RawRecord.Kind.TEXT_FILE;
        return null;
    }

    @Override
    public Reader<RawRecord> createReader(Configuration config, FileSourceSplit split) throws IOException {
        return new FileReader(split, 0L);
    }

    @Override
    public Reader<RawRecord> restoreReader(Configuration config, FileSourceSplit split) throws IOException {
        long skip = split.getReaderPosition().map(CheckpointedPosition::getRecordsAfterOffset).orElse(0L);
        return new FileReader(split, skip);
    }

    @Override
    public boolean isSplittable() {
        return false;
    }

    @Override
    public TypeInformation<RawRecord> getProducedType() {
        return TypeInformation.of(RawRecord.class);
    }

    /** The path of {@code file} relative to the input root, {@code /} separated. */
    String relativeName(Path file) {
        String p = file.toUri().getPath();
        String r = new Path(root).toUri().getPath();
        if (p.equals(r)) return file.getName();
        if (!r.endsWith("/")) r = r + "/";
        return p.startsWith(r) ? p.substring(r.length()) : file.getName();
    }

    private final class FileReader implements Reader<RawRecord> {
        private final FSDataInputStream raw;
        private final InputStream in;
        private final RecordReader records;
        private long read;
        private boolean done;

        FileReader(FileSourceSplit split, long skip) throws IOException {
            Path path = split.path();
            this.raw = path.getFileSystem().open(path);
            this.in = new java.io.BufferedInputStream(raw, 1 << 16);
            RawRecord.Kind k = kindOf(path.getName());
            this.records = new RecordReader(in, relativeName(path), k == null ? defaultKind : k, maxRecordBytes);
            for (long i = 0; i < skip && !done; i++) {
                if (next() == null) done = true;
            }
        }

        @Override
        public RecordIterator<RawRecord> readBatch() throws IOException {
            if (done) return null;
            long first = read;
            List<RawRecord> batch = new ArrayList<>();
            long bytes = 0;
            while (batch.size() < BATCH_RECORDS && bytes < BATCH_BYTES) {
                RawRecord r = next();
                if (r == null) {
                    done = true;
                    break;
                }
                batch.add(r);
                bytes += r.oversize() ? 0 : r.bytes().length;
            }
            if (batch.isEmpty()) return null;
            return new IteratorResultIterator<>(batch.iterator(), CheckpointedPosition.NO_OFFSET, first);
        }

        /** The next record, or null at the end of the file. */
        private RawRecord next() throws IOException {
            RawRecord r = records.next();
            if (r != null) read++;
            return r;
        }

        @Override
        public void close() throws IOException {
            try {
                in.close();
            } finally {
                raw.close();
            }
        }
    }
}
