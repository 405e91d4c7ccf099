package dev.mcgt.text;

import dev.mcgt.McgtException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Splits a long sequence of content token ids into chunks of at most {@code seqLenMax} tokens each, frame
 * included. The frame is the model's special tokens around every chunk ({@code [CLS] … [SEP]} for BERT, nothing
 * for the decoder presets). Consecutive chunks share {@code overlap} content tokens, so chunk {@code k + 1}
 * starts {@code body - overlap} tokens after chunk {@code k}, where {@code body = seqLenMax - frame length}.
 *
 * <p>An empty sequence gives one chunk holding only the frame when there is a frame, and no chunk otherwise.
 */
public final class Chunker {
    private final int seqLenMax;
    private final int overlap;
    private final int[] prefix;
    private final int[] suffix;
    private final int body;

    /**
     * @param seqLenMax most tokens per chunk, frame included
     * @param overlap   content tokens shared by consecutive chunks; {@code 0 <= overlap < body}
     * @param prefix    ids put before each chunk's content (e.g. {@code [CLS]}), may be empty
     * @param suffix    ids put after each chunk's content (e.g. {@code [SEP]}), may be empty
     */
    public Chunker(int seqLenMax, int overlap, int[] prefix, int[] suffix) {
        this.prefix = prefix.clone();
        this.suffix = suffix.clone();
        this.body = seqLenMax - prefix.length - suffix.length;
        if (body < 1) {
            throw McgtException.badConfig("seqLenMax " + seqLenMax + " leaves no room for content next to "
                    + (prefix.length + suffix.length) + " special tokens");
        }
        if (overlap < 0 || overlap >= body) {
            throw McgtException.badConfig("chunk overlap must be in [0, " + (body - 1) + "], got " + overlap);
        }
        this.seqLenMax = seqLenMax;
        this.overlap = overlap;
    }

    /** A BERT chunker: every chunk is {@code [CLS] content [SEP]}. */
    public static Chunker bert(int seqLenMax, int overlap, int clsId, int sepId) {
        return new Chunker(seqLenMax, overlap, new int[] {clsId}, new int[] {sepId});
    }

    /** A chunker without frame, for models that use no special tokens. */
    public static Chunker plain(int seqLenMax, int overlap) {
        return new Chunker(seqLenMax, overlap, new int[0], new int[0]);
    }

    /**
     * One chunk.
     *
     * @param ids          the chunk's token ids, frame included
     * @param contentStart index of its first content token in the input sequence
     * @param contentEnd   index after its last content token in the input sequence
     */
    public record Chunk(int[] ids, int contentStart, int contentEnd) {
        /** Number of tokens, frame included. */
        public int length() {
            return ids.length;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Chunk c && Arrays.equals(ids, c.ids) && contentStart == c.contentStart
                    && contentEnd == c.contentEnd;
        }

        @Override
        public int hashCode() {
            return 31 * (31 * Arrays.hashCode(ids) + contentStart) + contentEnd;
        }

        @Override
        public String toString() {
            return "Chunk[" + contentStart + ".." + contentEnd + ", ids=" + Arrays.toString(ids) + "]";
        }
    }

    /** Splits {@code contentIds} (no special tokens) into framed chunks, in order. */
    public List<Chunk> split(int[] contentIds) {
        List<Chunk> chunks = new ArrayList<>();
        int n = contentIds.length;
        if (n == 0) {
            if (prefix.length + suffix.length > 0) {
                chunks.add(frame(contentIds, 0, 0));
            }
            return chunks;
        }
        int start = 0;
        while (true) {
            int end = Math.min(n, start + body);
            chunks.add(frame(contentIds, start, end));
            if (end == n) {
                return chunks;
            }
            start = end - overlap;
        }
    }

    /** Number of chunks {@link #split} makes for {@code contentLength} content tokens. */
    public int chunkCount(int contentLength) {
        if (contentLength <= body) {
            return contentLength == 0 && prefix.length + suffix.length == 0 ? 0 : 1;
        }
        int stride = body - overlap;
        return 1 + (contentLength - body + stride - 1) / stride;
    }

    private Chunk frame(int[] content, int start, int end) {
        int[] ids = new int[prefix.length + (end - start) + suffix.length];
        System.arraycopy(prefix, 0, ids, 0, prefix.length);
        System.arraycopy(content, start, ids, prefix.length, end - start);
        System.arraycopy(suffix, 0, ids, prefix.length + (end - start), suffix.length);
        return new Chunk(ids, start, end);
    }

    /** Most tokens per chunk, frame included. */
    public int seqLenMax() {
        return seqLenMax;
    }

    /** Content tokens shared by consecutive chunks. */
    public int overlap() {
        return overlap;
    }

    /** Content tokens per full chunk. */
    public int body() {
        return body;
    }
}
