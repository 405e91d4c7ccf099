package dev.mcgt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcgt.config.GatePolicy;
import dev.mcgt.config.PolicyJson;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GateCommandTest {
    @TempDir Path dir;

    private static String decision(String d, String reason, int tier, int layers, int seq, int win, boolean skip) {
        return "{\"decision\":\"" + d + "\",\"reason\":\"" + reason + "\",\"tier\":" + tier + ",\"layersToRun\":"
                + layers + ",\"effectiveSeqLen\":" + seq + ",\"effectiveWindow\":" + win + ",\"skip\":" + skip + "}";
    }

    private static void assertGate(String expected, String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "gate";
        System.arraycopy(args, 0, all, 1, args.length);
        Cli r = Cli.run(all);
        assertThat(r.err()).isEmpty();
        assertThat(r.code()).isZero();
        assertThat(r.outLines()).containsExactly(expected);
    }

    @Test
    void lambdaDroppingFastFlushesTheKvCacheWithMicroSizes() {
        assertGate(decision("FLUSH_KV", "LAMBDA_DROPPED_FAST", 1, 1, 16, 4, false), "--lambda", "40", "--lambda-prev", "100");
        assertGate(decision("FLUSH_KV", "LAMBDA_DROPPED_FAST", 1, 2, 32, 8, false),
                "--preset", "baseline", "--lambda", "40", "--lambda-prev", "100");
    }

    @Test
    void referenceGoldenCases() {
        String[] base = {"--lambda", "100", "--lambda-prev", "95", "--boundary-edges", "5", "--concentration-q15", "8192",
                "--partitions", "3"};
        assertGate(decision("ALLOW", "NONE", 0, 2, 32, 8, false), base);
        assertGate(decision("ALLOW", "NONE", 0, 4, 64, 16, false), concat(base, "--preset", "baseline"));
        assertGate(decision("ALLOW", "FORCED_BY_FLAG", 3, 0, 0, 0, true), concat(base, "--flags", "2"));
        assertGate(decision("ALLOW", "FORCED_BY_FLAG", 3, 0, 0, 0, true), concat(base, "--flags", "3"));
        assertGate(decision("FREEZE_WRITES", "FORCED_BY_FLAG", 2, 1, 4, 4, false), concat(base, "--flags", "1"));
        assertGate(decision("FREEZE_WRITES", "FORCED_BY_FLAG", 2, 1, 8, 4, false),
                concat(base, "--flags", "1", "--preset", "baseline"));
        assertGate(decision("QUARANTINE_UPDATES", "LAMBDA_BELOW_MIN", 2, 1, 4, 4, false), "--lambda", "20",
                "--lambda-prev", "100");
        assertGate(decision("ALLOW", "NONE", 0, 2, 32, 8, false), "--lambda", "30", "--lambda-prev", "30");
        assertGate(decision("REDUCE_SCOPE", "BOUNDARY_SPIKE", 1, 1, 16, 4, false), "--lambda", "50", "--lambda-prev", "80",
                "--boundary-edges", "25", "--concentration-q15", "10000", "--partitions", "5");
        assertGate(decision("REDUCE_SCOPE", "BOUNDARY_CONCENTRATION_SPIKE", 1, 1, 16, 4, false), "--concentration-q15",
                "20481");
        assertGate(decision("REDUCE_SCOPE", "PARTITION_DRIFT", 1, 1, 16, 4, false), "--partitions", "11");
        assertGate(decision("ALLOW", "SPIKE_INACTIVE", 3, 0, 0, 0, true), concat(base, "--spike-fired", "0"));
        assertGate(decision("FREEZE_WRITES", "SPIKE_STORM", 2, 1, 4, 4, false), concat(base, "--spike-rate-q15", "16385"));
        assertGate(decision("ALLOW", "NONE", 0, 2, 32, 8, false), concat(base, "--spike-rate-q15", "16384"));
        assertGate(decision("FREEZE_WRITES", "SPIKE_STORM", 2, 1, 4, 4, false), "--lambda", "10",
                "--spike-fired", "1", "--spike-rate-q15", "20000");
        assertGate(decision("QUARANTINE_UPDATES", "LAMBDA_BELOW_MIN", 2, 1, 4, 4, false), "--lambda", "0");
    }

    @Test
    void policiesByNameAndFromAFile() throws Exception {
        String[] packet = {"--lambda", "45", "--lambda-prev", "50", "--boundary-edges", "8", "--concentration-q15",
                "12000", "--partitions", "4"};
        assertGate(decision("QUARANTINE_UPDATES", "LAMBDA_BELOW_MIN", 2, 1, 4, 4, false),
                concat(packet, "--policy", "conservative"));
        assertGate(decision("ALLOW", "NONE", 0, 2, 32, 8, false), concat(packet, "--policy", "permissive"));

        Path file = dir.resolve("strict.json");
        PolicyJson.save(new GatePolicy(46, 12288, 20, 20480, 10, 16384, 2048, true, false), file);
        assertGate(decision("QUARANTINE_UPDATES", "LAMBDA_BELOW_MIN", 2, 1, 4, 4, false),
                concat(packet, "--policy", file.toString()));
    }

    @Test
    void batchWritesOneLinePerGoodLineAndReportsBadOnesByNumber() throws Exception {
        Path in = dir.resolve("in.jsonl");
        Files.writeString(in, String.join("\n",
                "{\"lambda\":40,\"lambdaPrev\":100}",
                "{\"lambda\":100,\"lambdaPrev\":95,\"boundaryEdges\":5,\"boundaryConcentrationQ15\":8192,\"partitionCount\":3,"
                        + "\"flags\":0,\"spike\":{\"fired\":0,\"rateQ15\":0,\"noveltyQ15\":0}}",
                "{\"lambda\": oops}",
                "",
                "{\"lambda\":100,\"lamdaPrev\":5}",
                "{\"lambda\":-1}",
                "{\"lambda\":100,\"partitionCount\":11}") + "\n");
        Cli r = Cli.run("gate", "--batch", in.toString());

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.outLines()).containsExactly(
                decision("FLUSH_KV", "LAMBDA_DROPPED_FAST", 1, 1, 16, 4, false),
                decision("ALLOW", "SPIKE_INACTIVE", 3, 0, 0, 0, true),
                decision("REDUCE_SCOPE", "PARTITION_DRIFT", 1, 1, 16, 4, false));
        assertThat(r.errLines()).hasSize(3);
        assertThat(r.errLines()[0]).startsWith("mcgt: " + in + " line 3: not valid JSON");
        assertThat(r.errLines()[1]).isEqualTo("mcgt: " + in + " line 5: unknown key 'lamdaPrev'");
        assertThat(r.errLines()[2]).isEqualTo("mcgt: " + in + " line 6: lambda must be in 0..4294967295, got -1");
    }

    @Test
    void goodBatchExitsZero() throws Exception {
        Path in = dir.resolve("ok.jsonl");
        Files.writeString(in, "{\"lambda\":100}\n{\"lambda\":20,\"lambdaPrev\":20}\n");
        Cli r = Cli.run("gate", "--preset", "baseline", "--batch", in.toString());
        assertThat(r.code()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.outLines()).containsExactly(decision("ALLOW", "NONE", 0, 4, 64, 16, false),
                decision("QUARANTINE_UPDATES", "LAMBDA_BELOW_MIN", 2, 1, 8, 4, false));
    }

    @Test
    void usageErrorsAreOneLineWithExitTwo() {
        assertUsageError(Cli.run("gate", "--preset", "nano"), "unknown preset 'nano' (expected micro or baseline)");
        assertUsageError(Cli.run("gate", "--policy", "lenient"), "unknown policy 'lenient'");
        assertUsageError(Cli.run("gate", "--lambda", "-5"), "lambda must be in 0..4294967295, got -5");
        assertUsageError(Cli.run("gate", "--lambda", "many"), "--lambda");
        assertUsageError(Cli.run("gate", "--frobnicate"), "Unknown option: '--frobnicate'");
        assertUsageError(Cli.run("gate", "--batch", "x.jsonl", "--lambda", "3"), "--batch cannot be combined");
        assertUsageError(Cli.run("teleport"), "Unmatched argument");
        assertUsageError(Cli.run(), "missing command");
    }

    @Test
    void failuresAreOneLineWithExitOne() {
        Cli missingPolicy = Cli.run("gate", "--policy", dir.resolve("nope.json").toString());
        assertThat(missingPolicy.code()).isEqualTo(1);
        assertThat(missingPolicy.errLines()).singleElement().asString()
                .startsWith("mcgt: Bad configuration: cannot read policy file").endsWith("no such file");

        Cli missingBatch = Cli.run("gate", "--batch", dir.resolve("nope.jsonl").toString());
        assertThat(missingBatch.code()).isEqualTo(1);
        assertThat(missingBatch.errLines()).singleElement().asString().contains("no such file");
    }

    @Test
    void helpAndVersion() {
        Cli help = Cli.run("gate", "--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("--lambda-prev", "--concentration-q15", "--spike-novelty-q15", "--batch");
        Cli top = Cli.run("--help");
        assertThat(top.code()).isZero();
        assertThat(top.out()).contains("gate", "model");
        Cli version = Cli.run("--version");
        assertThat(version.code()).isZero();
        assertThat(version.out()).startsWith("mcgt ").contains("model file format 1");
    }

    static void assertUsageError(Cli r, String fragment) {
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.errLines()).singleElement().asString().startsWith("mcgt: ").contains(fragment);
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = new String[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
