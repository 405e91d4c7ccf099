package dev.mcgt.text;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Token id parity with the Hugging Face tokenizer (through DJL) on hard strings, on every code point of the
 * planes that hold assigned characters, and on variants of the normalizer configuration.
 */
class WordPieceHfParityTest {
    @TempDir
    static Path dir;

    private static Path minilmPath;
    private static WordPieceTokenizer ours;
    private static HuggingFaceTokenizer hf;
    private static HuggingFaceTokenizer hf128;
    private static HuggingFaceTokenizer hf16;

    @BeforeAll
    static void load() {
        minilmPath = HfReference.write(dir, "tokenizer.json", HfReference.minilmJson());
        ours = WordPieceTokenizer.fromFile(minilmPath);
        hf = HfReference.untruncated(minilmPath);
        hf128 = HfReference.truncated(minilmPath, 128);
        hf16 = HfReference.truncated(minilmPath, 16);
    }

    @AfterAll
    static void close() {
        for (HuggingFaceTokenizer t : new HuggingFaceTokenizer[] {hf, hf128, hf16}) {
            if (t != null) {
                t.close();
            }
        }
    }

    private static String cp(int... codePoints) {
        return new String(codePoints, 0, codePoints.length);
    }

    /** Strings chosen to exercise every rule of the normalizer, pre-tokenizer, model and post-processor. */
    static List<String> hardStrings() {
        List<String> s = new ArrayList<>(List.of(
                // empty, whitespace only, every kind of whitespace
                "", " ", "\t\n\r ", "\u00A0\u2003\u3000", "a\u1680b\u2000c\u200Ad\u2028e\u2029f\u202Fg\u205Fh\u3000i",
                "a\u180Eb\u0085c\u000Bd\u000Ce",
                // plain text, case, ASCII symbols
                "Hello, World!", "HELLO wOrLd", "Don't stop-believing... (really?) [yes] {no} <tag> a+b=c ^_^",
                "`code` ~tilde|pipe $5.00 #1 50% @user & more \\ backslash / slash", "C++ C# .NET node.js",
                "for (int i=0;i<n;i++){x[i]*=2;}", "3.14159 1,000,000 1e-10 -42 0x7fffffff",
                // accents and case mappings
                "Café naïve résumé Ångström façade Straße ÆØÅ æøå Œuvre", "Tiếng Việt có dấu: Nguyễn Phạm Đức",
                "e\u0301 a\u0308 n\u0303 o\u0302\u0323 A\u030A", "İstanbul ıi İI", "ǅ ǆ Ǆ ﬁnancial ﬃ ℌ Ⅻ ① ẞ ß",
                "Ελληνικά ΑΘΗΝΑ ΟΔΟΣ ΟΔΟΣ. σοφός", "Привет мир! ЁЖИК ёжик",
                // CJK and other scripts
                "我爱北京天安门", "日本語のテキスト、カタカナとひらがな。", "한국어 텍스트입니다", "Hello世界123",
                cp(0x20000, 0x20001, ' ', 0x2A700, 0x2B81F, 0x2B820, 0x2B91F, 0x2B920, 0xF900, 0x2F800),
                "Привет мир hello שלום עולם مرحبا بالعالم नमस्ते दुनिया สวัสดีชาวโลก",
                "ⅠⅡ ½ ² ³ ⁴ ℃ ™ © ® µ",
                // emoji: presentation selectors, skin tones, ZWJ families, flags, keycaps, newer emoji
                "I ❤️ NY 😀😃🤖 👍🏽 👨‍👩‍👧‍👦 🇫🇷 1️⃣ 🫠 🥰 🦄", "😀".repeat(60), "smile😀smile",
                // control characters, replacement character, lone surrogates, private use, unassigned
                "a\u0000b\u0001c\u0007d\u001Be\u007Ff\u0085g\u009Fh", "tab\there\nnew\r\nline\u000Bvt\u000Cff",
                "\uFFFD replacement \uFFFD", "a\uD800b x\uDC00y", "\uE000\uF8FF abc " + cp(0xF0000, 0x10FFFD),
                "\u0378 \uFFFF \uFDD0 " + cp(0xE0001, 0xE0041, 0xE007F),
                // zero-width and bidi characters
                "zero\u200Bwidth\u200Cnon\u200Djoiner\u2060wj\uFEFFbom", "soft\u00ADhyphen",
                "bidi \u202Eevil\u202C \u200Fmark\u200E", "\u200B\u200B\u200B",
                // URLs and e-mail headers
                "https://www.example.com/path/to/page.html?query=1&b=two#frag",
                "mailto:john.doe+tag@example.co.uk ftp://ftp.gnu.org/gnu/ http://[::1]:8080/a%20b",
                "From: \"Doe, John\" <john.doe@example.com>\nTo: jane@example.org\n"
                        + "Subject: Re: [ILUG] Fwd: =?iso-8859-1?Q?Caf=E9?=\nDate: Thu, 22 Aug 2002 12:36:23 +0100\n"
                        + "Message-ID: <20020822113623.GA1234@example.com>\nContent-Type: text/plain; "
                        + "charset=\"us-ascii\"\nX-Spam-Status: No, hits=-2.1 required=5.0",
                "=?utf-8?B?SGVsbG8gV29ybGQ=?= TG9yZW0gaXBzdW0gZG9sb3Igc2l0IGFtZXQsIGNvbnNlY3RldHVyIGFkaXBpc2Npbmc=",
                // very long words around the 100-character limit
                "a".repeat(100), "a".repeat(101), "supercalifragilisticexpialidocious".repeat(4),
                "x" + "é".repeat(99), "x" + "é".repeat(100), "ab".repeat(50) + " " + "ab".repeat(51),
                "antidisestablishmentarianism pneumonoultramicroscopicsilicovolcanoconiosis",
                // Unicode punctuation
                "“Smart quotes” ‘single’ «guillemets» — em – en … ¿Qué? ¡Sí!",
                "。、「」『』【】〜・ ‐ ‒ ″ ‹› ⁂ ※ § ¶ • · ‽ ‿ ⁀ ﹏ ＿ （全角） ！？",
                cp('a', 0x166D, 'b', ' ', 'a', 0x111C9, 'b', ' ', 'a', 0x2E52, 'b', ' ', 'a', 0x08D3, 'b'),
                // special tokens typed in the text
                "[CLS] hello [SEP] [MASK] [UNK] [PAD] [cls] [ SEP ] [SEP][SEP]x[SEP", "[MASK]ed [UNK]nown"));
        StringBuilder longText = new StringBuilder();
        for (int i = 0; i < 400; i++) {
            longText.append("Sentence ").append(i).append(": the quick brown fox jumps over the lazy dog, again. ");
        }
        s.add(longText.toString());
        return s;
    }

