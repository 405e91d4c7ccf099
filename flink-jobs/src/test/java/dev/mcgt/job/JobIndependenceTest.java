package dev.mcgt.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcgt.McgtException;
import dev.mcgt.flink.functions.ModelSource;
import dev.mcgt.flink.functions.ScoringSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The job package stands on its own: no import of the command line ({@code dev.mcgt.cli}) or of picocli. */
class JobIndependenceTest {
    @Test
    void noJobSourceImportsTheCommandLine() throws Exception {
        Path dir = Path.of("src/main/java/dev/mcgt/job");
        List<Path> sources;
        try (Stream<Path> s = Files.list(dir)) {
            sources = s.filter(p -> p.toString().endsWith(".java")).toList();
        }
        assertThat(sources).hasSizeGreaterThan(10);
        for (Path p : sources) {
            String text = Files.readString(p);
            assertThat(text).as(p.toString()).doesNotContain("import dev.mcgt.cli.").doesNotContain("import picocli");
        }
    }

    @Test
    void settingsErrorsAreNotWordedAsFlags() {
        ScoringSettings scoring = ScoringSettings.of(ModelSource.synthetic("micro", 1));
        List<Runnable> bad = List.of(
                () -> settings(scoring, -1, 0, Duration.ofSeconds(1), null, false),
                () -> settings(scoring, 0, -1, Duration.ofSeconds(1), null, false),
                () -> settings(scoring, 0, 0, Duration.ofMillis(1), null, false),
                () -> settings(scoring, 0, 0, Duration.ofSeconds(1), Duration.ofSeconds(1), false),
                () -> settings(scoring, 0, 0, Duration.ofSeconds(1), Duration.ofMillis(1), true),
                () -> settings(scoring, 0, 0, Duration.ofSeconds(1), null, false)
                        .withDocumentTimeouts(Duration.ofSeconds(-1), Duration.ZERO),
                () -> settings(scoring, 0, 0, Duration.ofSeconds(1), null, false).withDocumentTimeouts(null, Duration.ZERO),
                () -> settings(scoring, 0, 0, Duration.ofSeconds(1), null, false)
                        .withDocumentTimeouts(Duration.ZERO, Duration.ofNanos(5)),
                () -> new RunSettings("x", 0, null, null),
                () -> new RunSettings("x", null, -1, null),
                () -> new RunSettings(" ", null, null, null));
        for (Runnable r : bad) {
            assertThatThrownBy(r::run).isInstanceOf(McgtException.class)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("--"));
        }
    }

    @Test
    void documentTimeoutsDefaultToTheStateTtlAndReachTheirStages() {
        ScoringSettings scoring = ScoringSettings.of(ModelSource.synthetic("micro", 1));
        JobSettings s = settings(scoring, 0, 0, Duration.ofSeconds(1), null, false);
        assertThat(s.incompleteTimeout()).isEqualTo(ScoringSettings.DEFAULT_STATE_TTL).isEqualTo(Duration.ofHours(24));
        assertThat(s.idMemory()).isEqualTo(ScoringSettings.DEFAULT_STATE_TTL);
        JobSettings t = s.withDocumentTimeouts(Duration.ZERO, Duration.ofMinutes(5));
        assertThat(t.incompleteTimeout()).isZero();
        assertThat(t.idMemory()).isEqualTo(Duration.ofMinutes(5));
        assertThat(t.withScoring(scoring.withGate(false)).idMemory()).isEqualTo(Duration.ofMinutes(5));
        assertThatThrownBy(() -> s.withDocumentTimeouts(Duration.ofMillis(-5), Duration.ZERO))
                .hasMessageEndingWith("incomplete-document timeout must be zero (off) or positive, got PT-0.005S");
    }

    private static JobSettings settings(ScoringSettings scoring, int maxTokens, int overlap, Duration checkpoints,
                                        Duration watch, boolean streaming) {
        return new JobSettings("in", "out", streaming, scoring, InputFields.defaults(), maxTokens, overlap, 1 << 20,
                null, false, checkpoints, watch);
    }
}
