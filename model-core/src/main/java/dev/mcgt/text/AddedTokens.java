package dev.mcgt.text;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Literal tokens (usually the special tokens such as {@code [SEP]}) that are cut out of the text before the
 * rest is tokenized. Matching is leftmost-longest and case-sensitive.
 */
final class AddedTokens {
    /** One literal token and its id. */
    record Token(String content, int id) {
    }

    /** A match of a token in a text, {@code [start, end)} in UTF-16 units. */
    record Match(int start, int end, int id) {
    }

    static final AddedTokens NONE = new AddedTokens(List.of());

    private final List<Token> tokens;

    AddedTokens(List<Token> tokens) {
        List<Token> sorted = new ArrayList<>(tokens);
        sorted.removeIf(t -> t.content().isEmpty());
        sorted.sort(Comparator.comparingInt((Token t) -> t.content().length()).reversed());
        this.tokens = List.copyOf(sorted);
    }

    boolean isEmpty() {
        return tokens.isEmpty();
    }

    /** The leftmost match at or after {@code from}, the longest one among those starting there; null if none. */
    Match find(String text, int from) {
        int bestStart = Integer.MAX_VALUE;
        Token best = null;
        for (Token t : tokens) {
            int at = text.indexOf(t.content(), from);
            if (at >= 0 && at < bestStart) { // tokens are sorted longest first, so ties keep the longer one
                bestStart = at;
                best = t;
            }
        }
        return best == null ? null : new Match(bestStart, bestStart + best.content().length(), best.id());
    }
}