    @Test
    void hardStringsMatchUntruncatedAndTruncated() {
        List<String> strings = hardStrings();
        List<String> mismatches = new ArrayList<>();
        for (String text : strings) {
            compare(text, hf, ours.encode(text).ids(), "untruncated", mismatches);
            compare(text, hf128, ours.encode(text, 128).ids(), "max 128", mismatches);
            compare(text, hf16, ours.encode(text, 16).ids(), "max 16", mismatches);
            assertThat(ours.encode(text).typeIds()).containsOnly(0);
        }
        System.out.printf("WordPiece parity: %d hard strings x 3 truncation settings, %d mismatches%n",
                strings.size(), mismatches.size());
        assertThat(mismatches).isEmpty();
    }

    private static void compare(String text, HuggingFaceTokenizer ref, int[] actual, String mode,
                                List<String> mismatches) {
        int[] expected = HfReference.ids(ref, text);
        if (!Arrays.equals(expected, actual)) {
            mismatches.add(mode + " " + escape(text) + ": " + HfReference.describeDiff(ours, expected, actual));
        }
    }

    /**
     * Every code point of planes 0, 1 and 14 and samples of the rest (see {@link #step}), each alone and inside a
     * word, against the reference. This guards the Unicode category tables.
     */
    @Test
    void everyCodePointMatchesOnTheMiniLmConfiguration() {
        List<Integer> codePoints = new ArrayList<>();
        for (int c = 0; c <= 0x10FFFF; c += step(c)) {
            codePoints.add(c);
        }
        assertThat(scan(minilmPath, ours, codePoints)).isEmpty();
    }

    /**
     * Scan stride: every code point where categories vary, samples inside the large uniform blocks (CJK
     * ideographs and Hangul syllables, which follow fixed ranges) and in the unassigned and private-use planes.
     */
    private static int step(int c) {
        if ((c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xAC00 && c <= 0xD7A3)
                || (c >= 0x20000 && c <= 0x3FFFF)) {
            return 7;
        }
        if (c > 0x3FFFF && (c < 0xE0000 || c > 0xE0FFF)) {
            return 97;
        }
        return 1;
    }

    /** The other normalizer settings a BERT tokenizer.json can have, on the Basic Multilingual Plane. */
    @Test
    void normalizerVariantsMatchOnTheBmp() throws IOException {
        List<Integer> bmp = new ArrayList<>();
        for (int c = 0; c <= 0xFFFF; c += step(c)) {
            bmp.add(c);
        }
        List<String> failures = new ArrayList<>();
        failures.addAll(variant("cased", n -> n.put("lowercase", false), bmp));
        failures.addAll(variant("cased-strip", n -> n.put("lowercase", false).put("strip_accents", true), bmp));
        failures.addAll(variant("lower-keep-accents", n -> n.put("strip_accents", false), bmp));
        failures.addAll(variant("no-clean", n -> n.put("clean_text", false), bmp));
        failures.addAll(variant("no-cjk", n -> n.put("handle_chinese_chars", false), bmp));
        assertThat(failures).isEmpty();
    }

