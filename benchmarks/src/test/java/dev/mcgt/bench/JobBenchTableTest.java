package dev.mcgt.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The job table's cosines and target ratios, and the peer's chunk pooling. */
class JobBenchTableTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void cosinesJoinByIdAndRatiosPairRowsOfTheSameModeAndParallelism() throws Exception {
        double[] c = JobBenchTable.cosines(Map.of("a", new float[] {1, 0}, "b", new float[] {0, 1}, "c", new float[] {1, 1}),
                Map.of("a", new float[] {1, 0}, "b", new float[] {1, 0}));
        assertThat(c).hasSize(2).contains(1.0, 0.0);
        List<JsonNode> runs = List.of(run("mcgt gate off", "batch", 1, 10), run("ONNX Runtime INT8", "batch", 1, 8),
                run("mcgt gate off", "batch", 2, 19), run("mcgt gate off", "streaming", 2, 17),
                run("ONNX Runtime INT8", "streaming", 1, 4));
        List<String> notes = JobBenchTable.ratios(runs);
        assertThat(notes).anyMatch(n -> n.startsWith("mcgt gate off vs ONNX Runtime INT8 (batch, p1): 1.25× steady"))
                .anyMatch(n -> n.equals("mcgt gate off, batch: parallelism 2 / 1 = 1.90× steady docs/s (target ≥ 1.8×)"))
                .anyMatch(n -> n.equals("mcgt gate off, p2: STREAMING / BATCH = 0.89× steady docs/s (target ≥ 0.85×)"))
                .noneMatch(n -> n.contains("(streaming, p2)"));
    }

    @Test
    void thePeersChunkVectorIsTheNormalisedMeanOfItsTokens() {
        float[] v = ChunkPooling.meanNormalised(new float[][] {{3, 0}, {3, 8}});
        assertThat(v[0]).isCloseTo(0.6f, within(1e-6f));
        assertThat(v[1]).isCloseTo(0.8f, within(1e-6f));
        assertThat(ChunkPooling.meanNormalised(new float[][] {{0, 0}})).containsExactly(0f, 0f);
    }

    private static JsonNode run(String engine, String mode, int p, double docsPerSecond) {
        return JSON.createObjectNode().put("engine", engine).put("mode", mode).put("parallelism", p)
                .put("steadyDocsPerSecond", docsPerSecond).put("documents", 100).put("wallSeconds", 100 / docsPerSecond);
    }
}
