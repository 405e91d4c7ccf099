package dev.mcgt.flink.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcgt.flink.functions.ScoringHarness.Backend;
import dev.mcgt.flink.state.StreamStateSerializer;
import dev.mcgt.flink.telemetry.EnergySample;
import dev.mcgt.flink.telemetry.ModelUpgrade;
import dev.mcgt.flink.telemetry.OutputTags;
import dev.mcgt.flink.telemetry.TierTransition;
import dev.mcgt.scoring.ChunkResult;
import dev.mcgt.scoring.DocumentScorer;
import dev.mcgt.stream.StreamState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Snapshot → restore (a savepoint restore) on the heap and RocksDB backends. */
class GatedRestoreTest {
    private static final int DOCS = 3;
    private static final int CHUNKS = 8;
    private static final int HALF = 4 * DOCS;

    private static List<DocumentChunk> input() {
        return Docs.interleave(Docs.documents(DOCS, CHUNKS, 20, false));
    }

    /** Everything one uninterrupted run emits, and its final states. */
    private record Run(List<ChunkScore> scores, List<TierTransition> transitions, List<EnergySample> energy,
                       Map<String, byte[]> states) { }

    private static Run uninterrupted(Backend backend) throws Exception {
        try (ScoringHarness h = ScoringHarness.open(new GatedScoringFunction(Docs.settings()), backend)) {
            h.processAll(input());
            return new Run(h.scores(), h.side(OutputTags.TIER_TRANSITIONS), h.side(OutputTags.ENERGY), states(h));
        }
    }

