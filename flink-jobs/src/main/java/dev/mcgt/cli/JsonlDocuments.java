package dev.mcgt.cli;

import dev.mcgt.McgtException;
import dev.mcgt.job.DocumentParser;
import dev.mcgt.job.InputFields;
import dev.mcgt.job.RawRecord;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the documents of {@code embed}, {@code calibrate}, {@code eval} and {@code prototypes}: records of
 * {@link InputRecords} (a file, a folder or stdin, by the rules of {@code mcgt score}), each checked by the
 * scoring job's {@link DocumentParser} ({@code id}, {@code text}, an optional {@code label}; the same rules and
 * reasons as {@code rejects/} of {@code mcgt score}; other fields are ignored). A selected bad record is
 * reported on stderr with its file, line and reason and counted; the rest of the input is still read.
 */
final class JsonlDocuments {
    /** The good documents in input order and the number of rejected records. */
    record Loaded(List<InputDocument> documents, long rejected) { }

    /** The job's parser, so that every command accepts exactly what the scoring job accepts. */
    private static final DocumentParser PARSER = new DocumentParser(InputFields.defaults(), InputRecords.MAX_RECORD_BYTES);

    private JsonlDocuments() { }

    /**
     * @param input the file or folder, or {@code -} for stdin
     * @param err   where bad records are reported ({@code mcgt: FILE line N: reason})
     * @throws McgtException BAD_INPUT when the input does not exist or a folder holds no input file
     */
    static Loaded read(Path input, DocumentSelection selection, PrintWriter err) throws IOException {
        List<InputDocument> docs = new ArrayList<>();
        long[] rejected = {0};
        long[] record = {-1};
        long[] selected = {0};
        InputRecords.read(input, (r, source) -> {
            DocumentParser.Result p = PARSER.parse(r);
            if (p.blank()) return true;
            record[0]++;
            if (selection.full(selected[0])) return false;
            if (!selection.selects(record[0], selected[0])) return true;
            selected[0]++;
            if (p.reject() != null) {
                rejected[0]++;
                err.println("mcgt: " + InputRecords.where(r, source) + ": " + p.reject().reason());
            } else {
                docs.add(document(p, r, source));
            }
            return true;
        });
        err.flush();
        return new Loaded(docs, rejected[0]);
    }

    /** One record as a document; BAD_INPUT with the job's reason when it is not one (null for a blank line). */
    static InputDocument parse(RawRecord r, String source) {
        DocumentParser.Result p = PARSER.parse(r);
        if (p.blank()) return null;
        if (p.reject() != null) throw McgtException.badInput(p.reject().reason());
        return document(p, r, source);
    }

    private static InputDocument document(DocumentParser.Result p, RawRecord r, String source) {
        return new InputDocument(r.line(), p.document().id(), p.document().text(), p.document().label(), source);
    }
}
