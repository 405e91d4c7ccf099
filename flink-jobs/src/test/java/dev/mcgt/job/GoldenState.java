package dev.mcgt.job;

import dev.mcgt.job.AggregateHarness.Backend;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.junit.jupiter.params.provider.Arguments;

/**
 * What the golden operator-snapshot tests of the job's stages share ({@link AggregateStateUpgradeTest},
 * {@link ChunkStateUpgradeTest}): one folder per stage holding {@code v<format>-<backend>.snapshot} files and the
 * expected outputs, written only with {@code -Dmcgt.golden.write=true} and never rewritten.
 */
final class GoldenState {
    private final Path dir;
    private final int current;

    /** The golden files under {@code dir} of a stage whose state format is {@code current}. */
    GoldenState(Path dir, int current) {
        this.dir = dir;
        this.current = current;
    }

    /** Generic types off and the backend's state backend, before {@code setup}. */
    static void configure(AbstractStreamOperatorTestHarness<?> h, Backend backend) {
        Configuration c = new Configuration();
        c.set(PipelineOptions.GENERIC_TYPES, false);
        h.getExecutionConfig().configure(c, GoldenState.class.getClassLoader());
        h.setStateBackend(backend == Backend.ROCKSDB ? new EmbeddedRocksDBStateBackend() : new HashMapStateBackend());
    }

    Path snapshotFile(int format, Backend backend) {
        return dir.resolve("v" + format + "-" + backend.name().toLowerCase() + ".snapshot");
    }

    OperatorSubtaskState read(int format, Backend backend) throws Exception {
        return OperatorSnapshotUtil.readStateHandle(snapshotFile(format, backend).toString());
    }

    List<String> expected(String name) throws Exception {
        return Files.readAllLines(dir.resolve(name), StandardCharsets.UTF_8);
    }

    /** Every committed format (0 = the reflective state before format 1) on every backend. */
    Stream<Arguments> formatsAndBackends() {
        List<Arguments> out = new ArrayList<>();
        for (int format = 0; format <= current; format++) {
            for (Backend b : Backend.values()) out.add(Arguments.of(format, b));
        }
        return out.stream();
    }

    /**
     * With {@code -Dmcgt.golden.write=true}, writes the current format's snapshot and, when missing, the expected
     * outputs; then checks the outputs against the committed ones.
     */
    void writeIfAskedAndCheck(Backend backend, OperatorSubtaskState snapshot, String beforeName, List<String> before,
                              String afterName, List<String> after) throws Exception {
        if (Boolean.getBoolean("mcgt.golden.write")) {
            Files.createDirectories(dir);
            Path file = snapshotFile(current, backend);
            if (!Files.exists(file)) OperatorSnapshotUtil.writeStateHandle(snapshot, file.toString());
            if (!Files.exists(dir.resolve(beforeName))) Files.write(dir.resolve(beforeName), before);
            if (!Files.exists(dir.resolve(afterName))) Files.write(dir.resolve(afterName), after);
        }
        org.assertj.core.api.Assertions.assertThat(before).isEqualTo(expected(beforeName));
        org.assertj.core.api.Assertions.assertThat(after).isEqualTo(expected(afterName));
    }
}
