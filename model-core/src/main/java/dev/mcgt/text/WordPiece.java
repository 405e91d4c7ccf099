package dev.mcgt.text;

import dev.mcgt.McgtException;
import java.util.HashMap;
import java.util.Map;

/**
 * The WordPiece model: splits one word into vocabulary pieces, greedily taking the longest piece that matches
 * at the current position (pieces after the first carry the continuing-subword prefix, usually {@code ##}).
 * A word that cannot be covered completely, or that is longer than {@code maxInputCharsPerWord} code points,
 * becomes the single unknown token.
 */
public final class WordPiece {
    private final Map<String, Integer> vocab;
    /** The pieces that start with the continuing prefix, keyed without it (saves building prefix + piece). */
    private final Map<String, Integer> continuing;
    private final int unkId;
    private final int maxInputCharsPerWord;
    /** Longest entry of {@code vocab} and of {@code continuing}, in UTF-16 units: no longer candidate matches. */
    private final int maxInitialLength;
    private final int maxContinuingLength;

    /**
     * @param vocab                token → id
     * @param unkToken             the unknown token; must be in {@code vocab}
     * @param continuingPrefix     prefix of pieces that continue a word
     * @param maxInputCharsPerWord longer words (in code points) map to the unknown token
     */
    public WordPiece(Map<String, Integer> vocab, String unkToken, String continuingPrefix, int maxInputCharsPerWord) {
        if (vocab.isEmpty()) {
            throw McgtException.badConfig("tokenizer.json: WordPiece vocab is empty");
        }
        Integer unk = vocab.get(unkToken);
        if (unk == null) {
            throw McgtException.badConfig("tokenizer.json: unk_token '" + unkToken + "' is not in the vocab");
        }
        if (maxInputCharsPerWord < 1) {
            throw McgtException.badConfig("tokenizer.json: max_input_chars_per_word must be >= 1, got "
                    + maxInputCharsPerWord);
        }
        this.vocab = new HashMap<>(vocab);
        this.continuing = new HashMap<>();
        this.unkId = unk;
        this.maxInputCharsPerWord = maxInputCharsPerWord;
        int longestInitial = 0;
        int longestContinuing = 0;
        for (Map.Entry<String, Integer> e : vocab.entrySet()) {
            String k = e.getKey();
            longestInitial = Math.max(longestInitial, k.length());
            if (k.startsWith(continuingPrefix)) {
                String rest = k.substring(continuingPrefix.length());
                continuing.put(rest, e.getValue());
                longestContinuing = Math.max(longestContinuing, rest.length());
            }
        }
        this.maxInitialLength = longestInitial;
        this.maxContinuingLength = longestContinuing;
    }

    /** The id of the unknown token. */
    public int unkId() {
        return unkId;
    }

    /** The id of {@code token}, or -1 when it is not in the vocabulary. */
    public int tokenToId(String token) {
        Integer id = vocab.get(token);
        return id == null ? -1 : id;
    }

    /** Appends the piece ids of one pre-tokenized word to {@code out}. */
    void tokenize(String word, IntList out) {
        int length = word.length();
        if (word.codePointCount(0, length) > maxInputCharsPerWord) {
            out.add(unkId);
            return;
        }
        int mark = out.size();
        int start = 0;
        while (start < length) {
            Map<String, Integer> pieces = start == 0 ? vocab : continuing;
            int end = Math.min(length, start + (start == 0 ? maxInitialLength : maxContinuingLength));
            if (end < length && Character.isLowSurrogate(word.charAt(end)) && end > start
                    && Character.isHighSurrogate(word.charAt(end - 1))) {
                end--; // never cut a surrogate pair
            }
            int id = -1;
            while (end > start) {
                Integer found = pieces.get(word.substring(start, end));
                if (found != null) {
                    id = found;
                    break;
                }
                end = Character.offsetByCodePoints(word, end, -1);
                if (end < start) {
                    end = start;
                }
            }
            if (id < 0) {
                out.truncate(mark);
                out.add(unkId);
                return;
            }
            out.add(id);
            start = end;
        }
    }
}
