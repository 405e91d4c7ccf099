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
                () -> new RunSettings("x", 0, null, null),
                () -> new RunSettings("x", null, -1, null),
                () -> new RunSettings(" ", null, null, null));
        for (Runnable r : bad) {
            assertThatThrownBy(r::run).isInstanceOf(McgtException.class)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("--"));
        }
    }

    private static JobSettings settings(ScoringSettings scoring, int maxTokens, int overlap, Duration checkpoints,
                                        Duration watch, boolean streaming) {
        return new JobSettings("in", "out", streaming, scoring, InputFields.defaults(), maxTokens, overlap, 1 << 20,
                null, false, checkpoints, watch);
    }
}
