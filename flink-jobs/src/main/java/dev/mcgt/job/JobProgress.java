package dev.mcgt.job;

import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The progress of a running (or finished) {@link DocumentScoringJob}, read from its Flink accumulators (which Flink
 * collects from every TaskManager, so this works on an embedded Flink and on a cluster alike): chunks scored,
 * documents whose last chunk was scored, documents written, and when chunks and document ends happened.
 *
 * @param chunks          chunks scored
 * @param documentsScored documents whose last chunk was scored (the scoring stage's view)
 * @param documents       documents pooled and written to {@code scores/}
 * @param chunkTimes      chunks scored per {@value #BUCKET_MS} ms bucket since the job's base time
 * @param documentTimes   document ends per {@value #BUCKET_MS} ms bucket since the job's base time
 */
public record JobProgress(long chunks, long documentsScored, long documents, NavigableMap<Integer, Integer> chunkTimes,
                          NavigableMap<Integer, Integer> documentTimes) {
    /** Width of a time bucket. */
    public static final int BUCKET_MS = 100;

    static final String CHUNKS = "mcgt-chunks-scored";
    static final String DOCUMENTS_SCORED = "mcgt-documents-scored";
    static final String DOCUMENTS = "mcgt-documents-written";
    static final String CHUNK_TIMES = "mcgt-chunk-times";
    static final String DOCUMENT_TIMES = "mcgt-document-end-times";

    /** Nothing yet. */
    public static JobProgress none() {
        return new JobProgress(0, 0, 0, new TreeMap<>(), new TreeMap<>());
    }

    /** Reads the accumulators of {@code JobClient.getAccumulators()} or {@code JobExecutionResult}. */
    public static JobProgress of(Map<String, Object> accumulators) {
        return new JobProgress(count(accumulators.get(CHUNKS)), count(accumulators.get(DOCUMENTS_SCORED)),
                count(accumulators.get(DOCUMENTS)), histogram(accumulators.get(CHUNK_TIMES)),
                histogram(accumulators.get(DOCUMENT_TIMES)));
    }

    /** Milliseconds from the base time to the first chunk scored, or −1 before it. */
    public long firstChunkMillis() {
        return chunkTimes.isEmpty() ? -1 : (long) chunkTimes.firstKey() * BUCKET_MS;
    }

    /** Milliseconds from the base time to the end of the bucket of the last chunk scored, or −1 before it. */
    public long lastChunkMillis() {
        return chunkTimes.isEmpty() ? -1 : (long) (chunkTimes.lastKey() + 1) * BUCKET_MS;
    }

    /**
     * Throughput once the run is warm: from the end of the bucket in which the first documents finished
     * ({@code warmDocuments} of them, at least one) to the end of the last chunk's bucket, the document ends and
     * chunks scored in between per second; null when that window is empty.
     */
    public SteadyState steadyState(int warmDocuments) {
        if (documentTimes.isEmpty()) return null;
        int seen = 0;
        Integer warm = null;
        for (Map.Entry<Integer, Integer> e : documentTimes.entrySet()) {
            seen += e.getValue();
            if (seen >= Math.max(1, warmDocuments)) {
                warm = e.getKey();
                break;
            }
        }
        if (warm == null) return null;
        int last = Math.max(chunkTimes.lastKey(), documentTimes.lastKey());
        if (last <= warm) return null;
        long docs = sum(documentTimes.subMap(warm, false, last, true));
        long chunksIn = sum(chunkTimes.subMap(warm, false, last, true));
        double seconds = (last - warm) * (BUCKET_MS / 1000.0);
        return new SteadyState(warm * (long) BUCKET_MS, seconds, docs / seconds, chunksIn / seconds);
    }

    /**
     * Throughput after the warm-up.
     *
     * @param fromMillis    start of the window, ms after the base time
     * @param seconds       window length
     * @param docsPerSecond document ends per second in the window
     * @param chunksPerSecond chunks scored per second in the window
     */
    public record SteadyState(long fromMillis, double seconds, double docsPerSecond, double chunksPerSecond) { }

    private static long sum(Map<Integer, Integer> m) {
        long s = 0;
        for (int v : m.values()) s += v;
        return s;
    }

    private static long count(Object v) {
        return v instanceof Number n ? n.longValue() : 0;
    }

    private static NavigableMap<Integer, Integer> histogram(Object v) {
        TreeMap<Integer, Integer> out = new TreeMap<>();
        if (v instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (e.getKey() instanceof Number k && e.getValue() instanceof Number n) out.put(k.intValue(), n.intValue());
            }
        }
        return out;
    }
}
