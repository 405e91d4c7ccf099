package dev.mcgt.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.mcgt.bench.Workloads.Kind;
import dev.mcgt.config.TransformerConfig;
import dev.mcgt.runtime.GatedTransformer;
import dev.mcgt.runtime.InferStats;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes what a benchmark's calls did (counters of {@link InferStats}) next to the JMH results, so the report
 * can state bytes moved, implied bandwidth and estimated energy per inference. Active only when the
 * environment variable {@value #ENV} names a folder (forked JMH JVMs inherit the environment of
 * {@code scripts/bench.sh}). One file per benchmark variant:
 * {@code work-<SimpleClassName>-<param=value,...>.json} holding {@code benchmark}, {@code params},
 * {@code kernel}, {@code model} (a few config fields), {@code perRequest} (mean counters of one request) and,
 * for mixes, {@code perKind}. Counter names are the {@link InferStats} accessor names.
 */
public final class WorkRecorder {
    /** Folder the work files go to. */
    public static final String ENV = "MCGT_BENCH_WORK_DIR";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private WorkRecorder() { }

    /** Whether {@value #ENV} is set. */
    public static boolean enabled() {
        String d = System.getenv(ENV);
        return d != null && !d.isBlank();
    }

    /** The counters of one inference as name → value. */
    public static Map<String, Double> counters(InferStats s) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("layersExecuted", (double) s.layersExecuted());
        m.put("tokensComputed", (double) s.tokensComputed());
        m.put("gemmCalls", (double) s.gemmCalls());
        m.put("macs", (double) s.macs());
        m.put("attentionDots", (double) s.attentionDots());
        m.put("floatMultiplies", (double) s.floatMultiplies());
        m.put("floatAdds", (double) s.floatAdds());
        m.put("weightBytesRead", (double) s.weightBytesRead());
        m.put("kvBytesRead", (double) s.kvBytesRead());
        m.put("kvBytesWritten", (double) s.kvBytesWritten());
        m.put("estimatedEnergyPicojoules", s.estimatedEnergyPicojoules());
        return m;
    }

    /**
     * Per-kind counters (one request of each kind the sequence uses, in the stream's current state) and their
     * mean over the sequence, weighted by how often each kind occurs.
     */
    public static Map<String, Object> mixWork(RequestStream stream) {
        Kind[] seq = stream.sequence();
        Map<Kind, Integer> count = new EnumMap<>(Kind.class);
        for (Kind k : seq) count.merge(k, 1, Integer::sum);
        Map<String, Object> perKind = new LinkedHashMap<>();
        Map<String, Double> mean = new LinkedHashMap<>();
        // computed kinds first, so a cache hit follows a computed chunk
        for (Kind k : new Kind[] {Kind.TIER0, Kind.TIER1, Kind.TIER2, Kind.CACHE_HIT}) {
            Integer n = count.get(k);
            if (n == null) continue;
            Map<String, Double> c = counters(stream.run(k));
            perKind.put(k.name().toLowerCase(java.util.Locale.ROOT), c);
            double share = (double) n / seq.length;
            c.forEach((name, v) -> mean.merge(name, v * share, Double::sum));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("perRequest", mean);
        body.put("perKind", perKind);
        return body;
    }

    /** Writes one work file when {@value #ENV} is set; otherwise does nothing. */
    public static void write(Class<?> benchmark, Map<String, String> params, GatedTransformer model,
                             Map<String, Object> body) {
        if (!enabled()) return;
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("benchmark", benchmark.getName());
        doc.put("params", new TreeMap<>(params));
        doc.put("kernel", model.kernels().name());
        TransformerConfig c = model.config();
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("seqLenMax", c.seqLenMax());
        cfg.put("hidden", c.hidden());
        cfg.put("heads", c.heads());
        cfg.put("layers", c.layers());
        cfg.put("windowNormal", c.windowNormal());
        cfg.put("encoder", c.isEncoder());
        doc.put("model", cfg);
        doc.putAll(body);
        StringBuilder name = new StringBuilder("work-").append(benchmark.getSimpleName()).append('-');
        String sep = "";
        for (Map.Entry<String, String> e : new TreeMap<>(params).entrySet()) {
            name.append(sep).append(e.getKey()).append('=').append(e.getValue());
            sep = ",";
        }
        Path dir = Path.of(System.getenv(ENV));
        try {
            Files.createDirectories(dir);
            JSON.writeValue(dir.resolve(name.append(".json").toString()).toFile(), doc);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
