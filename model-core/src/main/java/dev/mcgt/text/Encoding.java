package dev.mcgt.text;

import java.util.Arrays;

/**
 * The result of tokenizing one text: token ids with the special tokens in place, their token type ids (all 0
 * for a single sequence) and how many content tokens truncation dropped.
 *
 * @param ids            token ids, e.g. {@code [CLS] … [SEP]}
 * @param typeIds        token type (segment) ids, same length as {@code ids}
 * @param droppedTokens  content tokens cut off by truncation (0 when the text fitted)
 */
public record Encoding(int[] ids, int[] typeIds, int droppedTokens) {

    /** Checks that both arrays have the same length. */
    public Encoding {
        if (ids.length != typeIds.length) {
            throw new IllegalArgumentException("ids and typeIds differ in length: " + ids.length + " vs "
                    + typeIds.length);
        }
    }

    /** Number of tokens, special tokens included. */
    public int length() {
        return ids.length;
    }

    /** True when truncation dropped tokens. */
    public boolean truncated() {
        return droppedTokens > 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Encoding e && Arrays.equals(ids, e.ids) && Arrays.equals(typeIds, e.typeIds)
                && droppedTokens == e.droppedTokens;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(ids) + Arrays.hashCode(typeIds)) + droppedTokens;
    }

    @Override
    public String toString() {
        return "Encoding[ids=" + Arrays.toString(ids) + ", typeIds=" + Arrays.toString(typeIds) + ", droppedTokens="
                + droppedTokens + "]";
    }
}
