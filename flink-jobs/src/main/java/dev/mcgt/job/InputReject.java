package dev.mcgt.job;

/**
 * A record or document that could not be scored, as written to {@code rejects/}.
 *
 * @param origin where it came from ({@code file:line}, {@code file}, or the document id for later stages)
 * @param id     the document id when known, else null
 * @param reason one line saying what is wrong
 * @param record the start of the offending record (at most {@link #EXCERPT_CHARS} characters, invalid bytes
 *               shown as U+FFFD), or null
 */
public record InputReject(String origin, String id, String reason, String record) {
    /** Characters of the offending record kept in a reject. */
    public static final int EXCERPT_CHARS = 500;

    /** The first {@link #EXCERPT_CHARS} characters of {@code text} (null stays null). */
    public static String excerpt(String text) {
        if (text == null || text.length() <= EXCERPT_CHARS) return text;
        int end = EXCERPT_CHARS;
        if (Character.isHighSurrogate(text.charAt(end - 1))) end--;
        return text.substring(0, end) + "…";
    }
}
