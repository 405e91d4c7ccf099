package dev.mcgt.job;

import dev.mcgt.flink.functions.ChunkScore;
import org.apache.flink.api.common.accumulators.Histogram;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;

/**
 * Passes chunk scores through unchanged (chained right after the scoring step, no shuffle) and counts them in the
 * Flink accumulators that {@link JobProgress} reads: chunks, document ends, and when they happened.
 */
final class CountScoredChunks extends RichMapFunction<ChunkScore, ChunkScore> {
    private static final long serialVersionUID = 1L;

    private final long baseMillis;

    private transient LongCounter chunks;
    private transient LongCounter documents;
    private transient Histogram chunkTimes;
    private transient Histogram documentTimes;

    /** @param baseMillis the job's base time (epoch ms) that the time buckets count from */
    CountScoredChunks(long baseMillis) {
        this.baseMillis = baseMillis;
    }

    @Override
    public void open(OpenContext ctx) {
        chunks = new LongCounter();
        documents = new LongCounter();
        chunkTimes = new Histogram();
        documentTimes = new Histogram();
        getRuntimeContext().addAccumulator(JobProgress.CHUNKS, chunks);
        getRuntimeContext().addAccumulator(JobProgress.DOCUMENTS_SCORED, documents);
        getRuntimeContext().addAccumulator(JobProgress.CHUNK_TIMES, chunkTimes);
        getRuntimeContext().addAccumulator(JobProgress.DOCUMENT_TIMES, documentTimes);
    }

    @Override
    public ChunkScore map(ChunkScore s) {
        int bucket = (int) Math.max(0, (System.currentTimeMillis() - baseMillis) / JobProgress.BUCKET_MS);
        chunks.add(1L);
        chunkTimes.add(bucket);
        if (s.endOfDocument()) {
            documents.add(1L);
            documentTimes.add(bucket);
        }
        return s;
    }
}
