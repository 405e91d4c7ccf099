package dev.mcgt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class BenchAndDemoTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode bench(String... args) throws Exception {
        String[] all = new String[args.length + 5];
        all[0] = "bench";
        System.arraycopy(args, 0, all, 1, args.length);
        System.arraycopy(new String[] {"--seconds", "0.2", "--warmup-seconds", "0.05"}, 0, all, args.length + 1, 4);
        Cli r = Cli.run(all);
        assertThat(r.err()).isEmpty();
        assertThat(r.code()).isZero();
        return JSON.readTree(r.out());
    }

    @Test
    void benchPrintsTheContractKeys() throws Exception {
        JsonNode t0 = bench("--preset", "micro", "--tier", "0");
        for (String k : new String[] {"p50Us", "p99Us", "meanUs", "qps", "macsPerInference", "estimatedEnergyMj"}) {
            assertThat(t0.get(k).isNumber()).as(k).isTrue();
            assertThat(t0.get(k).asDouble()).as(k).isPositive();
        }
        assertThat(t0.get("kernel").asText()).isNotBlank();
        assertThat(t0.get("p99Us").asDouble()).isGreaterThanOrEqualTo(t0.get("p50Us").asDouble());
        assertThat(t0.get("calls").asLong()).isPositive();

        JsonNode hit = bench("--preset", "micro", "--tier", "3", "--tokens", "8");
        assertThat(hit.get("macsPerInference").asLong()).isZero();
        assertThat(hit.get("tokens").asInt()).isEqualTo(8);

        JsonNode t1 = bench("--preset", "micro", "--tier", "1");
        assertThat(t1.get("macsPerInference").asLong()).isLessThan(t0.get("macsPerInference").asLong());
    }

    @Test
    void theMixFollowsItsPercentagesInAFixedOrder() throws Exception {
        BenchWorkload.Kind[] mix = BenchWorkload.mix(40, 40, 20);
        Map<BenchWorkload.Kind, Long> counts = Arrays.stream(mix).collect(Collectors.groupingBy(Function.identity(),
                Collectors.counting()));
        assertThat(mix).hasSize(100).isEqualTo(BenchWorkload.mix(40, 40, 20));
        assertThat(counts).containsEntry(BenchWorkload.Kind.CACHE_HIT, 40L)
                .containsEntry(BenchWorkload.Kind.TIER1, 40L).containsEntry(BenchWorkload.Kind.TIER0, 20L);
        assertThat(mix).as("shuffled, not grouped").isNotEqualTo(sorted(mix));

        JsonNode j = bench("--preset", "micro", "--mix", "40/40/20", "--policy", "conservative");
        assertThat(j.get("workload").asText()).isEqualTo("mix 40/40/20");
        assertThat(j.get("macsPerInference").asLong()).isPositive();
    }

    @Test
    void benchUsageErrors() {
        GateCommandTest.assertUsageError(Cli.run("bench", "--preset", "micro"), "exactly one of --tier and --mix");
        GateCommandTest.assertUsageError(Cli.run("bench", "--preset", "micro", "--tier", "4"), "--tier must be");
        GateCommandTest.assertUsageError(Cli.run("bench", "--preset", "micro", "--mix", "50/50/10"), "sums to 110, not 100");
        GateCommandTest.assertUsageError(Cli.run("bench", "--preset", "micro", "--mix", "fast"), "expected three numbers skip/tier1/tier0");
        GateCommandTest.assertUsageError(Cli.run("bench", "--preset", "micro", "--mix", "33.5/33.5/33"), "whole numbers");
        GateCommandTest.assertUsageError(Cli.run("bench", "--preset", "micro", "--tier", "0", "--seconds", "0"),
                "--seconds must be positive");
        GateCommandTest.assertUsageError(Cli.run("bench", "--preset", "micro", "--tier", "0", "--tokens", "33"),
                "--tokens must be in 1..32");
    }

    @Test
    void demoIsDeterministicAndSummarisesTheTierMix() {
        Cli a = Cli.run("demo", "--documents", "3", "--chunks", "6", "--seed", "5");
        Cli b = Cli.run("demo", "--documents", "3", "--chunks", "6", "--seed", "5");
        assertThat(a.err()).isEmpty();
        assertThat(a.code()).isZero();
        assertThat(a.out()).isEqualTo(b.out());
        assertThat(a.out()).contains("documents 3, chunks 18 (6 per document)", "tier mix: tier 0 ", "decisions: ",
                "reasons: ", "MACs: gated ", "estimated energy: gated ");
        Cli other = Cli.run("demo", "--documents", "3", "--chunks", "6", "--seed", "6");
        assertThat(other.out()).isNotEqualTo(a.out());
        GateCommandTest.assertUsageError(Cli.run("demo", "--documents", "0"), "--documents must be in");
    }

    private static BenchWorkload.Kind[] sorted(BenchWorkload.Kind[] k) {
        BenchWorkload.Kind[] s = k.clone();
        Arrays.sort(s);
        return s;
    }
}
