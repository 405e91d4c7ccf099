package dev.mcgt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcgt.job.JobProgress;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The progress line: bar, counts, rate since the first chunk, ETA. */
class ProgressLineTest {
    @Test
    void showsBarRateAndEta() {
        TreeMap<Integer, Integer> chunks = new TreeMap<>();
        chunks.put(100, 30);   // first chunk 10 s after submit
        JobProgress p = new JobProgress(300, 250, 0, chunks, new TreeMap<>());
        // 20 s elapsed, 10 s of scoring: 30 chunks/s, 25 docs/s, 750 left -> 30 s
        assertThat(ProgressLine.format(20_000, p, 1000)).isEqualTo(
                "mcgt score: 20 s [#####...............] 250/1000 documents (25 %), 300 chunks (30.0 chunks/s), ETA 30 s");
        assertThat(ProgressLine.format(5_000, JobProgress.none(), -1))
                .isEqualTo("mcgt score: 5 s 0 documents, 0 chunks (0.0 chunks/s), starting");
        assertThat(ProgressLine.clock(3725)).isEqualTo("1 h 02 min");
    }
}
