package dev.mcgt.cli;

import dev.mcgt.job.DocumentParser;
import dev.mcgt.job.InputFields;
import dev.mcgt.job.RawRecord;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.mcgt.McgtException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the JSON-lines input of {@code calibrate}, {@code eval} and {@code prototypes}: one object per line with
 * {@code id}, {@code text} and an optional {@code label}, checked by the scoring job's {@link DocumentParser} (the
 * same rules and reasons as {@code rejects/} of {@code mcgt score}; other fields are ignored). A selected bad line is reported on stderr with its number and reason and counted;
 * the rest of the input is still read.
 */
final class JsonlDocuments {
    /** The good documents in input order and the number of rejected lines. */
    record Loaded(List<InputDocument> documents, long rejected) { }

    private JsonlDocuments() { }

    /**
     * @param input the file, or {@code -} for stdin
     * @param err   where bad lines are reported ({@code mcgt: FILE line N: reason})
     * @throws McgtException BAD_INPUT when the file does not exist
     */
    static Loaded read(Path input, DocumentSelection selection, PrintWriter err) throws IOException {
        boolean stdin = input.toString().equals("-");
        String name = stdin ? "stdin" : input.toString();
        List<InputDocument> docs = new ArrayList<>();
        long rejected = 0;
        try (BufferedReader r = stdin ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                : Files.newBufferedReader(input, StandardCharsets.UTF_8)) {
            String line;
            long number = 0;
            long record = -1;
            long selected = 0;
            while ((line = r.readLine()) != null) {
                number++;
                if (line.isBlank()) continue;
                record++;
                if (selection.full(selected)) break;
                if (!selection.selects(record, selected)) continue;
                selected++;
                try {
                    docs.add(parse(number, line));
                } catch (McgtException e) {
                    rejected++;
                    err.println("mcgt: " + name + " line " + number + ": " + e.detail());
                }
            }
        } catch (NoSuchFileException e) {
            throw McgtException.badInput("cannot open '" + e.getFile() + "': no such file");
        }
        err.flush();
        return new Loaded(docs, rejected);
    }

    /** The job's parser, so that calibrate/eval/prototypes accept exactly what the scoring job accepts. */
    private static final DocumentParser PARSER = new DocumentParser(InputFields.defaults(), Long.MAX_VALUE);

    /** One line as a document; BAD_INPUT with the job's reason when it is not one. */
    static InputDocument parse(long number, String line) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        DocumentParser.Result r = PARSER.parse(new RawRecord("input", number, RawRecord.Kind.JSON_LINE, bytes, bytes.length));
        if (r.reject() != null) throw McgtException.badInput(r.reject().reason());
        if (r.document() == null) throw McgtException.badInput("empty line");
        return new InputDocument(number, r.document().id(), r.document().text(), r.document().label());
    }
}
