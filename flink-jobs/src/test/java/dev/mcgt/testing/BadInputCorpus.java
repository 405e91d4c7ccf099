package dev.mcgt.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A folder of input that holds every kind of bad record the readers know, between good documents: malformed JSON,
 * non-objects, missing, empty and mistyped fields, two values on a line (also after a bare CR), trailing content,
 * repeated keys, lone surrogates, invalid UTF-8, a repeated id, a text without tokens, a record over the size
 * limit, a {@code .json} file of JSON lines, a {@code .json} file with two documents, a truncated one, text files,
 * CRLF lines with a byte-order mark, documents in parts (one never finished), and hidden files that must not be
 * read. What each reader must make of it is in {@link Expected}.
 */
public final class BadInputCorpus {
    /** The record size limit to run with ({@code --max-record-mb}). */
    public static final int MAX_RECORD_MB = 1;

    /**
     * A record that must be rejected.
     *
     * @param file   its file under the corpus folder, or null for a document known only by its id
     * @param line   its line (0 for a whole file)
     * @param id     the document id, for a reject known only by its id
     * @param reason a fragment of the reason
     */
    public record Bad(String file, long line, String id, String reason) {
        /** The origin as the job writes it in {@code rejects/}. */
        public String origin() {
            return file == null ? id : line > 0 ? file + ":" + line : file;
        }
    }

    /** What a reader must give: the documents it scores (each once) and the records it rejects (each once). */
    public record Expected(Set<String> scoreGood, List<Bad> scoreBad, Set<String> embedGood, List<Bad> embedBad) { }

    private BadInputCorpus() { }

    private static String doc(String id, String text) {
        return "{\"id\": \"" + id + "\", \"text\": \"" + text + "\"}";
    }

    /** Writes the corpus into {@code root} (created) and says what must come of it. */
    public static Expected write(Path root) throws IOException {
        Files.createDirectories(root.resolve("sub"));
        Files.createDirectories(root.resolve("_skipped"));
        Set<String> good = new LinkedHashSet<>();
        List<Bad> bad = new ArrayList<>();

        // docs.jsonl: one record per line, a byte-order mark first
        ByteArrayOutputStream d = new ByteArrayOutputStream();
        d.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        List<Object> lines = new ArrayList<>();
        lines.add(doc("g01", TinyEncoder.words(20, 1)));
        lines.add("{\"id\": \"g02\", \"label\": \"x\", \"text\": \"" + TinyEncoder.words(30, 2) + "\"}");
        lines.add("");
        lines.add(new String[] {"{not json", "malformed JSON"});
        lines.add(new String[] {"[1, 2]", "expected a JSON object, got an array"});
        lines.add(new String[] {"\"just text\"", "expected a JSON object, got a string"});
        lines.add(new String[] {"{\"id\": \"m1\"}", "missing text field 'text'"});
        lines.add(new String[] {"{\"text\": \"alpha\"}", "missing id field 'id'"});
        lines.add(new String[] {"{\"id\": \"\", \"text\": \"alpha\"}", "id field 'id' is empty"});
        lines.add(new String[] {"{\"id\": {\"a\": 1}, \"text\": \"alpha\"}", "must be a string or an integer"});
        lines.add(new String[] {"{\"id\": \"b1\", \"text\": \"   \"}", "text field 'text' is empty"});
        lines.add(new String[] {"{\"id\": \"b2\", \"text\": 5}", "text field 'text' must be a string, got a number"});
        lines.add(new String[] {"{\"id\": \"b3\", \"text\": \"alpha\", \"label\": [1]}", "label field 'label' must be a string"});
        lines.add(new String[] {"{\"id\": \"b4\", \"text\": \"alpha\", \"label\": \" \"}", "label field 'label' is empty"});
        lines.add(new String[] {"{\"id\": \"b5\", \"text\": \"alpha\", \"more\": \"yes\"}", "field 'more' must be true or false"});
        lines.add(new String[] {doc("t1", "alpha") + " " + doc("t2", "bravo"), "a second JSON value starts at column"});
        lines.add(new String[] {doc("t3", "alpha") + "\r" + doc("t4", "bravo"), "a second JSON value starts at column"});
        lines.add(new String[] {doc("t5", "alpha") + " xyz", "unexpected content after the JSON value"});
        lines.add(new String[] {"{\"id\": \"t6\", \"text\": \"alpha\", \"id\": \"t7\"}", "duplicate field 'id'"});
        lines.add(new String[] {doc("s\\ud800", "alpha"), "is not valid Unicode: a lone surrogate (U+D800)"});
        lines.add(new String[] {doc("s\\ud801", "alpha"), "is not valid Unicode: a lone surrogate (U+D801)"});
        lines.add(new byte[0]);   // invalid UTF-8, written below
        lines.add(new String[] {doc("g02", TinyEncoder.words(5, 3)), "duplicate id: already read at docs.jsonl:2"});
        lines.add(new String[] {doc("c1", "\\u0001\\u0002"), "has no tokens"});
        lines.add(new String[] {doc("big", TinyEncoder.words(200_000, 4)), "over the limit of " + (MAX_RECORD_MB << 20)});
        lines.add("{\"id\": 42, \"text\": \"" + TinyEncoder.words(12, 5) + "\"}");
        lines.add(doc("../../escape/x", TinyEncoder.words(9, 6)));
        lines.add("{\"id\": \"g04\", \"text\": \"" + TinyEncoder.words(15, 7) + "\", \"extra\": {\"nested\": [1, 2]}}");
        lines.add(doc("\\ud83d\\ude00", TinyEncoder.words(7, 8)));
        for (int i = 0; i < lines.size(); i++) {
            Object l = lines.get(i);
            int n = i + 1;
            if (l instanceof String s) {
                d.write((s + "\n").getBytes(StandardCharsets.UTF_8));
            } else if (l instanceof String[] b) {
                d.write((b[0] + "\n").getBytes(StandardCharsets.UTF_8));
                bad.add(new Bad("docs.jsonl", n, null, b[1]));
            } else {
                d.write("{\"id\": \"u1\", \"text\": \"caf".getBytes(StandardCharsets.UTF_8));
                d.write(new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF});
                d.write("\"}\n".getBytes(StandardCharsets.UTF_8));
                bad.add(new Bad("docs.jsonl", n, null, "invalid UTF-8 at byte 25"));
            }
        }
        Files.write(root.resolve("docs.jsonl"), d.toByteArray());
        good.addAll(List.of("g01", "g02", "42", "../../escape/x", "g04", "\uD83D\uDE00"));

