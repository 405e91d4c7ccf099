package dev.mcgt.flink.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcgt.McgtException;
import dev.mcgt.config.TransformerConfig;
import dev.mcgt.model.ModelFile;
import dev.mcgt.model.SyntheticWeights;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JVM-wide model cache and the model sources. */
class SharedModelsTest {
    private static final ClassLoader CL = SharedModelsTest.class.getClassLoader();

    @Test
    void aReleasedModelLingersForANewLeaseThenGoes() throws Exception {
        long previous = SharedModels.lingerMillis(300);
        try {
            ModelSource src = ModelSource.synthetic("micro", 41);
            long loads = SharedModels.loads();
            SharedModels.Lease a = SharedModels.acquire(src, CL);
            a.close();
            assertThat(SharedModels.held(src, CL)).as("kept after the last lease").isTrue();
            try (SharedModels.Lease b = SharedModels.acquire(src, CL)) {
                assertThat(b.model().weights()).as("no second load within the linger").isSameAs(a.model().weights());
                Thread.sleep(500);
                assertThat(SharedModels.held(src, CL)).as("a live lease is never expired").isTrue();
            }
            assertThat(SharedModels.loads()).isEqualTo(loads + 1);
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (SharedModels.held(src, CL) && System.nanoTime() < deadline) Thread.sleep(20);
            assertThat(SharedModels.held(src, CL)).as("dropped after the linger").isFalse();
        } finally {
            SharedModels.lingerMillis(previous);
        }
    }

    @Test
    void leasesOfTheSameSourceShareOneSetOfWeightsUntilTheLastCloses() {
        long previous = SharedModels.lingerMillis(0);
        try {
            sharedUntilTheLastCloses();
        } finally {
            SharedModels.lingerMillis(previous);
        }
    }

    private static void sharedUntilTheLastCloses() {
        ModelSource src = ModelSource.synthetic("micro", 5);
        ModelSource other = ModelSource.synthetic("micro", 6);
        SharedModels.Lease a = SharedModels.acquire(src, CL);
        SharedModels.Lease b = SharedModels.acquire(ModelSource.synthetic("micro", 5), CL);
        SharedModels.Lease c = SharedModels.acquire(ModelSource.synthetic("micro", 6), CL);
        assertThat(b.model().weights()).isSameAs(a.model().weights());
        assertThat(c.model().weights()).isNotSameAs(a.model().weights());
        assertThat(a.model().fingerprint()).isEqualTo("synthetic:micro:5");
        assertThat(SharedModels.held(src, CL) && SharedModels.held(other, CL)).isTrue();
        a.close();
        a.close();   // harmless
        assertThat(SharedModels.held(src, CL) && SharedModels.held(other, CL)).isTrue();
        b.close();
        c.close();
        assertThat(SharedModels.held(src, CL) || SharedModels.held(other, CL)).isFalse();
        try (SharedModels.Lease d = SharedModels.acquire(src, CL)) {
            assertThat(d.model().weights()).as("reloaded after the last lease closed").isNotSameAs(a.model().weights());
        }
    }

    @Test
    void aModelFileIsReadThroughFlinksFileSystemsAndAReplacedFileIsReloaded(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("m.mcgt");
        String fpA = ModelFile.write(SyntheticWeights.generate(TransformerConfig.micro(), 1), file);
        ModelSource src = ModelSource.file(file.toUri().toString());
        try (SharedModels.Lease a = SharedModels.acquire(src, CL)) {
            assertThat(a.model().fingerprint()).isEqualTo(fpA).hasSize(64);
            String fpB = ModelFile.write(SyntheticWeights.generate(TransformerConfig.micro(), 2), file);
            Files.setLastModifiedTime(file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 5_000));
            try (SharedModels.Lease b = SharedModels.acquire(src, CL)) {
                assertThat(b.model().fingerprint()).isEqualTo(fpB).isNotEqualTo(fpA);
            }
        }
        try (SharedModels.Lease plain = SharedModels.acquire(ModelSource.file(file.toString()), CL)) {
            assertThat(plain.model().weights().config()).isEqualTo(TransformerConfig.micro());
        }
        assertThatThrownBy(() -> SharedModels.acquire(ModelSource.file(dir.resolve("missing.mcgt").toString()), CL))
                .isInstanceOf(McgtException.class).hasMessageContaining("cannot read model file")
                .hasMessageContaining("missing.mcgt");
        Path broken = dir.resolve("broken.mcgt");
        Files.write(broken, new byte[] {1, 2, 3});
        assertThatThrownBy(() -> SharedModels.acquire(ModelSource.file(broken.toString()), CL))
                .isInstanceOf(McgtException.class).hasMessageContaining("broken.mcgt");
    }

    @Test
    void aModelResourceIsReadFromTheJobsClassLoader(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("models"));
        String fp = ModelFile.write(SyntheticWeights.generate(TransformerConfig.micro(), 3), dir.resolve("models/m.mcgt"));
        try (URLClassLoader jobJar = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)) {
            assertThatThrownBy(() -> SharedModels.acquire(ModelSource.resource("/models/none.mcgt"), jobJar))
                    .isInstanceOf(McgtException.class)
                    .hasMessageContaining("model resource 'models/none.mcgt' is not on the job's class path");
            try (SharedModels.Lease l = SharedModels.acquire(ModelSource.resource("/models/m.mcgt"), jobJar)) {
                assertThat(l.model().weights().config()).isEqualTo(TransformerConfig.micro());
                assertThat(l.model().fingerprint()).isEqualTo(fp);
            }
            assertThatThrownBy(() -> SharedModels.acquire(ModelSource.resource("models/m.mcgt"), CL))
                    .as("another class loader does not see it").isInstanceOf(McgtException.class);
        }
    }

    @Test
    void sourcesAndSettingsAreValidatedUpFront() {
        assertThatThrownBy(() -> ModelSource.synthetic("huge", 1)).hasMessageContaining("unknown preset 'huge'");
        assertThatThrownBy(() -> ModelSource.file(" ")).hasMessageContaining("location is empty");
        assertThatThrownBy(() -> new ModelSource(ModelSource.Kind.FILE, "a", 3)).hasMessageContaining("seed");
        assertThat(ModelSource.synthetic("micro", 7)).hasToString("synthetic:micro:7");
        assertThatThrownBy(() -> Docs.settings().withStateTtl(Duration.ofSeconds(-1))).hasMessageContaining("TTL");
        assertThatThrownBy(() -> Docs.settings().withLatencyWindow(0)).hasMessageContaining("latency window");
        assertThatThrownBy(() -> new ScoringSettings(Docs.MICRO_42, "{}", true, true, true, Duration.ZERO, 1))
                .isInstanceOf(McgtException.class);
        assertThat(Docs.settings().ttlEnabled()).isTrue();
        assertThat(Docs.settings().withStateTtl(Duration.ZERO).ttlEnabled()).isFalse();
    }
}
