package dev.mcgt.text;

import java.text.Normalizer;

/**
 * The BERT text normalizer: optional cleaning (drop control characters, map every whitespace to a space), spaces
 * around CJK ideographs, accent stripping (NFD, then drop nonspacing marks) and lower-casing, in that order.
 *
 * @param cleanText          drop NUL, U+FFFD and control/format/unassigned code points; map whitespace to ' '
 * @param handleChineseChars surround each CJK ideograph with spaces so it becomes a word of its own
 * @param stripAccents       decompose (NFD) and drop nonspacing marks
 * @param lowercase          lower-case every code point (full Unicode mapping, no context rules)
 */
public record BertNormalizer(boolean cleanText, boolean handleChineseChars, boolean stripAccents, boolean lowercase) {

    /** The normalizer of uncased BERT models (all steps on). */
    public static BertNormalizer uncased() {
        return new BertNormalizer(true, true, true, true);
    }

    /**
     * Builds the normalizer from the tokenizer.json flags; {@code stripAccents == null} follows {@code lowercase},
     * as in BERT.
     */
    public static BertNormalizer of(boolean cleanText, boolean handleChineseChars, Boolean stripAccents,
                                    boolean lowercase) {
        return new BertNormalizer(cleanText, handleChineseChars, stripAccents == null ? lowercase : stripAccents,
                lowercase);
    }

    /** Normalizes {@code text}; never returns null. */
    public String normalize(String text) {
        String s = cleanAndSpace(text);
        if (stripAccents) {
            s = stripMarks(Normalizer.normalize(s, Normalizer.Form.NFD));
        }
        if (lowercase) {
            s = lower(s);
        }
        return s;
    }

    private String cleanAndSpace(String text) {
        if (!cleanText && !handleChineseChars) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (cleanText) {
                if (cp == 0 || cp == 0xFFFD || BertChars.isControl(cp)) {
                    continue;
                }
                if (BertChars.isWhitespace(cp)) {
                    cp = ' ';
                }
            }
            if (handleChineseChars && BertChars.isCjkIdeograph(cp)) {
                out.append(' ').appendCodePoint(cp).append(' ');
            } else {
                out.appendCodePoint(cp);
            }
        }
        return out.toString();
    }

    private static String stripMarks(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int n = Character.charCount(cp);
            if (BertChars.isNonSpacingMark(cp)) {
                if (out == null) {
                    out = new StringBuilder(s.length());
                    out.append(s, 0, i);
                }
            } else if (out != null) {
                out.appendCodePoint(cp);
            }
            i += n;
        }
        return out == null ? s : out.toString();
    }

    private static String lower(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == 0x0130) {
                // The one code point whose unconditional full lower-case mapping has two code points.
                out.append('i').append('\u0307');
            } else {
                out.appendCodePoint(Character.toLowerCase(cp));
            }
        }
        return out.toString();
    }
}