        // a .json file that holds JSON lines, one of them two values
        Files.writeString(root.resolve("lines.json"), doc("j1", TinyEncoder.words(10, 1)) + "\n"
                + doc("j2", TinyEncoder.words(11, 2)) + "\n" + doc("j3", "alpha") + " {\"id\": \"j4\"}\n"
                + doc("j5", TinyEncoder.words(13, 3)) + "\n");
        good.addAll(List.of("j1", "j2", "j5"));
        bad.add(new Bad("lines.json", 3, null, "a second JSON value starts at column"));
        // .json files holding one document, two documents, half a document
        Files.writeString(root.resolve("pretty.json"), "{\n  \"id\": \"pretty\",\n  \"text\": \"" + TinyEncoder.words(14, 4)
                + "\"\n}\n");
        good.add("pretty");
        Files.writeString(root.resolve("two.json"), "{\n  \"id\": \"w1\",\n  \"text\": \"alpha\"\n}\n{\n  \"id\": \"w2\",\n"
                + "  \"text\": \"bravo\"\n}\n");
        bad.add(new Bad("two.json", 0, null, "a second JSON value starts at line 5, column 1 (one value per record; JSON "
                + "lines need one record per line) (a .json file holds one document"));
        Files.writeString(root.resolve("broken.json"), "{\"id\": \"br\", \"text\": ");
        bad.add(new Bad("broken.json", 0, null, "malformed JSON: unexpected end of input"));
        // CRLF lines, the last without a line end
        Files.writeString(root.resolve("crlf.ndjson"), doc("g06", TinyEncoder.words(16, 5)) + "\r\n"
                + doc("g07", TinyEncoder.words(17, 6)));
        good.addAll(List.of("g06", "g07"));
        // text files
        Files.writeString(root.resolve("sub/note.txt"), TinyEncoder.words(25, 7));
        good.add("sub/note.txt");
        Files.writeString(root.resolve("sub/empty.txt"), "  \n");
        bad.add(new Bad("sub/empty.txt", 0, null, "text is empty"));
        Files.write(root.resolve("sub/bad.txt"), new byte[] {'a', 'b', (byte) 0xFE, 'c'});
        bad.add(new Bad("sub/bad.txt", 0, null, "invalid UTF-8 at byte 2"));
        // never read: hidden files and folders, other extensions
        Files.writeString(root.resolve(".hidden.jsonl"), doc("hidden", "alpha") + "\n");
        Files.writeString(root.resolve("_skipped/x.jsonl"), doc("skipped", "alpha") + "\n");
        Files.writeString(root.resolve("notes.md"), doc("markdown", "alpha") + "\n");

        Set<String> embedGood = new LinkedHashSet<>(good);
        List<Bad> embedBad = new ArrayList<>(bad);
        // a document in two parts, and one whose last part says more is coming
        Files.writeString(root.resolve("parts.jsonl"), "{\"id\": \"p1\", \"text\": \"" + TinyEncoder.words(10, 1)
                + "\", \"more\": true}\n" + doc("p1", TinyEncoder.words(10, 2)) + "\n"
                + "{\"id\": \"p2\", \"text\": \"" + TinyEncoder.words(8, 3) + "\", \"more\": true}\n");
        good.add("p1");
        bad.add(new Bad(null, 0, "p2", "document never finished: its last record had \"more\": true"));
        embedBad.add(new Bad("parts.jsonl", 1, null, "a document in parts (\"more\": true) is joined by mcgt score only"));
        embedBad.add(new Bad("parts.jsonl", 2, null, "part of a document in parts (first part at parts.jsonl:1)"));
        embedBad.add(new Bad("parts.jsonl", 3, null, "a document in parts (\"more\": true) is joined by mcgt score only"));
        return new Expected(good, bad, embedGood, embedBad);
    }
}
