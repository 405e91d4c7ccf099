package dev.mcgt.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report generator on a small hand-made results folder (src/test/resources/report). */
class ReportTest {
    private static Path fixtures() throws URISyntaxException {
        return Path.of(ReportTest.class.getResource("/report/jmh-fixture.json").toURI()).getParent();
    }

    private static Results load() throws Exception {
        Path dir = fixtures();
        return Results.load(dir, Map.of("peers", Results.extra(dir.resolve("peers-spamassassin.json")).orElseThrow()));
    }

    @Test
    void parsesJmhRecords() throws Exception {
        Results r = load();
        assertThat(r.jmh()).hasSize(12);
        JmhRecord avg = r.find("TierLatencyBenchmark", "avgt", x -> "0".equals(x.param("tier"))).orElseThrow();
        assertThat(avg.className()).isEqualTo("TierLatencyBenchmark");
        assertThat(avg.params()).containsEntry("preset", "micro").containsEntry("kernel", "auto");
        assertThat(avg.scoreMicros()).isEqualTo(600.0);
        assertThat(avg.scoreError()).isEqualTo(60.0);
        assertThat(avg.samples()).isEqualTo(5);
        assertThat(avg.settings().describe()).isEqualTo("3 × 1 s warm-up, 5 × 400 ms measurement, 1 fork, 1 thread");

        JmhRecord sample = r.find("TierLatencyBenchmark", "sample", x -> "0".equals(x.param("tier"))).orElseThrow();
        assertThat(sample.samples()).isEqualTo(2000); // 700 + 300 in fork 1, 1000 in fork 2
        assertThat(sample.percentileMicros(50)).isEqualTo(540.0);
        assertThat(sample.percentileMicros(99)).isEqualTo(1200.0);

        JmhRecord ms = r.find("WorkloadMixBenchmark", "sample", x -> "tier0".equals(x.param("mix"))).orElseThrow();
        assertThat(ms.unit()).isEqualTo("ms/op");
        assertThat(ms.scoreMicros()).isEqualTo(600.0, org.assertj.core.data.Offset.offset(1e-9));

        JmhRecord gemm = r.find("GemmBenchmark", "avgt", x -> true).orElseThrow();
        assertThat(gemm.secondary()).containsEntry("calls", 2000.0);
        assertThat(Double.isNaN(r.find("MiniLmBenchmark", "avgt", x -> true).orElseThrow().percentileMicros(99.5)))
                .isTrue();
    }

