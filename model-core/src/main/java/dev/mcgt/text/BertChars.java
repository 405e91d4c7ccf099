package dev.mcgt.text;

/**
 * Character classes used by the BERT normalizer and pre-tokenizer, on Unicode code points.
 *
 * <p>The classes follow the definitions of the original BERT tokenizer as the Hugging Face tokenizer applies them:
 * "whitespace" is the Unicode White_Space property (plus tab, newline and carriage return), "control" is any
 * code point of the categories Cc, Cf, Cs and Co (unassigned code points are not control) except tab, newline
 * and carriage return, "punctuation" is any Unicode P* category plus every printable ASCII symbol that is not a
 * letter or digit.
 */
final class BertChars {
    /*
     * The Hugging Face tokenizer classifies code points with Unicode 8.0 tables, while Java 17 uses Unicode 13.0.
     * Code points assigned after 8.0 are plain "other" characters for the Hugging Face tokenizer (not punctuation, not marks,
     * not control), so the ones that Java files under Mn, P* or Cf are listed here as inclusive [first, last]
     * pairs and treated as letters. Two code points changed category after 8.0 and keep their old one:
     * U+166D and U+111C9 were punctuation (Po). The table is exact for Java 17's Unicode 13.0 data; a newer JVM
     * knows more code points, which the code point parity test (WordPieceHfParityTest) would then report.
     */
    private static final int[] NEWER_THAN_UNICODE_8 = {
            0x07FD, 0x07FD, 0x08D3, 0x08E2, 0x09FD, 0x09FE, 0x0A76, 0x0A76, 0x0AFA, 0x0AFF, 0x0B55, 0x0B55,
            0x0C04, 0x0C04, 0x0C77, 0x0C77, 0x0C84, 0x0C84, 0x0D00, 0x0D00, 0x0D3B, 0x0D3C, 0x0D81, 0x0D81,
            0x0EBA, 0x0EBA, 0x1885, 0x1886, 0x1ABF, 0x1AC0, 0x1DF6, 0x1DF9, 0x1DFB, 0x1DFB, 0x2E43, 0x2E4F,
            0x2E52, 0x2E52, 0xA82C, 0xA82C, 0xA8C5, 0xA8C5, 0xA8FF, 0xA8FF, 0xA9BD, 0xA9BD, 0x10D24, 0x10D27,
            0x10EAB, 0x10EAD, 0x10F46, 0x10F50, 0x10F55, 0x10F59, 0x110CD, 0x110CD, 0x111CF, 0x111CF,
            0x1123E, 0x1123E, 0x1133B, 0x1133B, 0x11438, 0x1143F, 0x11442, 0x11444, 0x11446, 0x11446,
            0x1144B, 0x1144F, 0x1145A, 0x1145B, 0x1145D, 0x1145E, 0x11660, 0x1166C, 0x1182F, 0x11837,
            0x11839, 0x1183B, 0x1193B, 0x1193C, 0x1193E, 0x1193E, 0x11943, 0x11946, 0x119D4, 0x119D7,
            0x119DA, 0x119DB, 0x119E0, 0x119E0, 0x119E2, 0x119E2, 0x11A01, 0x11A0A, 0x11A33, 0x11A38,
            0x11A3B, 0x11A47, 0x11A51, 0x11A56, 0x11A59, 0x11A5B, 0x11A8A, 0x11A96, 0x11A98, 0x11A9C,
            0x11A9E, 0x11AA2, 0x11C30, 0x11C36, 0x11C38, 0x11C3D, 0x11C3F, 0x11C3F, 0x11C41, 0x11C45,
            0x11C70, 0x11C71, 0x11C92, 0x11CA7, 0x11CAA, 0x11CB0, 0x11CB2, 0x11CB3, 0x11CB5, 0x11CB6,
            0x11D31, 0x11D36, 0x11D3A, 0x11D3A, 0x11D3C, 0x11D3D, 0x11D3F, 0x11D45, 0x11D47, 0x11D47,
            0x11D90, 0x11D91, 0x11D95, 0x11D95, 0x11D97, 0x11D97, 0x11EF3, 0x11EF4, 0x11EF7, 0x11EF8,
            0x11FFF, 0x11FFF, 0x13430, 0x13438, 0x16E97, 0x16E9A, 0x16F4F, 0x16F4F, 0x16FE2, 0x16FE2,
            0x16FE4, 0x16FE4, 0x1E000, 0x1E006, 0x1E008, 0x1E018, 0x1E01B, 0x1E021, 0x1E023, 0x1E024,
            0x1E026, 0x1E02A, 0x1E130, 0x1E136, 0x1E2EC, 0x1E2EF, 0x1E944, 0x1E94A, 0x1E95E, 0x1E95F
    };
    private static final int CANADIAN_CHI_SIGN = 0x166D;
    private static final int SHARADA_SANDHI_MARK = 0x111C9;

