package dev.mcgt.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.mcgt.McgtException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrototypesTest {
    @TempDir Path dir;

    private static Prototypes twoLabels() {
        return Prototypes.fit("fp", List.of("spam", "ham", "spam", "ham"),
                List.of(new float[] {1, 0, 0}, new float[] {0, 1, 0}, new float[] {1, 1, 0}, new float[] {0, 3, 0}));
    }

    @Test
    void centroidsAreNormalisedMeansPerSortedLabel() {
        Prototypes p = twoLabels();
        assertThat(p.labels()).containsExactly("ham", "spam");
        assertThat(p.dimension()).isEqualTo(3);
        assertThat(p.modelFingerprint()).isEqualTo("fp");
        assertThat(p.centroid("ham")).containsExactly(0f, 1f, 0f);
        float s = (float) (1 / Math.sqrt(1.25)); // mean (1, 0.5, 0)
        assertThat(p.centroid("spam")[0]).isCloseTo(s, within(1e-6f));
        assertThat(p.centroid("spam")[1]).isCloseTo(s / 2, within(1e-6f));
        assertThat(p.count("ham")).isEqualTo(2);
    }

    @Test
    void predictsTheNearestCentroidByCosine() {
        Prototypes p = twoLabels();
        Prediction a = p.predict(new float[] {5, 0, 0});
        assertThat(a.label()).isEqualTo("spam");
        assertThat(a.score()).isCloseTo(1 / Math.sqrt(1.25), within(1e-6));
        assertThat(a.similarities().keySet()).containsExactly("ham", "spam");
        assertThat(a.similarities().get("ham")).isCloseTo(0.0, within(1e-9));
        assertThat(a.margin("spam")).isCloseTo(a.score(), within(1e-9));
        assertThat(a.margin("ham")).isCloseTo(-a.score(), within(1e-9));
        assertThat(p.predict(new float[] {0, 2, 0}).label()).isEqualTo("ham");
    }

    @Test
    void tiesGoToTheFirstLabel() {
        Prototypes p = Prototypes.fit("fp", List.of("b", "a"), List.of(new float[] {0, 1}, new float[] {1, 0}));
        Prediction pr = p.predict(new float[] {1, 1});
        assertThat(pr.label()).isEqualTo("a");
        assertThat(p.predict(new float[] {0, 0}).label()).isEqualTo("a"); // zero vector: all cosines 0
    }

    @Test
    void jsonRoundTripsThroughAFile() throws Exception {
        Prototypes p = twoLabels();
        Path f = dir.resolve("p.json");
        p.write(f);
        Prototypes q = Prototypes.read(f);
        assertThat(q.labels()).isEqualTo(p.labels());
        assertThat(q.modelFingerprint()).isEqualTo("fp");
        assertThat(q.centroid("spam")).containsExactly(p.centroid("spam"));
        assertThat(q.toJson()).isEqualTo(p.toJson());
    }

    @Test
    void badJsonIsOneClearMessage() throws Exception {
        String good = twoLabels().toJson();
        assertThatThrownBy(() -> Prototypes.fromJson("{")).isInstanceOf(McgtException.class)
                .hasMessageContaining("prototypes: not valid JSON");
        assertThatThrownBy(() -> Prototypes.fromJson(good.replace("\"dimension\" : 3", "\"dimension\" : 4")))
                .hasMessageContaining("centroid of label 'ham' has dimension 3, expected 4");
        assertThatThrownBy(() -> Prototypes.fromJson(good.replace("mcgt-prototypes", "other")))
                .hasMessageContaining("\"format\" must be");
        assertThatThrownBy(() -> Prototypes.fromJson(good.replace("\"version\" : 1", "\"version\" : 2")))
                .hasMessageContaining("unsupported version 2");
        assertThatThrownBy(() -> Prototypes.fromJson(good.replace("\"ham\", \"spam\"", "\"spam\", \"ham\"")))
                .hasMessageContaining("sorted and distinct");
        assertThatThrownBy(() -> Prototypes.fromJson(good.replace("\"modelFingerprint\"", "\"model\"")))
                .hasMessageContaining("unknown field 'model'");
        Path missing = dir.resolve("none.json");
        assertThatThrownBy(() -> Prototypes.read(missing)).hasMessageContaining("no such file");
        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, "[]");
        assertThatThrownBy(() -> Prototypes.read(broken)).hasMessageContaining("broken.json").hasMessageContaining("object");
        assertThatThrownBy(() -> twoLabels().predict(new float[2])).hasMessageContaining("dimension 2");
    }

    @Test
    void badFitInput() {
        assertThatThrownBy(() -> Prototypes.fit("fp", List.of("a"), List.of())).isInstanceOf(McgtException.class);
        assertThatThrownBy(() -> Prototypes.fit("fp", List.of("a", "b"), List.of(new float[] {1}, new float[] {1, 2})))
                .hasMessageContaining("dimension 2, expected 1");
        assertThatThrownBy(() -> Prototypes.fit("fp", List.of("a", "a"), List.of(new float[] {1}, new float[] {-1})))
                .hasMessageContaining("average to zero");
    }
}
