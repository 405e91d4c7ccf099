package dev.mcgt.cli;

import dev.mcgt.McgtException;
import dev.mcgt.job.DocumentFileFormat;
import dev.mcgt.job.InputFiles;
import dev.mcgt.job.RawRecord;
import dev.mcgt.job.RecordReader;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The document input of the commands that run in one process ({@code embed}, {@code calibrate}, {@code eval},
 * {@code prototypes}): a file, a folder or stdin ({@code -}), listed by the job's {@link InputFiles} rules and cut
 * into records by the job's {@link RecordReader}, so that every command reads exactly what {@code mcgt score}
 * reads (and what it rejects, the job's {@code DocumentParser} rejects for all of them).
 */
final class InputRecords {
    /** Largest record kept by default, as {@code mcgt score}'s {@code --max-record-mb}; larger ones are rejected. */
    static final long MAX_RECORD_BYTES = 64L << 20;

    private InputRecords() { }

    /** What a command does with each record; false stops the reading. */
    interface Visitor {
        /**
         * @param r      the record (its {@code file} is the path under a folder input, as in the job)
         * @param source the record's file as messages name it: the input as given, a path under a folder input, or
         *               {@code stdin}
         */
        boolean record(RawRecord r, String source) throws IOException;
    }

    /** Where a record is, for messages: {@code SOURCE line N}, or {@code SOURCE} for a whole file. */
    static String where(RawRecord r, String source) {
        return r.line() > 0 ? source + " line " + r.line() : source;
    }

    /**
     * Reads every record of {@code input} in order (a folder's files in path order); records over
     * {@code maxRecordBytes} arrive as oversize records.
     *
     * @throws McgtException BAD_INPUT when the input does not exist, a folder holds no input file or cannot be listed
     */
    static void read(Path input, long maxRecordBytes, Visitor v) throws IOException {
        if (input.toString().equals("-")) {
            read(System.in, "stdin", RawRecord.Kind.JSON_LINE, "stdin", maxRecordBytes, v);
            return;
        }
        List<Path> files = InputFiles.list(input);
        if (files.isEmpty()) {
            throw McgtException.badInput("no input files in folder " + input + " (looked for .jsonl, .ndjson, .json and "
                    + ".txt files; names starting with . or _ are skipped)");
        }
        boolean folder = Files.isDirectory(input);
        for (Path f : files) {
            RawRecord.Kind kind = DocumentFileFormat.kindOf(f.getFileName().toString());
            String name = folder ? input.relativize(f).toString().replace('\\', '/') : f.getFileName().toString();
            try (InputStream in = Files.newInputStream(f)) {
                if (!read(in, name, kind == null ? RawRecord.Kind.JSON_LINE : kind, f.toString(), maxRecordBytes, v)) {
                    return;
                }
            }
        }
    }

    private static boolean read(InputStream raw, String name, RawRecord.Kind kind, String source, long maxRecordBytes,
                                Visitor v) throws IOException {
        RecordReader records = new RecordReader(new BufferedInputStream(raw, 1 << 16), name, kind, maxRecordBytes);
        RawRecord r;
        while ((r = records.next()) != null) {
            if (!v.record(r, source)) return false;
        }
        return true;
    }
}
