package dev.mcgt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InferCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;

    private static JsonNode infer(String... args) throws Exception {
        String[] all = new String[args.length + 1];
        all[0] = "infer";
        System.arraycopy(args, 0, all, 1, args.length);
        Cli r = Cli.run(all);
        assertThat(r.err()).isEmpty();
        assertThat(r.code()).isZero();
        return JSON.readTree(r.out());
    }

    @Test
    void printsWitnessStatsAndTheFirstLogits() throws Exception {
        JsonNode j = infer("--preset", "micro", "--tokens", "1,2,3,4");
        assertThat(j.fieldNames()).toIterable().contains("model", "kernel", "witness", "stats", "logits");
        JsonNode w = j.get("witness");
        assertThat(w.get("decision").asText()).isEqualTo("ALLOW");
        assertThat(w.get("tier").asInt()).isZero();
        assertThat(w.get("layersRun").asInt()).isEqualTo(2);
        assertThat(w.get("kvAction").asText()).isEqualTo("WRITE");
        JsonNode s = j.get("stats");
        assertThat(s.get("macs").asLong()).isPositive();
        assertThat(s.get("estimatedEnergyPj").asDouble()).isPositive();
        assertThat(s.get("skipped").asBoolean()).isFalse();
        assertThat(j.get("logits")).hasSize(8);
        for (JsonNode v : j.get("logits")) assertThat(Double.isFinite(v.asDouble())).isTrue();
        assertThat(j.get("model").asText()).isEqualTo("micro (seed 7)");
    }

    @Test
    void gateOptionsDecideTheTierAndTheSameInputGivesTheSameOutput() throws Exception {
        JsonNode full = infer("--preset", "micro", "--tokens", "5,6,7", "--logits", "4");
        JsonNode again = infer("--preset", "micro", "--tokens", "5,6,7", "--logits", "4");
        assertThat(again).isEqualTo(full);

        JsonNode flush = infer("--preset", "micro", "--tokens", "5,6,7", "--lambda", "40", "--lambda-prev", "100");
        assertThat(flush.get("witness").get("decision").asText()).isEqualTo("FLUSH_KV");
        assertThat(flush.get("witness").get("reason").asText()).isEqualTo("LAMBDA_DROPPED_FAST");
        assertThat(flush.get("stats").get("tier").asInt()).isEqualTo(1);
        assertThat(flush.get("stats").get("layersExecuted").asInt()).isEqualTo(1);
        assertThat(flush.get("stats").get("macs").asLong()).isLessThan(full.get("stats").get("macs").asLong());

        JsonNode skip = infer("--preset", "micro", "--tokens", "5,6,7", "--spike-fired", "0", "--signature", "0xabc");
        assertThat(skip.get("witness").get("reason").asText()).isEqualTo("SPIKE_INACTIVE");
        assertThat(skip.get("stats").get("skipped").asBoolean()).isTrue();
        assertThat(skip.get("stats").get("cacheHit").asBoolean()).isFalse();

        JsonNode other = infer("--preset", "micro", "--seed", "8", "--tokens", "5,6,7", "--logits", "4");
        assertThat(other.get("logits")).isNotEqualTo(full.get("logits"));
    }

    @Test
    void aModelFileGivesTheSameResultAsItsPreset() throws Exception {
        Path file = dir.resolve("m.mcgt");
        assertThat(Cli.run("model", "synth", "--preset", "micro", "--seed", "3", "--out", file.toString()).code()).isZero();
        JsonNode fromFile = infer("--model", file.toString(), "--tokens", "9,8,7", "--spike-top", "0:16384,2:8192",
                "--spike-sparse-mask");
        JsonNode fromPreset = infer("--preset", "micro", "--seed", "3", "--tokens", "9,8,7", "--spike-top", "0:16384,2:8192",
                "--spike-sparse-mask");
        assertThat(fromFile.get("logits")).isEqualTo(fromPreset.get("logits"));
        assertThat(fromFile.get("stats")).isEqualTo(fromPreset.get("stats"));
        assertThat(fromFile.get("model").asText()).startsWith(file.toString());
    }

    @Test
    void badInputsAreUsageErrors() {
        GateCommandTest.assertUsageError(Cli.run("infer", "--preset", "micro", "--tokens", "1,2,999"), "999");
        GateCommandTest.assertUsageError(Cli.run("infer", "--preset", "micro"), "--tokens");
        GateCommandTest.assertUsageError(Cli.run("infer", "--tokens", "1"), "exactly one of --preset and --model");
        GateCommandTest.assertUsageError(Cli.run("infer", "--preset", "micro", "--model", "m.mcgt", "--tokens", "1"),
                "exactly one of --preset and --model");
        GateCommandTest.assertUsageError(Cli.run("infer", "--preset", "micro", "--tokens", "1", "--signature", "zz"),
                "--signature");
        GateCommandTest.assertUsageError(Cli.run("infer", "--preset", "micro", "--tokens", "1", "--spike-top", "3"),
                "--spike-top expects POS:WEIGHT pairs");
        GateCommandTest.assertUsageError(Cli.run("infer", "--preset", "micro", "--tokens", "1", "--policy", "lax"),
                "unknown policy 'lax'");
    }
}
