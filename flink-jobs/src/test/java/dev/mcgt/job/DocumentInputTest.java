package dev.mcgt.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.RecordAndPosition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job's input rules below Flink: how a file becomes records ({@link DocumentFileFormat}) and a record a
 * document or a reject ({@link DocumentParser}). A {@code .json} file is read by its content (one document, or
 * JSON lines), a record holds exactly one JSON value without repeated keys, and an id or label must be valid
 * Unicode. Nothing is ever dropped without a reject.
 */
class DocumentInputTest {
    private static final DocumentParser PARSER = new DocumentParser(InputFields.defaults(), 1L << 20);

    @TempDir Path dir;

    private static DocumentParser.Result parse(String line) {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        return PARSER.parse(new RawRecord("f.jsonl", 1, RawRecord.Kind.JSON_LINE, b, b.length));
    }

    private static String reason(String line) {
        DocumentParser.Result r = parse(line);
        assertThat(r.reject()).as("rejected: " + line).isNotNull();
        assertThat(r.reject().reason()).doesNotContain("\n");
        return r.reject().reason();
    }

    @Test
    void aRecordHoldsExactlyOneJsonValueWithoutRepeatedKeys() {
        assertThat(reason("{\"id\": \"a\", \"text\": \"alpha\"} {\"id\": \"b\", \"text\": \"bravo\"}"))
                .startsWith("malformed JSON: a second JSON value starts at column 30");
        assertThat(reason("{\"id\": \"a\", \"text\": \"alpha\"}\r{\"id\": \"b\", \"text\": \"bravo\"}"))
                .startsWith("malformed JSON: a second JSON value starts at column 30");
        assertThat(reason("{\"id\": \"a\", \"text\": \"alpha\"} trailing"))
                .startsWith("malformed JSON: unexpected content after the JSON value");
        assertThat(reason("{\"id\": \"a\", \"text\": \"alpha\"}]")).contains("unexpected content after the JSON value");
        assertThat(reason("{\"id\": \"a\", \"text\": \"alpha\", \"id\": \"b\"}")).contains("duplicate field 'id'");
        assertThat(reason("{\"id\": \"a\", \"text\": \"alpha\", \"text\": \"bravo\"}")).contains("duplicate field 'text'");
        // whitespace around the value is fine, and so is a CRLF line end
        assertThat(parse("  {\"id\": \"a\", \"text\": \"alpha\"}  \r").document().id()).isEqualTo("a");
    }

    @Test
    void idsAndLabelsMustBeValidUnicode() {
        assertThat(reason("{\"id\": \"x\\ud800\", \"text\": \"alpha\"}"))
                .isEqualTo("id field 'id' is not valid Unicode: a lone surrogate (U+D800) at character 2");
        assertThat(reason("{\"id\": \"\\udc01\", \"text\": \"alpha\"}"))
                .isEqualTo("id field 'id' is not valid Unicode: a lone surrogate (U+DC01) at character 1");
        assertThat(reason("{\"id\": \"a\", \"text\": \"alpha\", \"label\": \"\\ud83d\"}"))
                .isEqualTo("label field 'label' is not valid Unicode: a lone surrogate (U+D83D) at character 1");
        // a surrogate pair is a character like any other
        assertThat(parse("{\"id\": \"\\ud83d\\ude00\", \"text\": \"alpha\"}").document().id()).isEqualTo("\uD83D\uDE00");
    }

    /** The records of one file as the job's source reads them. */
    private List<RawRecord> read(Path file) throws Exception {
        DocumentFileFormat format = new DocumentFileFormat(file.toString(), 1L << 20, RawRecord.Kind.JSON_LINE);
        org.apache.flink.core.fs.Path p = new org.apache.flink.core.fs.Path(file.toUri());
        FileSourceSplit split = new FileSourceSplit("0", p, 0, Files.size(file), 0, Files.size(file));
        List<RawRecord> out = new ArrayList<>();
        try (BulkFormat.Reader<RawRecord> r = format.createReader(new Configuration(), split)) {
            BulkFormat.RecordIterator<RawRecord> batch;
            while ((batch = r.readBatch()) != null) {
                RecordAndPosition<RawRecord> rec;
                while ((rec = batch.next()) != null) out.add(rec.getRecord());
                batch.releaseBatch();
            }
        }
        return out;
    }

