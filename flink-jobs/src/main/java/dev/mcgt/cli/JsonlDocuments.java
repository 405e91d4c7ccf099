package dev.mcgt.cli;

import dev.mcgt.McgtException;
import dev.mcgt.job.DocumentParser;
import dev.mcgt.job.InputFields;
import dev.mcgt.job.RawRecord;
import dev.mcgt.job.SourceDocument;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the documents of {@code embed}, {@code calibrate}, {@code eval} and {@code prototypes}: records of
 * {@link InputRecords} (a file, a folder or stdin, by the rules of {@code mcgt score}), each checked by the
 * scoring job's {@link DocumentParser} ({@code id}, {@code text}, an optional {@code label}; the same rules and
 * reasons as {@code rejects/} of {@code mcgt score}; other fields are ignored), and, as in the job, a repeated id
 * is rejected (the first record read wins). A document in parts ({@code "more": true}) is joined by
 * {@code mcgt score} only; here its parts are rejected, so that no part is ever taken for a whole document. A
 * selected bad record is reported on stderr with its file, line and reason and counted; the rest of the input is
 * still read.
 */
final class JsonlDocuments {
    /** The good documents in input order and the number of rejected records. */
    record Loaded(List<InputDocument> documents, long rejected) { }

    private JsonlDocuments() { }

    /**
     * @param input the file or folder, or {@code -} for stdin
     * @param err   where bad records are reported ({@code mcgt: FILE line N: reason})
     * @throws McgtException BAD_INPUT when the input does not exist or a folder holds no input file
     */
    static Loaded read(Path input, DocumentSelection selection, PrintWriter err) throws IOException {
        Parser parser = new Parser(InputRecords.MAX_RECORD_BYTES);
        List<InputDocument> docs = new ArrayList<>();
        long[] rejected = {0};
        long[] record = {-1};
        long[] selected = {0};
        InputRecords.read(input, InputRecords.MAX_RECORD_BYTES, (r, source) -> {
            DocumentParser.Result p = parser.check(r);
            if (p.blank()) return true;
            record[0]++;
            if (selection.full(selected[0])) return false;
            if (!selection.selects(record[0], selected[0])) return true;
            selected[0]++;
            try {
                docs.add(parser.accept(p, r, source));
            } catch (McgtException e) {
                rejected[0]++;
                err.println("mcgt: " + InputRecords.where(r, source) + ": " + e.detail());
            }
            return true;
        });
        err.flush();
        return new Loaded(docs, rejected[0]);
    }

    /** The job's parser and its rule for repeated ids, over the records of one run in order. */
    static final class Parser {
        private final DocumentParser parser;
        /** Ids read so far → where (file:line) and whether that record was a part. */
        private final Map<String, String> seen = new HashMap<>();
        private final Set<String> parts = new HashSet<>();

        Parser(long maxRecordBytes) {
            this.parser = new DocumentParser(InputFields.defaults(), maxRecordBytes);
        }

        /** The job parser's verdict on one record (a blank line is no record). */
        DocumentParser.Result check(RawRecord r) {
            return parser.parse(r);
        }

        /** One record as a document (null for a blank line); BAD_INPUT with the reason when it is not one. */
        InputDocument parse(RawRecord r, String source) {
            return accept(check(r), r, source);
        }

        /** The document of a checked record, after the rules on ids; BAD_INPUT with the reason when it is not one. */
        InputDocument accept(DocumentParser.Result p, RawRecord r, String source) {
            if (p.blank()) return null;
            if (p.reject() != null) throw McgtException.badInput(p.reject().reason());
            SourceDocument d = p.document();
            String first = seen.putIfAbsent(d.id(), d.origin());
            if (d.more()) parts.add(d.id());
            if (first != null) {
                throw McgtException.badInput(parts.contains(d.id())
                        ? "part of a document in parts (first part at " + first + "); only mcgt score joins parts"
                        : "duplicate id: already read at " + first);
            }
            if (d.more()) {
                throw McgtException.badInput("a document in parts (\"more\": true) is joined by mcgt score only; put "
                        + "it in one record");
            }
            return new InputDocument(r.line(), d.id(), d.text(), d.label(), source);
        }
    }
}
