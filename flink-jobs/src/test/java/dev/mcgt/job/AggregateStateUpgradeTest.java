package dev.mcgt.job;

import static dev.mcgt.job.AggregateHarness.score;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcgt.job.AggregateHarness.Backend;
import java.nio.file.Path;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

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
    /** The state format of this build's AggregateDocuments (0 = the reflective records before format 1). */
    static final int CURRENT = 1;
    private static final GoldenState GOLDEN = new GoldenState(Path.of("src/test/resources/golden/aggregate"), CURRENT);

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
        GOLDEN.writeIfAskedAndCheck(backend, snapshot, "before.jsonl", before, "after.jsonl", after);
    }

    static Stream<Arguments> goldenSnapshots() {
        return GOLDEN.formatsAndBackends();
    }

    @ParameterizedTest
    @MethodSource("goldenSnapshots")
    void aGoldenSnapshotFinishesItsDocumentsExactly(int format, Backend backend) throws Exception {
        OperatorSubtaskState old = GOLDEN.read(format, backend);
        try (AggregateHarness h = AggregateHarness.open(function(), backend, old)) {
            afterSnapshot(h);
            assertThat(lines(h)).isEqualTo(GOLDEN.expected("after.jsonl"));
        }
    }

    @ParameterizedTest
    @MethodSource("goldenSnapshots")
    void aRestoredDocumentStillExpires(int format, Backend backend) throws Exception {
        OperatorSubtaskState old = GOLDEN.read(format, backend);
        try (AggregateHarness h = AggregateHarness.open(new AggregateDocuments(null, true, Duration.ofMinutes(1)),
                backend, old)) {
            h.setProcessingTime(1_000);
            h.chunk(score("a", 1, 1));   // completes a
            h.info(new DocumentInfo("b", "ham", "in.jsonl:2", 32, 0, 2));   // completes b
            // c still misses chunk 1; a repeated info is news (it moves the deadline) but does not complete it
            h.info(new DocumentInfo("c", null, "in.jsonl:3", 32, 5, 2));
            assertThat(h.scores()).hasSize(2);
            h.setProcessingTime(1_000 + 59_999);
            assertThat(h.rejects()).isEmpty();
            h.setProcessingTime(1_000 + 60_000);
            assertThat(h.rejects()).singleElement().satisfies(r -> {
                assertThat(r.id()).isEqualTo("c");
                assertThat(r.reason()).startsWith("document given up after 1m without a record");
            });
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void anIncompleteDocumentIsGivenUpAfterTheTimeoutAndFinishedOnesLeaveNothing(Backend backend) throws Exception {
        try (AggregateHarness h = AggregateHarness.open(new AggregateDocuments(null, false, Duration.ofSeconds(60)),
                backend, null)) {
            h.setProcessingTime(0);
            h.info(new DocumentInfo("c", null, "in.jsonl:3", 32, 0, 2));
            h.chunk(score("c", 0, 0));
            h.chunk(score("x", 0, 0));   // x: parts with "more": true, no info yet
            h.setProcessingTime(30_000);
            h.chunk(score("x", 1, 1));   // news for x: its deadline moves to 90 s
            h.setProcessingTime(60_000);
            assertThat(h.rejects()).extracting(InputReject::id).containsExactly("c");
            assertThat(h.rejects().get(0).reason()).isEqualTo("document given up after 1m without a record: only 1 of 2 "
                    + "chunks were scored (see the chunk rejects)");
            h.setProcessingTime(89_999);
            assertThat(h.rejects()).hasSize(1);
            h.setProcessingTime(90_000);
            assertThat(h.rejects()).extracting(InputReject::id).containsExactly("c", "x");
            assertThat(h.rejects().get(1).reason()).startsWith("document given up after 1m without a record: its last "
                    + "record had \"more\": true").endsWith("(2 chunks scored)");
            // a document id seen again after it was given up starts afresh
            h.info(new DocumentInfo("d", "ham", "in.jsonl:4", 32, 0, 2));
            h.chunk(score("d", 0, 0));
            h.chunk(score("d", 1, 1));
            assertThat(h.scores()).extracting(DocumentScore::id).containsExactly("d");
            if (backend == Backend.HEAP) assertThat(h.harness().numKeyedStateEntries()).as("state left").isZero();
            assertThat(h.harness().numProcessingTimeTimers() + h.harness().numEventTimeTimers()).as("timers left").isZero();
            h.endOfInput();
            assertThat(h.rejects()).hasSize(2);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void withoutATimeoutIncompleteDocumentsWaitForTheEndOfTheInput(Backend backend) throws Exception {
        try (AggregateHarness h = AggregateHarness.open(new AggregateDocuments(null, false, Duration.ZERO), backend, null)) {
            h.info(new DocumentInfo("c", null, "in.jsonl:3", 32, 0, 2));
            h.chunk(score("c", 0, 0));
            h.setProcessingTime(Long.MAX_VALUE / 2);
            assertThat(h.rejects()).isEmpty();
            assertThat(h.harness().numProcessingTimeTimers()).isZero();
            h.endOfInput();
            assertThat(h.rejects()).singleElement().extracting(InputReject::reason)
                    .isEqualTo("only 1 of 2 chunks were scored (see the chunk rejects)");
        }
    }
}
