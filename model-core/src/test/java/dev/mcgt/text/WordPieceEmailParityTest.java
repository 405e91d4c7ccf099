package dev.mcgt.text;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import dev.mcgt.testing.SpamCorpus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Token id parity with the Hugging Face tokenizer on real e-mails of the SpamAssassin corpus: every tenth
 * e-mail plus every e-mail with non-ASCII text, untruncated and truncated to 128 tokens.
 *
 * <p>The corpus is read from {@code data/spam-assassin} under the repository root, or from the directory in
 * the system property {@code mcgt.corpus}. When it is missing the test runs {@code scripts/fetch-corpus.sh};
 * if that fails the test fails: CI must really check this, so it never skips.
 */
class WordPieceEmailParityTest {
    /** Texts are cut to this many chars for the untruncated comparison (still thousands of tokens). */
    private static final int MAX_CHARS = 12_000;
    /** Texts are cut to this many chars for the truncated comparison: far more than 128 tokens need. */
    private static final int MAX_CHARS_TRUNCATED = 3_000;

    @TempDir
    Path dir;

    @Test
    void realEmailsMatchTheReference() throws IOException {
        Path corpus = SpamCorpus.dir();
        List<Path> files = SpamCorpus.emails();
        assertThat(files).as("e-mails in " + corpus).hasSize(SpamCorpus.EXPECTED_EMAILS);

        ObjectMapper om = new ObjectMapper();
        List<String> ids = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        int nonAscii = 0;
        for (int i = 0; i < files.size(); i++) {
            JsonNode mail = om.readTree(files.get(i).toFile());
            String text = mail.path("text").asText("");
            boolean hasNonAscii = text.chars().anyMatch(c -> c > 127);
            if (i % 10 == 0 || hasNonAscii) {
                ids.add(mail.path("group").asText() + "/" + files.get(i).getFileName());
                texts.add(cut(text, MAX_CHARS));
                nonAscii += hasNonAscii ? 1 : 0;
            }
        }
        assertThat(texts).hasSizeGreaterThanOrEqualTo(500);

        Path json = HfReference.write(dir, "tokenizer.json", HfReference.minilmJson());
        WordPieceTokenizer ours = WordPieceTokenizer.fromFile(json);
        List<String> mismatches = new ArrayList<>();
        long tokens = 0;
        int longest = 0;
        try (HuggingFaceTokenizer hf = HfReference.untruncated(json);
             HuggingFaceTokenizer hf128 = HfReference.truncated(json, 128)) {
            ai.djl.huggingface.tokenizers.Encoding[] full = hf.batchEncode(texts);
            List<String> heads = texts.stream().map(t -> cut(t, MAX_CHARS_TRUNCATED)).collect(Collectors.toList());
            ai.djl.huggingface.tokenizers.Encoding[] cut = hf128.batchEncode(heads);
            for (int i = 0; i < texts.size(); i++) {
                int[] expected = HfReference.toInts(full[i].getIds());
                int[] actual = ours.encode(texts.get(i)).ids();
                tokens += actual.length;
                longest = Math.max(longest, actual.length);
                if (!Arrays.equals(expected, actual)) {
                    mismatches.add("untruncated " + ids.get(i) + ": "
                            + HfReference.describeDiff(ours, expected, actual));
                }
                int[] expected128 = HfReference.toInts(cut[i].getIds());
                int[] actual128 = ours.encode(heads.get(i), 128).ids();
                if (!Arrays.equals(expected128, actual128)) {
                    mismatches.add("max 128 " + ids.get(i) + ": "
                            + HfReference.describeDiff(ours, expected128, actual128));
                }
            }
        }
        System.out.printf("WordPiece e-mail parity: %d e-mails (%d with non-ASCII text) from %s, %d tokens "
                        + "untruncated (longest %d), untruncated and max-128 mismatches: %d%n",
                texts.size(), nonAscii, corpus, tokens, longest, mismatches.size());
        assertThat(mismatches).as("e-mails whose ids differ from the Hugging Face tokenizer").isEmpty();
    }

    /** At most {@code max} chars, never splitting a surrogate pair. */
    private static String cut(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        int end = Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max;
        return s.substring(0, end);
    }
}
