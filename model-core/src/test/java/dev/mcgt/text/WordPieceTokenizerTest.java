package dev.mcgt.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcgt.McgtException;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Unit tests of the WordPiece tokenizer on the MiniLM vocabulary and on small hand-made vocabularies. */
class WordPieceTokenizerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static WordPieceTokenizer minilm;

    @BeforeAll
    static void load() {
        minilm = WordPieceTokenizer.fromJson(HfReference.minilmJson());
    }

    @Test
    void readsTheMiniLmTokenizer() {
        assertThat(minilm.vocabSize()).isEqualTo(30522);
        assertThat(minilm.clsId()).isEqualTo(101);
        assertThat(minilm.sepId()).isEqualTo(102);
        assertThat(minilm.unkId()).isEqualTo(100);
        assertThat(minilm.padId()).isEqualTo(0);
        assertThat(minilm.maskId()).isEqualTo(103);
        assertThat(minilm.specialTokenCount()).isEqualTo(2);
        assertThat(minilm.configuredMaxLength()).isEqualTo(128);
        assertThat(minilm.normalizer()).isEqualTo(BertNormalizer.uncased());
        assertThat(minilm.idToToken(7592)).isEqualTo("hello");
        assertThat(minilm.tokenToId("##s")).isEqualTo(2015);
        assertThat(minilm.tokenToId("no-such-token")).isEqualTo(-1);
        assertThatThrownBy(() -> minilm.idToToken(30522)).isInstanceOf(McgtException.class)
                .hasMessageContaining("30522");
    }

    @Test
    void encodesWithClsAndSep() {
        Encoding e = minilm.encode("Hello, World!");
        assertThat(e.ids()).containsExactly(101, 7592, 1010, 2088, 999, 102);
        assertThat(e.typeIds()).containsOnly(0).hasSize(6);
        assertThat(e.droppedTokens()).isZero();
        assertThat(minilm.encode("").ids()).containsExactly(101, 102);
        assertThat(minilm.encode(" \t\n ").ids()).containsExactly(101, 102);
        assertThat(minilm.tokenize("Hello, World!")).containsExactly(7592, 1010, 2088, 999);
    }

    @Test
    void cutsLiteralSpecialTokensOutOfTheRawText() {
        // [SEP] typed in the text is the special token; [cls] (other case) is ordinary text.
        assertThat(minilm.encode("a[SEP]b [cls] x").ids())
                .containsExactly(101, 1037, 102, 1038, 1031, 18856, 2015, 1033, 1060, 102);
    }

    @Test
    void normalizesAccentsCaseControlsAndCjk() {
        assertThat(minilm.tokenize("CAFÉ")).isEqualTo(minilm.tokenize("cafe"));
        assertThat(minilm.tokenize("e\u0301")).isEqualTo(minilm.tokenize("e"));
        assertThat(minilm.tokenize("ab\u0000\u200Bcd\u0007")).isEqualTo(minilm.tokenize("abcd"));
        assertThat(minilm.tokenize("a\u00A0b\u3000c")).isEqualTo(minilm.tokenize("a b c"));
        // each ideograph is a word of its own, even inside Latin text
        assertThat(minilm.tokenize("x中y")).isEqualTo(minilm.tokenize("x 中 y"));
        assertThat(BertNormalizer.uncased().normalize("Ångström\tİ")).isEqualTo("angstrom i");
        assertThat(BertNormalizer.of(false, false, false, true).normalize("İ")).isEqualTo("i\u0307");
        assertThat(BertNormalizer.of(true, true, null, false).stripAccents()).isFalse();
        assertThat(BertNormalizer.of(true, true, null, true).stripAccents()).isTrue();
    }

    @Test
    void splitsPunctuationAndAsciiSymbols() {
        assertThat(BertPreTokenizer.split(" a+b=c$ “quoted” x_y ¿no? "))
                .containsExactly("a", "+", "b", "=", "c", "$", "“", "quoted", "”", "x", "_", "y", "¿", "no", "?");
        assertThat(BertPreTokenizer.split("   ")).isEmpty();
    }

    @Test
    void truncatesToMaxTokensKeepingTheFrame() {
        String text = "one two three four five six";
        Encoding full = minilm.encode(text);
        assertThat(full.length()).isEqualTo(8);
        Encoding cut = minilm.encode(text, 5);
        assertThat(cut.ids()).containsExactly(101, full.ids()[1], full.ids()[2], full.ids()[3], 102);
        assertThat(cut.droppedTokens()).isEqualTo(3);
        assertThat(cut.truncated()).isTrue();
        assertThat(minilm.encode(text, 2).ids()).containsExactly(101, 102);
        assertThat(minilm.encode(text, 8)).isEqualTo(full);
        assertThatThrownBy(() -> minilm.encode(text, 1)).isInstanceOf(McgtException.class)
                .hasMessage("Bad input: maxTokens must be at least 2 (the special tokens), got 1");
    }

    @Test
    void greedyLongestMatchFirstWithoutBacktracking() {
        WordPieceTokenizer t = WordPieceTokenizer.fromJson(
                smallTokenizer(List.of("un", "##aff", "##able", "aff"), n -> { }));
        // [PAD]=0 [UNK]=1 [CLS]=2 [SEP]=3, then the listed pieces from 4
        assertThat(t.tokenize("unaffable")).containsExactly(4, 5, 6);
        assertThat(t.tokenize("affable")).containsExactly(7, 6);
        assertThat(t.tokenize("unknown")).containsExactly(1);
        // "##affa" is longer than "##aff", so greedy takes it and then cannot cover "ble": the whole word is [UNK]
        WordPieceTokenizer greedy = WordPieceTokenizer.fromJson(
                smallTokenizer(List.of("un", "##aff", "##able", "##affa"), n -> { }));
        assertThat(greedy.tokenize("unaffable")).containsExactly(1);
        assertThat(greedy.tokenize("un unaffa")).containsExactly(4, 4, 7);
    }

    @Test
    void wordsLongerThanTheLimitAreUnknown() {
        assertThat(minilm.tokenize("a".repeat(100))).doesNotContain(100);
        assertThat(minilm.tokenize("a".repeat(101))).containsExactly(100);
        // the limit counts code points after normalization: 101 accented letters are 101 chars
        assertThat(minilm.tokenize("é".repeat(101))).containsExactly(100);
        WordPieceTokenizer t = WordPieceTokenizer.fromJson(smallTokenizer(List.of("a", "##a"),
                n -> ((ObjectNode) n.get("model")).put("max_input_chars_per_word", 3)));
        assertThat(t.tokenize("aaa aaaa")).containsExactly(4, 5, 5, 1);
    }

    @Test
    void bertProcessingAndNoPostProcessor() {
        WordPieceTokenizer bert = WordPieceTokenizer.fromJson(smallTokenizer(List.of("a"), n -> {
            ObjectNode p = n.putObject("post_processor");
            p.put("type", "BertProcessing");
            p.putArray("sep").add("[SEP]").add(3);
            p.putArray("cls").add("[CLS]").add(2);
        }));
        assertThat(bert.encode("a").ids()).containsExactly(2, 4, 3);
        WordPieceTokenizer none =
                WordPieceTokenizer.fromJson(smallTokenizer(List.of("a"), n -> n.putNull("post_processor")));
        assertThat(none.encode("a a").ids()).containsExactly(4, 4);
        assertThat(none.specialTokenCount()).isZero();
    }

    @Test
    void rejectsUnsupportedOrBrokenFilesWithOneLine() {
        assertThatThrownBy(() -> WordPieceTokenizer.fromJson(smallTokenizer(List.of(),
                n -> ((ObjectNode) n.get("model")).put("type", "BPE"))))
                .isInstanceOf(McgtException.class)
                .hasMessage("Unsupported mode: tokenizer.json model type 'BPE' is not supported (only WordPiece)");
        assertThatThrownBy(() -> WordPieceTokenizer.fromJson(smallTokenizer(List.of(),
                n -> n.putObject("normalizer").put("type", "NFKC"))))
                .isInstanceOf(McgtException.class)
                .hasMessage("Unsupported mode: tokenizer.json normalizer type 'NFKC' is not supported "
                        + "(only BertNormalizer)");
        assertThatThrownBy(() -> WordPieceTokenizer.fromJson(smallTokenizer(List.of(),
                n -> n.putObject("pre_tokenizer").put("type", "ByteLevel"))))
                .isInstanceOf(McgtException.class).hasMessageContaining("pre_tokenizer type 'ByteLevel'");
        assertThatThrownBy(() -> WordPieceTokenizer.fromJson(smallTokenizer(List.of(),
                n -> n.putObject("post_processor").put("type", "RobertaProcessing"))))
                .isInstanceOf(McgtException.class).hasMessageContaining("post_processor type 'RobertaProcessing'");
        assertThatThrownBy(() -> WordPieceTokenizer.fromJson(smallTokenizer(List.of(),
                n -> ((ObjectNode) n.get("model")).put("unk_token", "<unk>"))))
                .isInstanceOf(McgtException.class)
                .hasMessage("Bad configuration: tokenizer.json: unk_token '<unk>' is not in the vocab");
        assertThatThrownBy(() -> WordPieceTokenizer.fromJson("{\"model\": {")).isInstanceOf(McgtException.class)
                .hasMessageStartingWith("Bad configuration: tokenizer.json is not valid JSON")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThatThrownBy(() -> WordPieceTokenizer.fromJson("[]")).isInstanceOf(McgtException.class)
                .hasMessage("Bad configuration: tokenizer.json must be a JSON object");
        assertThatThrownBy(() -> WordPieceTokenizer.fromJson("")).isInstanceOf(McgtException.class)
                .hasMessage("Bad configuration: tokenizer.json is empty");
    }

    @Test
    void chunkerFromTheTokenizerFramesEachChunk() {
        int[] content = minilm.tokenize("one two three four five six seven");
        List<Chunker.Chunk> chunks = minilm.chunker(5, 1).split(content);
        assertThat(chunks).hasSize(3);
        for (Chunker.Chunk c : chunks) {
            assertThat(c.ids()[0]).isEqualTo(101);
            assertThat(c.ids()[c.length() - 1]).isEqualTo(102);
            assertThat(c.length()).isLessThanOrEqualTo(5);
        }
    }

    /**
     * A BERT tokenizer.json with vocab {@code [PAD] [UNK] [CLS] [SEP]} followed by {@code pieces} (ids from 4),
     * then changed by {@code edit}.
     */
    static String smallTokenizer(List<String> pieces, Consumer<ObjectNode> edit) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        String[] specials = {"[PAD]", "[UNK]", "[CLS]", "[SEP]"};
        for (int i = 0; i < specials.length; i++) {
            added.addObject().put("id", i).put("content", specials[i]).put("single_word", false)
                    .put("lstrip", false).put("rstrip", false).put("normalized", false).put("special", true);
        }
        ObjectNode norm = root.putObject("normalizer");
        norm.put("type", "BertNormalizer").put("clean_text", true).put("handle_chinese_chars", true)
                .putNull("strip_accents");
        norm.put("lowercase", true);
        root.putObject("pre_tokenizer").put("type", "BertPreTokenizer");
        ObjectNode post = root.putObject("post_processor");
        post.put("type", "TemplateProcessing");
        ArrayNode single = post.putArray("single");
        single.addObject().putObject("SpecialToken").put("id", "[CLS]").put("type_id", 0);
        single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        single.addObject().putObject("SpecialToken").put("id", "[SEP]").put("type_id", 0);
        ArrayNode pair = post.putArray("pair");
        pair.addAll(single);
        pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 1);
        pair.addObject().putObject("SpecialToken").put("id", "[SEP]").put("type_id", 1);
        ObjectNode st = post.putObject("special_tokens");
        for (String s : new String[] {"[CLS]", "[SEP]"}) {
            ObjectNode d = st.putObject(s);
            d.put("id", s);
            d.putArray("ids").add(s.equals("[CLS]") ? 2 : 3);
            d.putArray("tokens").add(s);
        }
        root.putObject("decoder").put("type", "WordPiece").put("prefix", "##").put("cleanup", true);
        ObjectNode model = root.putObject("model");
        model.put("type", "WordPiece").put("unk_token", "[UNK]").put("continuing_subword_prefix", "##")
                .put("max_input_chars_per_word", 100);
        ObjectNode vocab = model.putObject("vocab");
        for (int i = 0; i < specials.length; i++) {
            vocab.put(specials[i], i);
        }
        for (int i = 0; i < pieces.size(); i++) {
            vocab.put(pieces.get(i), 4 + i);
        }
        edit.accept(root);
        return root.toString();
    }
}
