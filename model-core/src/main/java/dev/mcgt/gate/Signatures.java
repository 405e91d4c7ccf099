package dev.mcgt.gate;

/**
 * 64-bit FNV-1a style input signatures (docs/GATE.md), the cache key of the skip tier. Each token is XORed
 * in as a whole zero-extended 32-bit value (not byte by byte); embedding bytes are sign-extended.
 */
public final class Signatures {
    /** FNV-1a 64-bit offset basis. */
    public static final long OFFSET_BASIS = 0xcbf29ce484222325L;
    /** FNV-1a 64-bit prime. */
    public static final long PRIME = 0x100000001b3L;

    private Signatures() { }

    public static long ofTokens(int[] tokens) {
        return ofTokens(tokens, 0, tokens.length);
    }

    /** Signature of {@code len} tokens starting at {@code off}. */
    public static long ofTokens(int[] tokens, int off, int len) {
        long h = OFFSET_BASIS;
        for (int i = off; i < off + len; i++) {
            h ^= tokens[i] & 0xFFFF_FFFFL;
            h *= PRIME;
        }
        return h;
    }

    /** Signature of quantized embedding bytes (each byte sign-extended). */
    public static long ofEmbedding(byte[] embedding) {
        long h = OFFSET_BASIS;
        for (byte b : embedding) {
            h ^= b;
            h *= PRIME;
        }
        return h;
    }

    /** Unsigned lower-case hex, as the golden tables print signatures. */
    public static String hex(long signature) {
        return Long.toHexString(signature);
    }
}
