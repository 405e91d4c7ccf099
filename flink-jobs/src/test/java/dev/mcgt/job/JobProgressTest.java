package dev.mcgt.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Reading the job's accumulators, and the steady-state window after the first documents finish. */
class JobProgressTest {
    @Test
    void readsCountersAndHistogramsAndIgnoresWhatIsMissing() {
        TreeMap<Integer, Integer> chunks = new TreeMap<>(Map.of(30, 2, 31, 4, 40, 4));
        TreeMap<Integer, Integer> docs = new TreeMap<>(Map.of(31, 1, 35, 1, 40, 2));
        JobProgress p = JobProgress.of(Map.of(JobProgress.CHUNKS, 10L, JobProgress.DOCUMENTS_SCORED, 4L,
                JobProgress.CHUNK_TIMES, chunks, JobProgress.DOCUMENT_TIMES, docs));
        assertThat(p.chunks()).isEqualTo(10);
        assertThat(p.documentsScored()).isEqualTo(4);
        assertThat(p.documents()).isZero();
        assertThat(p.firstChunkMillis()).isEqualTo(3000);
        assertThat(p.lastChunkMillis()).isEqualTo(4100);
        // warm after bucket 31 (first document): buckets 32..40 hold 3 document ends and 4 chunks in 0.9 s
        JobProgress.SteadyState s = p.steadyState(1);
        assertThat(s.fromMillis()).isEqualTo(3100);
        assertThat(s.seconds()).isCloseTo(0.9, within(1e-9));
        assertThat(s.docsPerSecond()).isCloseTo(3 / 0.9, within(1e-9));
        assertThat(s.chunksPerSecond()).isCloseTo(4 / 0.9, within(1e-9));
        assertThat(p.steadyState(4)).as("nothing after the last bucket").isNull();
        assertThat(JobProgress.of(Map.of()).steadyState(1)).isNull();
        assertThat(JobProgress.none().firstChunkMillis()).isEqualTo(-1);
    }
}
