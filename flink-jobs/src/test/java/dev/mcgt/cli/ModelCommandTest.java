package dev.mcgt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcgt.config.TransformerConfig;
import dev.mcgt.model.ModelFile;
import dev.mcgt.model.SyntheticWeights;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;

    @Test
    void synthThenInfoDescribeTheSameFile() throws Exception {
        Path file = dir.resolve("m.mcgt");
        Cli synth = Cli.run("model", "synth", "--preset", "micro", "--seed", "7", "--out", file.toString());
        assertThat(synth.err()).isEmpty();
        assertThat(synth.code()).isZero();
        Cli info = Cli.run("model", "info", file.toString());
        assertThat(info.code()).isZero();
        assertThat(info.out()).isEqualTo(synth.out());

        JsonNode j = JSON.readTree(info.out());
        assertThat(j.get("formatVersion").asInt()).isEqualTo(1);
        assertThat(j.get("totalBytes").asLong()).isEqualTo(Files.size(file));
        assertThat(j.get("fingerprint").asText()).matches("[0-9a-f]{64}")
                .isEqualTo(ModelFile.info(file).fingerprint());
        assertThat(j.get("config").get("hidden").asInt()).isEqualTo(128);
        assertThat(j.get("config").get("normPlacement").asText()).isEqualTo("PRE");
        JsonNode tensors = j.get("tensors");
        assertThat(tensors).hasSize(2 + 2 * 10 + 2 + 1);
        assertThat(tensors.get(0).get("name").asText()).isEqualTo("embeddings.token");
        assertThat(tensors.get(0).get("shape").toString()).isEqualTo("[256,128]");
        assertThat(tensors.get(0).get("bytes").asLong()).isEqualTo(256 * 128 + 256 * 4);
        assertThat(tensors.get(tensors.size() - 1).get("name").asText()).isEqualTo("output_head");

        // the file holds exactly the preset's weights: same seed, same bytes
        byte[] expected = ModelFile.encode(SyntheticWeights.generate(TransformerConfig.micro(), 7));
        assertThat(Files.readAllBytes(file)).isEqualTo(expected);
    }

    @Test
    void damagedFilesFailWithOneLine() throws Exception {
        Path file = dir.resolve("m.mcgt");
        assertThat(Cli.run("model", "synth", "--preset", "micro", "--out", file.toString()).code()).isZero();
        byte[] good = Files.readAllBytes(file);

        Path cut = dir.resolve("cut.mcgt");
        Files.write(cut, Arrays.copyOf(good, 1000));
        assertFailure(Cli.run("model", "info", cut.toString()), "file is truncated: 1000 of " + good.length + " bytes");

        Path flipped = dir.resolve("flipped.mcgt");
        byte[] bad = good.clone();
        bad[5000] ^= 1;
        Files.write(flipped, bad);
        assertFailure(Cli.run("model", "info", flipped.toString()), "checksum mismatch");

        assertFailure(Cli.run("model", "info", dir.resolve("absent.mcgt").toString()), "no such file");
        assertFailure(Cli.run("infer", "--model", flipped.toString(), "--tokens", "1"), "checksum mismatch");
    }

    @Test
    void usageErrors() {
        GateCommandTest.assertUsageError(Cli.run("model", "synth", "--preset", "huge", "--out", "x.mcgt"),
                "unknown preset 'huge'");
        GateCommandTest.assertUsageError(Cli.run("model", "synth", "--preset", "micro"), "--out");
        GateCommandTest.assertUsageError(Cli.run("model", "info"), "FILE");
        GateCommandTest.assertUsageError(Cli.run("model"), "missing subcommand");
    }

    private static void assertFailure(Cli r, String fragment) {
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.errLines()).singleElement().asString().startsWith("mcgt: Bad weights: ").contains(fragment);
    }
}
