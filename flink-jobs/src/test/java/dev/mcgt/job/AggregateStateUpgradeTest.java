package dev.mcgt.job;

import static dev.mcgt.job.AggregateHarness.score;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcgt.job.AggregateHarness.Backend;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Golden snapshots of the aggregation's keyed state, in the style of Flink's serializer upgrade tests: a snapshot
 * written by an older build (committed under {@code src/test/resources/golden/aggregate/}) is restored by this
 * build, and the documents it held finish exactly as they would have without the restore.
 *
 * <p>Workload: before the snapshot, document {@code a} has its info and chunks 0 and 2 of 3, {@code b} chunks 0
 * and 1 but no info, {@code c} its info and chunk 0 of 2, {@code d} is complete (scored before the snapshot).
 * After the restore, chunk 1 of {@code a} and the info of {@code b} arrive, then the input ends: {@code a} and
 * {@code b} are scored, {@code c} is a reject.
 *
 * <p>To add the snapshot of a new state format, run this class with {@code -Dmcgt.golden.write=true}: it writes
 * the current format's snapshots (and, if missing, the expected outputs) into the source tree. Snapshots of older
 * formats are never rewritten; they are what older builds wrote.
 */
class AggregateStateUpgradeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path DIR = Path.of("src/test/resources/golden/aggregate");
    /** The state format of this build's AggregateDocuments (0 = the reflective records before format 1). */
    static final int CURRENT = 0;

    static void beforeSnapshot(AggregateHarness h) throws Exception {
        h.info(new DocumentInfo("a", "spam", "in.jsonl:1", 48, 0, 3));
        h.chunk(score("a", 0, 0));
        h.chunk(score("a", 2, 3));
        h.chunk(score("b", 1, 1));
        h.chunk(score("b", 0, 0));
        h.info(new DocumentInfo("c", null, "in.jsonl:3", 32, 5, 2));
        h.chunk(score("c", 0, 0));
        h.chunk(score("d", 1, 1));
        h.info(new DocumentInfo("d", "ham", "in.jsonl:4", 32, 0, 2));
        h.chunk(score("d", 0, 0));
    }

    static void afterSnapshot(AggregateHarness h) throws Exception {
        h.chunk(score("a", 1, 1));
        h.info(new DocumentInfo("b", "ham", "in.jsonl:2", 32, 0, 2));
        h.endOfInput();
    }

    private static List<String> lines(AggregateHarness h) throws Exception {
        List<String> out = new ArrayList<>();
        for (DocumentScore s : h.scores()) out.add(s.toJson());
        for (InputReject r : h.rejects()) out.add(JSON.writeValueAsString(r));
        return out;
    }

    private static List<String> expected(String name) throws Exception {
        return Files.readAllLines(DIR.resolve(name), StandardCharsets.UTF_8);
    }

    private static Path snapshotFile(int format, Backend backend) {
        return DIR.resolve("v" + format + "-" + backend.name().toLowerCase() + ".snapshot");
    }

    private static AggregateDocuments function() {
        return new AggregateDocuments(null, true);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void thisBuildWritesTheGoldenOutputs(Backend backend) throws Exception {
        OperatorSubtaskState snapshot;
        List<String> before;
        try (AggregateHarness h = AggregateHarness.open(function(), backend, null)) {
            beforeSnapshot(h);
            before = lines(h);
            snapshot = h.snapshot();
        }
        List<String> after;
        try (AggregateHarness h = AggregateHarness.open(function(), backend, snapshot)) {
            afterSnapshot(h);
            after = lines(h);
        }
        if (Boolean.getBoolean("mcgt.golden.write")) {
            Files.createDirectories(DIR);
            OperatorSnapshotUtil.writeStateHandle(snapshot, snapshotFile(CURRENT, backend).toString());
            if (!Files.exists(DIR.resolve("before.jsonl"))) Files.write(DIR.resolve("before.jsonl"), before);
            if (!Files.exists(DIR.resolve("after.jsonl"))) Files.write(DIR.resolve("after.jsonl"), after);
        }
        assertThat(before).isEqualTo(expected("before.jsonl"));
        assertThat(after).isEqualTo(expected("after.jsonl"));
    }
}
