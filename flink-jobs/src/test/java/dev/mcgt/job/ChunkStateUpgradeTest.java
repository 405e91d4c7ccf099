package dev.mcgt.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcgt.flink.functions.DocumentChunk;
import dev.mcgt.flink.functions.ModelSource;
import dev.mcgt.job.AggregateHarness.Backend;
import dev.mcgt.testing.TinyEncoder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden snapshots of the chunking stage's keyed state (its memory of document ids), like
 * {@link AggregateStateUpgradeTest}: a snapshot written by an older build ({@code golden/chunk/v0-*}: the reflective
 * {@code OpenDocument} state before its explicit serializer) is restored by this build and the documents it knew
 * carry on exactly: a closed id is still a duplicate, an open one continues its chunk numbering.
 *
 * <p>Workload: before the snapshot, {@code a} is read whole, {@code b} has a first part ({@code "more": true}).
 * After the restore: {@code a} again (a duplicate), the last part of {@code b}, and a new {@code c}.
 * {@code -Dmcgt.golden.write=true} writes the current format's snapshots (and missing expected outputs).
 */
class ChunkStateUpgradeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The state format of this build's ChunkDocuments (0 = the reflective record before format 1). */
    static final int CURRENT = 1;
    private static final GoldenState GOLDEN = new GoldenState(Path.of("src/test/resources/golden/chunk"), CURRENT);

    static final ModelSource model = ModelSource.file(TinyEncoder.file().toString());

    /** A one-input harness over a {@link ChunkDocuments}, heap or RocksDB, generic types off. */
    static KeyedOneInputStreamOperatorTestHarness<String, SourceDocument, DocumentChunk> harness(ChunkDocuments fn,
            Backend backend, OperatorSubtaskState restore) throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(fn), SourceDocument::id, Types.STRING);
        GoldenState.configure(h, backend);
        h.setup(TypeInformation.of(DocumentChunk.class).createSerializer(h.getExecutionConfig().getSerializerConfig()));
        if (restore != null) h.initializeState(restore);
        h.open();
        return h;
    }

    static ChunkDocuments function() {
        return new ChunkDocuments(model, 40, 0, "");
    }

    static void send(KeyedOneInputStreamOperatorTestHarness<String, SourceDocument, DocumentChunk> h, String id,
                     String text, boolean more) throws Exception {
        h.processElement(new StreamRecord<>(new SourceDocument(id, text, "spam", "in.jsonl:" + id, 1, more), 0L));
    }

    static void beforeSnapshot(KeyedOneInputStreamOperatorTestHarness<String, SourceDocument, DocumentChunk> h)
            throws Exception {
        send(h, "a", "the quick brown fox jumps over the lazy dog", false);
        send(h, "b", "hello world this is the first part of a long letter", true);
    }

    static void afterSnapshot(KeyedOneInputStreamOperatorTestHarness<String, SourceDocument, DocumentChunk> h)
            throws Exception {
        send(h, "a", "the same id again", false);
        send(h, "b", "and this is the end of it", false);
        send(h, "c", "a new document", false);
    }

    /** Every output of the harness so far, one JSON line each: chunks, document infos, rejects. */
    static List<String> lines(KeyedOneInputStreamOperatorTestHarness<String, SourceDocument, DocumentChunk> h)
            throws Exception {
        List<String> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r && r.getValue() instanceof DocumentChunk c) {
                out.add("chunk " + c.docId() + " " + c.chunkIndex() + " " + Arrays.toString(c.tokenIds()) + " "
                        + c.endOfDocument());
            }
        }
        var infos = h.getSideOutput(JobTags.DOCUMENT_INFO);
        if (infos != null) for (StreamRecord<DocumentInfo> r : infos) out.add("info " + JSON.writeValueAsString(r.getValue()));
        var rejects = h.getSideOutput(JobTags.REJECTS);
        if (rejects != null) for (StreamRecord<InputReject> r : rejects) out.add("reject " + JSON.writeValueAsString(r.getValue()));
        return out;
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void thisBuildWritesTheGoldenOutputs(Backend backend) throws Exception {
        OperatorSubtaskState snapshot;
        List<String> before;
        try (var h = harness(function(), backend, null)) {
            beforeSnapshot(h);
            before = lines(h);
            snapshot = h.snapshot(1L, 1L);
        }
        List<String> after;
        try (var h = harness(function(), backend, snapshot)) {
            afterSnapshot(h);
            after = lines(h);
        }
        GOLDEN.writeIfAskedAndCheck(backend, snapshot, "before.txt", before, "after.txt", after);
    }

    static Stream<Arguments> goldenSnapshots() {
        return GOLDEN.formatsAndBackends();
    }

    @ParameterizedTest
    @MethodSource("goldenSnapshots")
    void aGoldenSnapshotCarriesOnExactly(int format, Backend backend) throws Exception {
        OperatorSubtaskState old = GOLDEN.read(format, backend);
        try (var h = harness(function(), backend, old)) {
            afterSnapshot(h);
            assertThat(lines(h)).isEqualTo(GOLDEN.expected("after.txt"));
        }
    }

    @ParameterizedTest
    @MethodSource("goldenSnapshots")
    void aRestoredIdIsForgottenAfterItsMemory(int format, Backend backend) throws Exception {
        OperatorSubtaskState old = GOLDEN.read(format, backend);
        try (var h = harness(new ChunkDocuments(model, 40, 0, "", Duration.ofMinutes(1)), backend, old)) {
            h.setProcessingTime(1_000);
            send(h, "a", "the same id again", false);   // still a duplicate, and news: a is forgotten at 61 s
            assertThat(lines(h)).anyMatch(l -> l.startsWith("reject") && l.contains("duplicate id"));
            h.setProcessingTime(60_999);
            int timers = h.numProcessingTimeTimers();   // a's, and b's from a format-1 snapshot (24 h after it)
            assertThat(timers).isEqualTo(format == 0 ? 1 : 2);
            h.setProcessingTime(61_000);
            assertThat(h.numProcessingTimeTimers()).isEqualTo(timers - 1);
            send(h, "a", "the quick brown fox", false);   // forgotten: a new document
            assertThat(lines(h)).anyMatch(l -> l.startsWith("chunk a 0"));
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void idsAreForgottenAfterTheirMemoryAndNothingStays(Backend backend) throws Exception {
        try (var h = harness(new ChunkDocuments(model, 40, 0, "", Duration.ofSeconds(60)), backend, null)) {
            h.setProcessingTime(0);
            send(h, "a", "the quick brown fox", false);
            send(h, "b", "a first part", true);
            h.setProcessingTime(30_000);
            send(h, "b", "a second part", true);   // news for b: remembered until 90 s
            h.setProcessingTime(59_999);
            assertThat(h.numProcessingTimeTimers()).isEqualTo(2);
            h.setProcessingTime(60_000);
            assertThat(h.numProcessingTimeTimers()).isEqualTo(1);
            send(h, "a", "the quick brown fox, later", false);   // forgotten at 60 s: a new document, no reject
            assertThat(h.getSideOutput(JobTags.REJECTS)).isNull();
            h.setProcessingTime(89_999);
            send(h, "b", "the end", false);   // still remembered: continues with chunk 2
            assertThat(lines(h)).contains("chunk a 0 [2, 1, 1, 1, 1, 3] true").anyMatch(l -> l.startsWith("chunk b 2 "))
                    .anyMatch(l -> l.startsWith("info {\"id\":\"b\"") && l.contains("\"chunks\":3"));
            h.setProcessingTime(200_000);
            if (backend == Backend.HEAP) assertThat(h.numKeyedStateEntries()).as("state left").isZero();
            assertThat(h.numProcessingTimeTimers()).as("timers left").isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void withoutAMemoryLimitIdsAreKeptForTheJobsLifetime(Backend backend) throws Exception {
        try (var h = harness(new ChunkDocuments(model, 40, 0, "", Duration.ZERO), backend, null)) {
            send(h, "a", "the quick brown fox", false);
            h.setProcessingTime(Long.MAX_VALUE / 2);
            send(h, "a", "again", false);
            assertThat(h.getSideOutput(JobTags.REJECTS)).hasSize(1);
            assertThat(h.numProcessingTimeTimers()).isZero();
        }
    }
}