    private static Map<String, byte[]> states(ScoringHarness h) throws Exception {
        Map<String, byte[]> m = new HashMap<>();
        for (int i = 0; i < DOCS; i++) m.put("doc-" + i, h.stateBytes("doc-" + i));
        return m;
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void aRestoredJobContinuesExactlyAsAnUninterruptedOne(Backend backend) throws Exception {
        Run reference = uninterrupted(backend);
        List<DocumentChunk> in = input();
        OperatorSubtaskState snapshot;
        Map<String, byte[]> atSnapshot;
        List<ChunkScore> scores = new ArrayList<>();
        List<TierTransition> transitions = new ArrayList<>();
        List<EnergySample> energy = new ArrayList<>();
        try (ScoringHarness first = ScoringHarness.open(new GatedScoringFunction(Docs.settings()), backend)) {
            first.processAll(in.subList(0, HALF));
            snapshot = first.snapshot(1);
            atSnapshot = states(first);
            scores.addAll(first.scores());
            transitions.addAll(first.side(OutputTags.TIER_TRANSITIONS));
            energy.addAll(first.side(OutputTags.ENERGY));
        }
        try (ScoringHarness second = ScoringHarness.restore(new GatedScoringFunction(Docs.settings()), backend, snapshot)) {
            Map<String, byte[]> restored = states(second);
            for (String k : atSnapshot.keySet()) {
                assertThat(restored.get(k)).as("state of %s after restore", k).isNotNull().isEqualTo(atSnapshot.get(k));
            }
            second.processAll(in.subList(HALF, in.size()));
            scores.addAll(second.scores());
            transitions.addAll(second.side(OutputTags.TIER_TRANSITIONS));
            energy.addAll(second.side(OutputTags.ENERGY));
            assertThat(second.side(OutputTags.MODEL_UPGRADE)).isEmpty();
            Map<String, byte[]> end = states(second);
            for (String k : end.keySet()) assertThat(end.get(k)).as("final state of %s", k).isEqualTo(reference.states().get(k));
        }
        assertThat(scores).containsExactlyElementsOf(reference.scores());
        assertThat(transitions).containsExactlyElementsOf(reference.transitions());
        assertThat(energy).containsExactlyElementsOf(reference.energy());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    void aRestoreUnderAnotherModelDropsTheKvCacheKeepsTheHistoriesAndSaysSoOncePerKey(Backend backend) throws Exception {
        List<DocumentChunk> in = input();
        OperatorSubtaskState snapshot;
        Map<String, StreamState> before = new HashMap<>();
        try (ScoringHarness first = ScoringHarness.open(new GatedScoringFunction(Docs.settings()), backend)) {
            first.processAll(in.subList(0, HALF));
            snapshot = first.snapshot(1);
            for (int i = 0; i < DOCS; i++) before.put("doc-" + i, first.state("doc-" + i).copy());
        }
        for (StreamState s : before.values()) {
            assertThat(s.modelFingerprint()).isEqualTo("synthetic:micro:42");
            assertThat(s.inferState().kvCache().totalLength()).as("the old model filled the KV cache").isPositive();
        }
        ScoringSettings upgraded = Docs.settings().withModel(Docs.MICRO_43);
        DocumentScorer direct = Docs.directScorer(upgraded);
        try (ScoringHarness second = ScoringHarness.restore(new GatedScoringFunction(upgraded), backend, snapshot)) {
            List<DocumentChunk> rest = in.subList(HALF, in.size());
            second.processAll(rest.subList(0, DOCS));            // the next chunk of every document
            List<ModelUpgrade> upgrades = second.side(OutputTags.MODEL_UPGRADE);
            assertThat(upgrades).hasSize(DOCS);
            for (int i = 0; i < DOCS; i++) {
                StreamState old = before.get("doc-" + i);
                assertThat(upgrades.get(i)).isEqualTo(new ModelUpgrade("doc-" + i, "synthetic:micro:42",
                        "synthetic:micro:43", 4, old.chunkCount(), old.lambdaPrev()));
                assertThat(upgrades.get(i).lambdaPrev()).as("the restored λ history reaches the gate").isPositive();
            }
            for (int i = 0; i < DOCS; i++) {
                String key = "doc-" + i;
                ChunkScore score = second.scores().get(i);
                StreamState old = before.get(key);
                StreamState now = second.state(key);
                assertThat(score.modelUpgraded()).isTrue();
                assertThat(score.ordinal()).as("the counters are kept").isEqualTo(4);
                assertThat(score.lambdaPrev()).as("λ history kept").isEqualTo(old.lambdaPrev());
                assertThat(now.modelFingerprint()).isEqualTo("synthetic:micro:43");
                assertThat(now.lambdaHistory().count()).isEqualTo(old.lambdaHistory().count() + 1);
                for (int j = 0; j < old.lambdaHistory().size(); j++) {
                    assertThat(now.lambdaHistory().get(j + now.lambdaHistory().size() - 1 - old.lambdaHistory().size()))
                            .isEqualTo(old.lambdaHistory().get(j));
                }
                assertThat(now.spikeHistory().observed()).isEqualTo(old.spikeHistory().observed() + 1);
                assertThat(now.inferState().kvCache().length(0)).as("old KV dropped: only this chunk's positions")
                        .isLessThanOrEqualTo(score.tokens());
                // exactly what the core does on its own: adopt the model, then score
                StreamState expected = old.copy();
                ChunkResult r = direct.scoreChunk(expected, rest.get(i).tokenIds());
                assertThat(score).isEqualTo(ChunkScore.of(key, rest.get(i), r));
                assertThat(now.toBytes()).isEqualTo(expected.toBytes());
            }
            second.processAll(rest.subList(DOCS, rest.size()));
            assertThat(second.side(OutputTags.MODEL_UPGRADE)).as("once per key").hasSize(DOCS);
            assertThat(second.scores().subList(DOCS, second.scores().size()))
                    .noneMatch(ChunkScore::modelUpgraded);
            assertThat(second.function().metrics().modelUpgrades()).isEqualTo(DOCS);
        }
    }

    static Stream<Arguments> backendsFormatsAndTtl() {
        return Stream.of(Arguments.of(Backend.HEAP, StreamStateSerializer.FORMAT_V1, true),
                Arguments.of(Backend.HEAP, StreamStateSerializer.FORMAT_V2, false),
                Arguments.of(Backend.ROCKSDB, StreamStateSerializer.FORMAT_V1, false),
                Arguments.of(Backend.ROCKSDB, StreamStateSerializer.FORMAT_V2, true));
    }

    static Stream<Arguments> backendsWithAndWithoutTtl() {
        return Stream.of(Arguments.of(Backend.HEAP, true), Arguments.of(Backend.HEAP, false),
                Arguments.of(Backend.ROCKSDB, true), Arguments.of(Backend.ROCKSDB, false));
    }

    @ParameterizedTest(name = "{0}, from format {1}, ttl {2}")
    @MethodSource("backendsFormatsAndTtl")
    void stateWrittenInAnOlderFormatIsMigratedOnRestore(Backend backend, int format, boolean ttl) throws Exception {
        Run reference = uninterrupted(backend);
        List<DocumentChunk> in = input();
        ScoringSettings settings = ttl ? Docs.settings() : Docs.settings().withStateTtl(Duration.ZERO);
        GatedScoringFunction old = new GatedScoringFunction(settings).withStateFormat(format);
        OperatorSubtaskState v1Snapshot;
        List<ChunkScore> scores = new ArrayList<>();
        try (ScoringHarness first = ScoringHarness.open(old, backend)) {
            first.processAll(in.subList(0, HALF));
            v1Snapshot = first.snapshot(1);
            scores.addAll(first.scores());
        }
        OperatorSubtaskState v2Snapshot;
        try (ScoringHarness second = ScoringHarness.restore(new GatedScoringFunction(settings), backend, v1Snapshot)) {
            second.processAll(in.subList(HALF, in.size()));
            scores.addAll(second.scores());
            for (int i = 0; i < DOCS; i++) {
                assertThat(second.stateBytes("doc-" + i)).isEqualTo(reference.states().get("doc-" + i));
            }
            v2Snapshot = second.snapshot(2);
        }
        assertThat(scores).containsExactlyElementsOf(reference.scores());

        // the new snapshot is the current format: the old build's serializer refuses it, the current one reads it
        assertThatThrownBy(() -> ScoringHarness.restore(old, backend, v2Snapshot).close())
                .hasStackTraceContaining("must not be incompatible");
        try (ScoringHarness third = ScoringHarness.restore(new GatedScoringFunction(settings), backend, v2Snapshot)) {
            for (int i = 0; i < DOCS; i++) {
                assertThat(third.stateBytes("doc-" + i)).isEqualTo(reference.states().get("doc-" + i));
            }
        }
    }
}
