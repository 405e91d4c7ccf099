package dev.mcgt.text;

import java.util.ArrayList;
import java.util.List;

/**
 * The BERT pre-tokenizer: splits normalized text into words at whitespace (which is dropped) and makes every
 * punctuation code point a word of its own.
 */
public final class BertPreTokenizer {
    private BertPreTokenizer() {
    }

    /** Splits {@code text} into words; never returns empty words. */
    public static List<String> split(String text) {
        List<String> words = new ArrayList<>();
        split(text, words);
        return words;
    }

    /** Appends the words of {@code text} to {@code out}. */
    public static void split(String text, List<String> out) {
        int wordStart = -1;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int n = Character.charCount(cp);
            if (BertChars.isWhitespace(cp)) {
                if (wordStart >= 0) {
                    out.add(text.substring(wordStart, i));
                    wordStart = -1;
                }
            } else if (BertChars.isPunctuation(cp)) {
                if (wordStart >= 0) {
                    out.add(text.substring(wordStart, i));
                    wordStart = -1;
                }
                out.add(text.substring(i, i + n));
            } else if (wordStart < 0) {
                wordStart = i;
            }
            i += n;
        }
        if (wordStart >= 0) {
            out.add(text.substring(wordStart));
        }
    }
}
