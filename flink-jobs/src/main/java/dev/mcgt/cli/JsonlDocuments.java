package dev.mcgt.cli;

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
 * {@code id} (string or number), {@code text} (non-blank string) and an optional {@code label} (string or number;
 * other fields are ignored). A selected bad line is reported on stderr with its number and reason and counted;
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

    /** One line as a document; BAD_INPUT with the reason when it is not one. */
    static InputDocument parse(long number, String line) {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            throw McgtException.badInput("not valid JSON: " + Main.oneLine(e.getOriginalMessage()));
        }
        if (node == null || !node.isObject()) throw McgtException.badInput("a line must be a JSON object");
        JsonNode id = node.get("id");
        if (id == null || id.isNull()) throw McgtException.badInput("missing \"id\"");
        if (!id.isTextual() && !id.isNumber()) throw McgtException.badInput("\"id\" must be a string or a number");
        JsonNode text = node.get("text");
        if (text == null || text.isNull()) throw McgtException.badInput("missing \"text\"");
        if (!text.isTextual()) throw McgtException.badInput("\"text\" must be a string");
        if (text.asText().isBlank()) throw McgtException.badInput("\"text\" is empty");
        JsonNode label = node.get("label");
        String l = null;
        if (label != null && !label.isNull()) {
            if (!label.isTextual() && !label.isNumber()) throw McgtException.badInput("\"label\" must be a string or a number");
            l = label.asText();
            if (l.isEmpty()) throw McgtException.badInput("\"label\" is empty");
        }
        return new InputDocument(number, id.asText(), text.asText(), l);
    }
}
