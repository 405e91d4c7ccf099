package dev.mcgt.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcgt.bench.Workloads.Kind;
import dev.mcgt.bench.Workloads.Mix;
import dev.mcgt.config.TransformerConfig;
import dev.mcgt.runtime.GatedTransformer;
import dev.mcgt.runtime.InferStats;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The request sequences and streams the report's benchmarks time. */
class WorkloadsTest {
    @Test
    void mixSequencesHaveExactSharesAndAFixedOrder() {
        for (Mix mix : Mix.values()) {
            Kind[] seq = Workloads.sequence(mix);
            Map<Kind, Long> n = Arrays.stream(seq).collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
            assertThat(seq).hasSize(Workloads.MIX_LENGTH);
            assertThat(n.getOrDefault(Kind.CACHE_HIT, 0L)).isEqualTo(mix.skip * 2L);
            assertThat(n.getOrDefault(Kind.TIER1, 0L)).isEqualTo(mix.tier1 * 2L);
            assertThat(n.getOrDefault(Kind.TIER0, 0L)).isEqualTo(mix.tier0 * 2L);
            assertThat(Workloads.sequence(mix)).isEqualTo(seq);
        }
        assertThat(Mix.of("interactive").shares()).isEqualTo("40/40/20");
        assertThat(Mix.INTERACTIVE.id()).isEqualTo("interactive");
    }

    @Test
    void everyRequestRunsAtItsTierAndSkipsAreCacheHits() {
        GatedTransformer model = Workloads.model("micro", "auto");
        RequestStream s = new RequestStream(model, Workloads.chunks(model.config(), Workloads.CHUNKS),
                Workloads.sequence(Mix.STREAMING)).prime(); // prime checks each kind once
        for (Kind k : Workloads.sequence(Mix.STREAMING)) {
            InferStats st = s.next();
            assertThat(st.tier()).isEqualTo(k.tier);
            assertThat(st.cacheHit()).isEqualTo(k == Kind.CACHE_HIT);
        }
        InferStats hit = s.run(Kind.CACHE_HIT);
        assertThat(hit.cacheHit()).isTrue();
        assertThat(hit.macs()).isZero();
        assertThat(s.run(Kind.TIER2).tier()).isEqualTo(2);
        Map<String, Object> work = WorkRecorder.mixWork(s);
        assertThat(work).containsKeys("perRequest", "perKind");
    }

    @Test
    void scalingPointsAndConfigs() {
        assertThat(ScalingBenchmark.seqLen("n256-w16")).isEqualTo(256);
        assertThat(ScalingBenchmark.window("n256-w16")).isEqualTo(16);
        assertThat(ScalingBenchmark.window("n1024-full")).isEqualTo(1024);
        TransformerConfig c = Workloads.scalingConfig(64, 4);
        assertThat(c.seqLenMax()).isEqualTo(64);
        assertThat(c.windowNormal()).isEqualTo(4);
        assertThat(c.enableKvCache()).isFalse();
    }
}