    /** Added tokens matched on normalized text, a new multi-word added token, and lstrip/rstrip flags. */
    @Test
    void addedTokenVariantsMatch() throws IOException {
        ObjectMapper om = new ObjectMapper();
        ObjectNode root = (ObjectNode) om.readTree(HfReference.minilmJson());
        for (JsonNode t : root.get("added_tokens")) {
            ObjectNode token = (ObjectNode) t;
            if (token.get("content").asText().equals("[MASK]")) {
                token.put("normalized", true).put("special", false);
            } else if (token.get("content").asText().equals("[PAD]")) {
                token.put("lstrip", true).put("rstrip", true);
            }
        }
        ((ArrayNode) root.get("added_tokens")).addObject().put("id", 30522)
                .put("content", "Ünïcode Thing").put("single_word", false).put("lstrip", false)
                .put("rstrip", false).put("normalized", true).put("special", false);
        String json = om.writeValueAsString(root);
        Path path = HfReference.write(dir, "added.json", json);
        WordPieceTokenizer variant = WordPieceTokenizer.fromJson(json);
        assertThat(variant.vocabSize()).isEqualTo(30523);
        List<String> texts = new ArrayList<>(hardStrings());
        texts.addAll(List.of("a [MASK] [mask] [Mask]b", "x unicode thing ÜNÏCODE THING y ünïcode  thing",
                "x[PAD]y a [PAD] b [PAD]"));
        List<String> failures = new ArrayList<>();
        try (HuggingFaceTokenizer ref = HfReference.untruncated(path)) {
            for (String text : texts) {
                int[] expected = HfReference.ids(ref, text);
                int[] actual = variant.encode(text).ids();
                if (!Arrays.equals(expected, actual)) {
                    failures.add(escape(text) + ": " + HfReference.describeDiff(variant, expected, actual));
                }
            }
        }
        assertThat(variant.encode("a [mask] b").ids()).containsExactly(101, 1037, 103, 1038, 102);
        assertThat(failures).isEmpty();
    }

    private List<String> variant(String name, Consumer<ObjectNode> edit, List<Integer> codePoints)
            throws IOException {
        ObjectMapper om = new ObjectMapper();
        ObjectNode root = (ObjectNode) om.readTree(HfReference.minilmJson());
        edit.accept((ObjectNode) root.get("normalizer"));
        String json = om.writeValueAsString(root);
        Path path = HfReference.write(dir, name + ".json", json);
        WordPieceTokenizer variant = WordPieceTokenizer.fromJson(json);
        List<String> failures = new ArrayList<>(scan(path, variant, codePoints));
        try (HuggingFaceTokenizer ref = HfReference.untruncated(path)) {
            for (String text : hardStrings()) {
                int[] expected = HfReference.ids(ref, text);
                int[] actual = variant.encode(text).ids();
                if (!Arrays.equals(expected, actual)) {
                    failures.add(name + " " + escape(text) + ": "
                            + HfReference.describeDiff(variant, expected, actual));
                }
            }
        }
        return failures;
    }

    /** Code points in batches of 512 per text; a batch that differs is re-checked code point by code point. */
    private static List<String> scan(Path json, WordPieceTokenizer tokenizer, List<Integer> codePoints) {
        List<String> texts = new ArrayList<>();
        List<int[]> batches = new ArrayList<>();
        for (int i = 0; i < codePoints.size(); i += 512) {
            int[] batch = codePoints.subList(i, Math.min(codePoints.size(), i + 512)).stream()
                    .mapToInt(Integer::intValue).toArray();
            StringBuilder b = new StringBuilder();
            for (int c : batch) {
                b.append(probe(c));
            }
            texts.add(b.toString());
            batches.add(batch);
        }
        List<String> failures = new ArrayList<>();
        try (HuggingFaceTokenizer ref = HfReference.untruncated(json)) {
            ai.djl.huggingface.tokenizers.Encoding[] expected = ref.batchEncode(texts);
            for (int k = 0; k < texts.size(); k++) {
                if (Arrays.equals(HfReference.toInts(expected[k].getIds()), tokenizer.encode(texts.get(k)).ids())) {
                    continue;
                }
                for (int c : batches.get(k)) {
                    int[] e = HfReference.ids(ref, probe(c));
                    int[] a = tokenizer.encode(probe(c)).ids();
                    if (!Arrays.equals(e, a) && failures.size() < 50) {
                        failures.add(String.format("U+%04X (%s, Java type %d): %s", c, json.getFileName(),
                                Character.getType(c), HfReference.describeDiff(tokenizer, e, a)));
                    }
                }
            }
        }
        return failures;
    }

    /** The code point alone and between two letters, so removal, splitting and joining all show. */
    private static String probe(int c) {
        return new StringBuilder(" a").appendCodePoint(c).append("b ").appendCodePoint(c).append(' ').toString();
    }

    static String escape(String text) {
        StringBuilder b = new StringBuilder("\"");
        String head = text.length() > 80 ? text.substring(0, 80) : text;
        head.codePoints().forEach(c -> {
            if (c < 0x20 || (c >= 0x7F && c < 0xA0) || Character.getType(c) == Character.FORMAT
                    || Character.getType(c) == Character.SURROGATE) {
                b.append(String.format("\\u%04X", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.append(text.length() > 80 ? "…\"" : "\"").toString();
    }
}