    @Test
    void readsNanAsStringAndUnknownUnits() throws Exception {
        String json = "[{\"benchmark\":\"a.B.c\",\"mode\":\"thrpt\",\"primaryMetric\":{\"score\":5.0,"
                + "\"scoreError\":\"NaN\",\"scoreUnit\":\"ops/s\",\"rawData\":[[1,2],[3]]}}]";
        JmhRecord r = Results.parseJmh(new ObjectMapper().readTree(json)).get(0);
        assertThat(r.scoreError()).isNaN();
        assertThat(r.scoreMicros()).isNaN();
        assertThat(r.samples()).isEqualTo(3);
        assertThat(r.params()).isEmpty();
        assertThatThrownBy(() -> Results.parseJmh(new ObjectMapper().readTree("{}")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void matchesWorkFilesToVariants() throws Exception {
        Results r = load();
        JmhRecord t1 = r.find("TierLatencyBenchmark", "sample", x -> "1".equals(x.param("tier"))).orElseThrow();
        WorkRecord w = r.workOf(t1).orElseThrow();
        assertThat(w.kernel()).isEqualTo("vector-256");
        assertThat(w.get("macs")).isEqualTo(721408.0);
        assertThat(w.bytesMoved()).isEqualTo(247936.0 + 864 + 4608);
        assertThat(w.get("missing")).isNaN();
    }

    @Test
    void formatsNumbers() {
        assertThat(Fmt.num(12880.4)).isEqualTo("12,880");
        assertThat(Fmt.num(617.2)).isEqualTo("617");
        assertThat(Fmt.num(57.04)).isEqualTo("57.0");
        assertThat(Fmt.num(4.163)).isEqualTo("4.16");
        assertThat(Fmt.num(0.1184)).isEqualTo("0.118");
        assertThat(Fmt.num(0.000123)).isEqualTo("0.000123");
        assertThat(Fmt.num(0)).isEqualTo("0");
        assertThat(Fmt.num(-3.5)).isEqualTo("-3.50");
        assertThat(Fmt.num(Double.NaN)).isEqualTo("—");
        assertThat(Fmt.times(10.83)).isEqualTo("10.8×");
        assertThat(Fmt.times(1.0 / 0.0)).isEqualTo("—");
        assertThat(Fmt.compact(10)).isEqualTo("10");
        assertThat(Fmt.compact(2.3)).isEqualTo("2.3");
        assertThat(Fmt.compact(188.9)).isEqualTo("189");
        assertThat(Fmt.bytes(460032)).isEqualTo("449 KiB");
        assertThat(Fmt.bytes(512)).isEqualTo("512 B");
        assertThat(Fmt.bytes(3.5 * 1024 * 1024)).isEqualTo("3.50 MiB");
        assertThat(Fmt.verdict(3.1, 2.7)).isEqualTo("pass (≥ 2.7×)");
        assertThat(Fmt.verdict(2.0, 2.7)).isEqualTo("**fail** (≥ 2.7×)");
        assertThat(Fmt.verdict(Double.NaN, 2.7)).isEqualTo("—");
    }

    @Test
    void markdownTableEscapesPipesAndPadsRows() {
        String t = new Fmt.Table("a", "b", "c").row("x|y", 1).toString();
        assertThat(t).isEqualTo("| a | b | c |\n|---|---:|---:|\n| x\\|y | 1 | — |\n");
    }

    @Test
    void readsCpuModel() {
        assertThat(RunEnv.cpuModel(List.of("processor\t: 0", "vendor_id\t: AuthenticAMD",
                "model name\t: AMD EPYC 7B13", "model name\t: other"))).isEqualTo("AMD EPYC 7B13");
        assertThat(RunEnv.cpuModel(List.of("processor : 0"))).isEqualTo("unknown CPU");
        assertThat(RunEnv.cpuModel(Path.of("/no/such/cpuinfo"))).isEqualTo("unknown CPU");
    }

    @Test
    void readsLoadAverage(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("loadavg");
        Files.writeString(f, "9.33 10.37 7.02 3/612 17116\n");
        assertThat(RunEnv.loadAverage(f)).isEqualTo(9.33);
        assertThat(RunEnv.loadAverage(tmp.resolve("none"))).isNaN();
        RunEnv env = new RunEnv("X", 2, "Linux", "17", "2026-11-28 10:00 UTC", "quick", 9.33);
        assertThat(env.machine()).isEqualTo("X, 2 cores, Linux, load average 9.33 at start");
        env.write(tmp.resolve("env.json"));
        assertThat(RunEnv.read(tmp.resolve("env.json"))).isEqualTo(env);
    }

    @Test
    void rendersTiersWithClaimsAndTargets() throws Exception {
        String md = new Report(load(), List.of(), "scripts/bench.sh quick").render();
        assertThat(md).startsWith("<!-- GENERATED FILE").contains("do not edit by hand");
        // micro tier 1: 60 µs, 10× over tier 0's 600 µs; claim 320 µs, 2.7×
        assertThat(md).contains("| 1 (reduced) | 60.0 | 6.00 | 54.0 | 120 | 16,667 | 10.0× | 10.0× | 320 | 0.188 | 2.7× | 3.70 | pass (≥ 2.7×) |");
        // tier 2 was not measured: dashes, no target
        assertThat(md).contains("| 2 (safe) | — | — | — | — | — | — | — | — | — | — | — | — |");
        assertThat(md).contains("| 3 (cache hit) | 0.120 |").contains("5,000× | 5,000× | 12 | 0.0100 | 70.8× | 70.6 | pass (≥ 70×) |");
        // work: bandwidth (460032 + 4032 + 18432) B / 600 µs = 0.804 GB/s; 1e7 pJ = 10 µJ
        assertThat(md).contains("| 0 (full) | 7,570,432 | 449 KiB | 3.94 KiB | 18.0 KiB | 0.804 | 10.0 | 1.00 |");
        assertThat(md).contains("| 3 (cache hit) | 0 | 0 B | 0 B | 0 B | 0 | 0 | 0 (nothing computed) |");
        assertThat(md).contains("*Setup:* Test CPU 9000, 2 cores, Linux 6.1 (amd64); JDK 17.0.15 (OpenJDK 64-Bit "
                + "Server VM 17.0.15+6); kernel vector-256; 2026-11-28 10:00 UTC; JMH 1.37: 3 × 1 s warm-up, 5 × 400 ms "
                + "measurement, 1 fork, 1 thread, mode avgt+sample.");
        // baseline has no results
        assertThat(md).contains("### baseline\n\nNot measured in this run.");
    }

    @Test
    void rendersMixesScalingGemmExtrasAndOthers() throws Exception {
        String md = new Report(load(), List.of(), "scripts/bench.sh quick").render();
        assertThat(md).contains("| interactive (40/40/20) | 150 | — | 60.0 | 700 | 50 | 4.00× | 4.17× | 2.3× | 1.74 | 368 (0.408) | "
                + "850 (0.824) | pass (≥ 2.3×) |");
        assertThat(md).contains("| streaming (70/20/10) | — | — | — | — | — | — | 8.32× | 10–15× | — | — | — | — |");
        assertThat(md).contains("| all tier 0 (0/0/100) | 600 | — | 580 | 1,200 | 50 | 1× |");
        assertThat(md).contains("## Scaling with sequence length and window\n\n").contains("Not measured in this run.");
        // GEMM: 64·1024·256 MACs / 716 µs = 23.4 GMAC/s; best 699 µs; cpu 2000 calls in 1.342 s
        assertThat(md).contains("| vector | 64×1024×256 | 716 | 12.5 | 23.4 | 24.0 | 25.0 |");
        assertThat(md).contains("## Peers on SpamAssassin").contains("| mcgt gated | 0.964 | 813 |")
                .contains("| ONNX Runtime fp32 | 0.971 | — |").contains("measured 2026-12-01; on test box; command: "
                        + "`scripts/mcgt eval --corpus data`.").contains("Fixture only.");
        assertThat(md).contains("## Flink job throughput\n\nThe Flink scoring job against the ONNX Runtime peer job on "
                + "the same graph, `scripts/bench-job.sh` (input file `flink-throughput.json`). Not measured in this run.");
        assertThat(md).contains("## Flink job: cost per record by stage\n\n").contains("`job-breakdown.json`). Not measured");
        // MiniLM against ONNX Runtime: cpu 36 ms (3.6 s / 100 calls) vs 20 ms → 1.80×; wall 41.4 / 20.7 = 2.00×
        assertThat(md).contains("## all-MiniLM-L6-v2 tier 0 against ONNX Runtime")
                .contains("| 64 | mcgt | auto | 41.4 | 13.1 | 36.0 | 1.80× | 2.00× | **fail** (≤ 1.00×) |")
                .contains("| 64 | ortInt8 | — | 20.7 | 13.1 | 20.0 | — | — | — |");
        // breakdown: per inference ms = nanos / 10 calls; share of the 120 ms of wall time; bookkeeping the rest
        assertThat(md).contains("## Where a MiniLM tier-0 inference spends its time")
                .contains("| Q, K, V projections (GEMM) | 3.00 (25.0 %) |")
                .contains("| attention block (scores, softmax, ·V fused in one native call) | 1.50 (12.5 %) |")
                .contains("| bookkeeping | 1.00 (8.33 %) |").contains("| **whole inference** (wall; cpu) | 12.0 ms; 11.0 ms |")
                .doesNotContain("| softmax |");
        assertThat(md).doesNotContain("| MiniLmBenchmark.embed |");
        assertThat(Report.gemmTable(load().of("GemmBenchmark", "avgt"))).contains("23.4");
        // fixture micro p50s: tier 0 540, tier 1 54.0, tier 3 0.108 (tier 2 unused by mixes)
        double interactive = 540 / (0.4 * 0.108 + 0.4 * 54 + 0.2 * 540);
        assertThat(new Report(load(), List.of(), "t").predictedSpeedup("micro", "interactive"))
                .isCloseTo(interactive, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(new Report(load(), List.of(), "t").predictedSpeedup("minilm", "interactive")).isNaN();
    }

    @Test
    void readsTheCeilingToolsOutputInOurShapeNaming() {
        Ceiling c = Ceiling.parse(List.of("shape          variant            GMAC/s     best   us/call",
                "64x1024x256    c_scalar_O3         13.75    14.44    1220.3",
                "64x1024x256    c_madd16_4x2        51.05    54.44     328.7",
                "64x1024x256    c_vnni512_4x2       57.58    78.20     291.3",
                "MISMATCH c_amx_2x2")).orElseThrow();
        assertThat(c.gmacs()).containsOnlyKeys("64x256x1024"); // the tool's m×n×k is our M×K×N with K and N swapped
        assertThat(c.best("64x256x1024").orElseThrow().getKey()).isEqualTo("c_vnni512_4x2");
        assertThat(c.of("64x256x1024", "c_madd16_4x2")).isEqualTo(51.05);
        assertThat(c.of("64x256x1024", "c_amx_2x2")).isNaN();
        assertThat(Ceiling.parse(List.of("no figures here"))).isEmpty();
    }

    @Test
    void rejectsMalformedExtraTables(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("flink-throughput.json");
        Files.writeString(f, "{\"columns\": [\"a\"], \"rows\": [[1, 2]]}");
        assertThatThrownBy(() -> Results.extra(f)).hasMessageContaining("row 1 is not an array of at most 1 cells");
        Files.writeString(f, "{\"rows\": []}");
        assertThatThrownBy(() -> Results.extra(f)).hasMessageContaining("\"columns\"");
        assertThat(Results.extra(tmp.resolve("absent.json"))).isEmpty();
    }

    @Test
    void writesChartsThatHaveData(@TempDir Path tmp) throws Exception {
        Report report = new Report(load(), List.of(), "test");
        List<String> written = Charts.write(report, tmp);
        assertThat(written).containsExactly("tier-latency.png", "mix-speedup.png");
        byte[] png = Files.readAllBytes(tmp.resolve("tier-latency.png"));
        assertThat(png).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
        String md = new Report(load(), written, "test").render();
        assertThat(md).contains("](charts/tier-latency.png)").doesNotContain("charts/scaling-seqlen.png");
    }
}
