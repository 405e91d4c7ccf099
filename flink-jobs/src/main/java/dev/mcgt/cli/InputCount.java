package dev.mcgt.cli;

import dev.mcgt.job.DocumentFileFormat;
import dev.mcgt.job.InputFiles;
import dev.mcgt.job.RawRecord;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * About how many records an input holds, for the ETA of {@code mcgt score}'s progress line: the non-blank lines
 * of JSON-lines files, one per {@code .txt} and {@code .json} file. An estimate only (a {@code .json} file of
 * JSON lines, documents in parts and rejects make the real count differ); nothing depends on it.
 */
final class InputCount {
    private InputCount() { }

    /** The estimate, or −1 when the input is not a local path or cannot be read. */
    static long records(String input) {
        if (input.contains("://")) return -1;
        try {
            long n = 0;
            for (Path f : InputFiles.list(Path.of(input))) {
                n += DocumentFileFormat.kindOf(f.getFileName().toString()) == RawRecord.Kind.JSON_LINE ? lines(f) : 1;
            }
            return n;
        } catch (RuntimeException | IOException e) {
            return -1;
        }
    }

    private static long lines(Path f) throws IOException {
        long n = 0;
        boolean content = false;
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(f)) {
            for (int r; (r = in.read(buf)) > 0; ) {
                for (int i = 0; i < r; i++) {
                    byte b = buf[i];
                    if (b == '\n') {
                        if (content) n++;
                        content = false;
                    } else if (b != ' ' && b != '\t' && b != '\r') {
                        content = true;
                    }
                }
            }
        }
        return content ? n + 1 : n;
    }
}
