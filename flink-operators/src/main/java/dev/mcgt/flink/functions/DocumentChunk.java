package dev.mcgt.flink.functions;

import java.util.Arrays;
import java.util.Objects;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.java.functions.KeySelector;

/**
 * One chunk of a document on its way into the {@link GatedScoringFunction}: the input record of the scoring
 * stage. Flink serializes it with its record (POJO) serializer; nothing here needs Kryo.
 *
 * <p>The constructor accepts anything, nulls and bad ids included: a chunk that cannot be scored must reach the
 * function so that it lands in the rejects output with its reason instead of failing the job.
 *
 * <p><b>Order.</b> The function scores the chunks of a document in the order they arrive. In STREAMING mode that is
 * the order one source split emits them. In BATCH mode Flink sorts each key's records by timestamp, and records
 * without one come out in no particular order: apply {@link #chunkOrder()} before {@code keyBy} (timestamp =
 * chunk index, no watermarks), which is harmless in STREAMING mode.
 *
 * @param docId         the document (stream) id, the key of the scoring stage
 * @param chunkIndex    the chunk's index in its document as the producer numbered it (echoed in every output)
 * @param tokenIds      the chunk's token ids, special tokens included (at most the model's {@code seqLenMax})
 * @param endOfDocument true on the document's last chunk: the key's state is cleared after it
 */
public record DocumentChunk(String docId, long chunkIndex, int[] tokenIds, boolean endOfDocument) {

    /** Keys chunks by document id; a missing id becomes the empty key (and the function rejects it). */
    public static final KeySelector<DocumentChunk, String> KEY = new ByDocument();

    /**
     * Timestamps equal to the chunk index and no watermarks, so that BATCH execution, which sorts a key's records
     * by timestamp, hands the function each document's chunks in order.
     */
    public static WatermarkStrategy<DocumentChunk> chunkOrder() {
        return WatermarkStrategy.<DocumentChunk>noWatermarks().withTimestampAssigner(new ByChunkIndex());
    }

    /** Number of token ids, 0 when there are none. */
    public int tokenCount() {
        return tokenIds == null ? 0 : tokenIds.length;
    }

    /** Equal chunks: arrays by content. */
    @Override
    public boolean equals(Object o) {
        return o instanceof DocumentChunk c && chunkIndex == c.chunkIndex && endOfDocument == c.endOfDocument
                && Objects.equals(docId, c.docId) && Arrays.equals(tokenIds, c.tokenIds);
    }

    @Override
    public int hashCode() {
        return Objects.hash(docId, chunkIndex, endOfDocument) * 31 + Arrays.hashCode(tokenIds);
    }

    @Override
    public String toString() {
        return "DocumentChunk[doc=" + docId + ", chunk=" + chunkIndex + ", tokens=" + tokenCount()
                + (endOfDocument ? ", end" : "") + "]";
    }

    /** The timestamp assigner of {@link #chunkOrder()}. */
    private static final class ByChunkIndex implements SerializableTimestampAssigner<DocumentChunk> {
        private static final long serialVersionUID = 1L;

        @Override
        public long extractTimestamp(DocumentChunk chunk, long recordTimestamp) {
            return chunk.chunkIndex();
        }
    }

    /** The key selector of {@link #KEY} (a named class, so that its key type is known without lambdas). */
    private static final class ByDocument implements KeySelector<DocumentChunk, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(DocumentChunk chunk) {
            return chunk.docId() == null ? "" : chunk.docId();
        }
    }
}