    private BertChars() {
    }

    /** True for the code points in {@link #NEWER_THAN_UNICODE_8}. */
    static boolean isNewerThanUnicode8(int cp) {
        if (cp < NEWER_THAN_UNICODE_8[0]) {
            return false;
        }
        int lo = 0;
        int hi = NEWER_THAN_UNICODE_8.length / 2 - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (cp < NEWER_THAN_UNICODE_8[2 * mid]) {
                hi = mid - 1;
            } else if (cp > NEWER_THAN_UNICODE_8[2 * mid + 1]) {
                lo = mid + 1;
            } else {
                return true;
            }
        }
        return false;
    }

    /** True for tab, LF, CR and every code point with the Unicode White_Space property. */
    static boolean isWhitespace(int cp) {
        if (cp <= 0x20) {
            return cp == ' ' || (cp >= 0x09 && cp <= 0x0D);
        }
        if (cp < 0x85) {
            return false;
        }
        return cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A)
                || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
    }

    /** True for control, format, surrogate and private-use code points, except tab, LF and CR (whitespace). */
    static boolean isControl(int cp) {
        if (cp == '\t' || cp == '\n' || cp == '\r') {
            return false;
        }
        int type = Character.getType(cp);
        if (type == Character.FORMAT && isNewerThanUnicode8(cp)) {
            return false;
        }
        switch (type) {
            case Character.CONTROL:
            case Character.FORMAT:
            case Character.SURROGATE:
            case Character.PRIVATE_USE:
                return true;
            default:
                return false;
        }
    }

    /**
     * True for CJK Unified Ideographs and their extensions and compatibility blocks, the code points that BERT
     * surrounds with spaces. The ranges are the ones the Hugging Face normalizer uses.
     */
    static boolean isCjkIdeograph(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF)
                || (cp >= 0x3400 && cp <= 0x4DBF)
                || (cp >= 0x20000 && cp <= 0x2A6DF)
                || (cp >= 0x2A700 && cp <= 0x2B73F)
                || (cp >= 0x2B740 && cp <= 0x2B81F)
                || (cp >= 0x2B920 && cp <= 0x2CEAF)
                || (cp >= 0xF900 && cp <= 0xFAFF)
                || (cp >= 0x2F800 && cp <= 0x2FA1F);
    }

    /** True for printable ASCII symbols (33-47, 58-64, 91-96, 123-126) and the Unicode punctuation categories. */
    static boolean isPunctuation(int cp) {
        if (cp < 0x80) {
            return (cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96)
                    || (cp >= 123 && cp <= 126);
        }
        if (cp == CANADIAN_CHI_SIGN || cp == SHARADA_SANDHI_MARK) {
            return true;
        }
        switch (Character.getType(cp)) {
            case Character.CONNECTOR_PUNCTUATION:
            case Character.DASH_PUNCTUATION:
            case Character.START_PUNCTUATION:
            case Character.END_PUNCTUATION:
            case Character.INITIAL_QUOTE_PUNCTUATION:
            case Character.FINAL_QUOTE_PUNCTUATION:
            case Character.OTHER_PUNCTUATION:
                return !isNewerThanUnicode8(cp);
            default:
                return false;
        }
    }

    /** True for nonspacing combining marks (category Mn), which accent stripping drops after NFD. */
    static boolean isNonSpacingMark(int cp) {
        return Character.getType(cp) == Character.NON_SPACING_MARK && cp != SHARADA_SANDHI_MARK
                && !isNewerThanUnicode8(cp);
    }
}