    private static List<String> outcomes(List<RawRecord> records) {
        List<String> o = new ArrayList<>();
        for (RawRecord r : records) {
            DocumentParser.Result p = PARSER.parse(r);
            if (p.blank()) continue;
            o.add(r.origin() + " " + (p.document() != null ? "doc " + p.document().id() : "reject " + p.reject().reason()));
        }
        return o;
    }

    @Test
    void aJsonFileHoldingJsonLinesIsReadLineByLine() throws Exception {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= 20; i++) b.append("{\"id\": \"d").append(i).append("\", \"text\": \"alpha bravo\"}\n");
        b.append("\n{broken\n");
        Path file = Files.writeString(dir.resolve("lines.json"), b.toString());
        List<String> o = outcomes(read(file));
        assertThat(o).hasSize(21);
        for (int i = 1; i <= 20; i++) assertThat(o.get(i - 1)).isEqualTo("lines.json:" + i + " doc d" + i);
        assertThat(o.get(20)).startsWith("lines.json:22 reject malformed JSON");
    }

    @Test
    void aJsonFileWithOneDocumentIsOneRecordWhateverItsLayout() throws Exception {
        Path pretty = Files.writeString(dir.resolve("pretty.json"), "{\n  \"id\": \"p\",\n  \"text\": \"alpha\"\n}\n");
        assertThat(outcomes(read(pretty))).containsExactly("pretty.json doc p");
        Path oneLine = Files.writeString(dir.resolve("one.json"), "{\"id\": \"o\", \"text\": \"alpha\"}\n\n\n");
        assertThat(outcomes(read(oneLine))).containsExactly("one.json doc o");
    }

    @Test
    void aJsonFileThatIsNeitherIsRefusedWithOneLineNeverDropped() throws Exception {
        Path two = Files.writeString(dir.resolve("two.json"),
                "{\n  \"id\": \"p\",\n  \"text\": \"alpha\"\n}\n{\n  \"id\": \"q\",\n  \"text\": \"bravo\"\n}\n");
        List<String> o = outcomes(read(two));
        assertThat(o).hasSize(1);
        assertThat(o.get(0)).startsWith("two.json reject malformed JSON: a second JSON value starts at line 5, column 1")
                .endsWith("(a .json file holds one document; one document per line is a .jsonl file)");
        // the first line is broken: the file cannot be told apart from one broken document, so it is refused whole
        Path broken = Files.writeString(dir.resolve("broken.json"),
                "{\"id\": \"a\", \"text\": \n{\"id\": \"b\", \"text\": \"bravo\"}\n");
        assertThat(outcomes(read(broken))).singleElement().asString().startsWith("broken.json reject malformed JSON")
                .endsWith("(a .json file holds one document; one document per line is a .jsonl file)");
    }

    @Test
    void invalidUtf8OnTheFirstLineOfJsonLinesInAJsonFileCostsOnlyThatLine() throws Exception {
        byte[] first = "{\"id\": \"u\", \"text\": \"caf\u00e9\"}\n".getBytes(StandardCharsets.UTF_8);
        first[first.length - 5] = (byte) 0xFF;
        byte[] rest = "{\"id\": \"v\", \"text\": \"alpha\"}\n".getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[first.length + rest.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(rest, 0, all, first.length, rest.length);
        Path file = Files.write(dir.resolve("mixed.json"), all);
        assertThat(outcomes(read(file))).containsExactly("mixed.json:1 reject invalid UTF-8 at byte 24", "mixed.json:2 doc v");
    }
}
