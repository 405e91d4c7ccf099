package dev.mcgt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcgt.model.ModelFile;
import dev.mcgt.testing.TinyEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbedCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] WORDS = TinyEncoder.WORDS;

    @TempDir static Path shared;
    static Path encoder;
    static Path noTokenizer;

    @TempDir Path dir;

    /** A tiny BERT-style encoder (S 16, D 32) with a WordPiece tokenizer of the twenty words above. */
    @BeforeAll
    static void writeModels() {
        encoder = TinyEncoder.write(shared.resolve("tiny.mcgt"));
        noTokenizer = shared.resolve("bare.mcgt");
        ModelFile.write(TinyEncoder.bare(), noTokenizer);
    }

    private static String words(int n, int shift) {
        return TinyEncoder.words(n, shift);
    }

    private static String doc(Object id, String text) {
        ObjectNode o = JSON.createObjectNode();
        if (id instanceof Integer i) o.put("id", i);
        else o.put("id", (String) id);
        o.put("text", text);
        return o.toString();
    }

    private Path input(String... lines) throws Exception {
        Path p = dir.resolve("docs.jsonl");
        Files.write(p, List.of(lines), StandardCharsets.UTF_8);
        return p;
    }

    private Cli embed(Path in, Path out, String... extra) {
        String[] args = new String[7 + extra.length];
        String[] base = {"embed", "--model", encoder.toString(), "--input", in.toString(), "--output", out.toString()};
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return Cli.run(args);
    }

    private static List<JsonNode> read(Path out) throws Exception {
        return Files.readAllLines(out).stream().map(l -> {
            try {
                return JSON.readTree(l);
            } catch (Exception e) {
                throw new AssertionError(l, e);
            }
        }).toList();
    }

    @Test
    void goodDocumentsGiveOneLineEachAndExitZero() throws Exception {
        Path in = input(doc("a", words(10, 0)), "", doc(7, words(50, 3)), doc("c", words(30, 1).repeat(2)));
        Path out = dir.resolve("out.jsonl");
        Cli r = embed(in, out);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.errLines()[0]).startsWith("mcgt embed: 3 documents embedded, 0 lines rejected");
        List<JsonNode> lines = read(out);
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0).get("id").asText()).isEqualTo("a");
        assertThat(lines.get(1).get("id").asText()).as("ids are text, as in mcgt score").isEqualTo("7");
        for (JsonNode l : lines) {
            assertThat(l.fieldNames()).toIterable().containsExactly("id", "embedding", "tokens", "tiers", "chunks",
                    "macRatio");
            assertThat(l.get("embedding")).hasSize(32);
            double norm = 0;
            for (JsonNode v : l.get("embedding")) norm += v.asDouble() * v.asDouble();
            assertThat(Math.sqrt(norm)).isBetween(0.9999, 1.0001);
            int sum = 0;
            for (String t : new String[] {"0", "1", "2", "3"}) sum += l.get("tiers").get(t).asInt();
            assertThat(sum).isEqualTo(l.get("chunks").asInt());
            assertThat(l.get("macRatio").asDouble()).isPositive().isLessThanOrEqualTo(1.0);
        }
        assertThat(lines.get(0).get("tokens").asInt()).isEqualTo(10 + 1); // ten words and one full stop
        assertThat(lines.get(1).get("chunks").asInt()).isEqualTo((lines.get(1).get("tokens").asInt() + 13) / 14);

        Path again = dir.resolve("again.jsonl");
        assertThat(embed(in, again).code()).isZero();
        assertThat(Files.readAllBytes(again)).isEqualTo(Files.readAllBytes(out));
    }

    @Test
    void badLinesAreReportedWithTheirNumberAndTheRunGoesOn() throws Exception {
        Path in = input(doc("a", words(12, 0)), "{not json", "{\"text\": \"alpha\"}", "{\"id\": \"x\"}",
                "{\"id\": \"y\", \"text\": \"  \"}", "{\"id\": \"z\", \"text\": 5}", "[1, 2]",
                "{\"id\": {\"a\": 1}, \"text\": \"alpha\"}", doc("b", words(12, 2)));
        Path out = dir.resolve("out.jsonl");
        Cli r = embed(in, out);
        assertThat(r.code()).isEqualTo(1);
        String[] err = r.errLines();
        assertThat(err).hasSize(8);
        String name = in.toString();
        assertThat(err[0]).startsWith("mcgt: " + name + " line 2: malformed JSON");
        assertThat(err[1]).isEqualTo("mcgt: " + name + " line 3: missing id field 'id'");
        assertThat(err[2]).isEqualTo("mcgt: " + name + " line 4: missing text field 'text'");
        assertThat(err[3]).isEqualTo("mcgt: " + name + " line 5: text field 'text' is empty");
        assertThat(err[4]).isEqualTo("mcgt: " + name + " line 6: text field 'text' must be a string, got a number");
        assertThat(err[5]).isEqualTo("mcgt: " + name + " line 7: expected a JSON object, got an array");
        assertThat(err[6]).isEqualTo("mcgt: " + name + " line 8: id field 'id' must be a string or an integer, got an object");
        assertThat(err[7]).startsWith("mcgt embed: 2 documents embedded, 7 lines rejected").contains("exit code 1");
        assertThat(read(out)).extracting(j -> j.get("id").asText()).containsExactly("a", "b");
    }

    /** A prefix's tokens go before the text's: the same vector as the joined text, and recorded in the output. */
    @Test
    void textPrefixIsTheSameAsJoinedText() throws Exception {
        String text = words(40, 2);
        Path in = input(doc("a", text), doc("b", "golf: " + text));
        Path out = dir.resolve("out.jsonl");
        Cli plain = embed(in, out, "--gate", "off");
        assertThat(plain.code()).as(plain.err()).isZero();
        List<JsonNode> noPrefix = read(out);
        assertThat(noPrefix.get(0).has("textPrefix")).isFalse();
        Path in2 = input(doc("a", text));
        Cli prefixed = embed(in2, out, "--gate", "off", "--text-prefix", "golf: ");
        assertThat(prefixed.code()).as(prefixed.err()).isZero();
        JsonNode p = read(out).get(0);
        assertThat(p.get("textPrefix").asText()).isEqualTo("golf: ");
        assertThat(p.get("tokens").asInt()).isEqualTo(noPrefix.get(1).get("tokens").asInt())
                .isEqualTo(noPrefix.get(0).get("tokens").asInt() + 2);
        assertThat(p.get("embedding")).isEqualTo(noPrefix.get(1).get("embedding"));
        assertThat(p.get("embedding")).isNotEqualTo(noPrefix.get(0).get("embedding"));
    }

    @Test
    void gateOffRunsEveryChunkAtTierZero() throws Exception {
        Path in = input(doc("a", words(60, 4)));
        Path out = dir.resolve("out.jsonl");
        Cli r = embed(in, out, "--gate", "off", "--max-tokens", "40", "--progress-seconds", "1e-9");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.errLines()[0]).startsWith("mcgt embed: 1 documents done, ").endsWith(" docs/s");
        JsonNode l = read(out).get(0);
        assertThat(l.get("tokens").asInt()).isEqualTo(40);
        assertThat(l.get("tiers").get("0").asInt()).isEqualTo(l.get("chunks").asInt()).isEqualTo(3);
        assertThat(l.get("macRatio").asDouble()).isEqualTo(1.0);
    }

    @Test
    void aModelWithoutTokenizerAndBadOptionsAreRejected() throws Exception {
        Path in = input(doc("a", "alpha"));
        Path out = dir.resolve("out.jsonl");
        Cli bare = Cli.run("embed", "--model", noTokenizer.toString(), "--input", in.toString(), "--output", out.toString());
        assertThat(bare.code()).isEqualTo(1);
        assertThat(bare.err()).contains("model has no tokenizer; import one with mcgt model import");
        assertThat(bare.errLines()).hasSize(1);
        assertThat(embed(in, out, "--gate", "maybe").code()).isEqualTo(2);
        assertThat(embed(in, out, "--overlap", "14").err()).contains("--overlap");
        assertThat(embed(in, out, "--max-tokens", "-1").code()).isEqualTo(2);
        Cli missing = embed(dir.resolve("nope.jsonl"), out);
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("no such file");
    }
}
