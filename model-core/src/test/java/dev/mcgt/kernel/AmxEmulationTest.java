package dev.mcgt.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The AMX rung of the native kernel on machines without AMX: {@code src/test/native/run-amx-emulation.sh} builds its
 * C code with the tile instructions emulated in software and checks packing, padding, loops and epilogue against
 * plain C on random shapes (exact integers, bit-identical floats). Skipped where that cannot be built (no C compiler,
 * not x86-64, no AVX-512F for the epilogue). On AMX machines the real rung also runs in KernelEquivalenceTest.
 */
class AmxEmulationTest {

    @Test
    void amxRungMatchesPlainCWithEmulatedTiles() throws IOException, InterruptedException {
        Path script = Path.of("src", "test", "native", "run-amx-emulation.sh");
        assumeTrue(Files.isRegularFile(script), "skipped: " + script + " not found (run from model-core)");
        Process p = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true).start();
        boolean done = p.waitFor(600, TimeUnit.SECONDS);
        if (!done) p.destroyForcibly();
        assertThat(done).as("emulation test finished in time").isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assumeTrue(p.exitValue() != 77, () -> "skipped: AMX emulation cannot be built here: " + out);
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).startsWith("OK ");
    }
}
