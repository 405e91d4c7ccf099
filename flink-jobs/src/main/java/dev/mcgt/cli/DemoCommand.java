package dev.mcgt.cli;

import dev.mcgt.config.GatePolicy;
import dev.mcgt.config.TransformerConfig;
import dev.mcgt.gate.GateDecision;
import dev.mcgt.gate.GatePacket;
import dev.mcgt.gate.GateReason;
import dev.mcgt.model.ModelWeights;
import dev.mcgt.model.SyntheticWeights;
import dev.mcgt.runtime.GatedTransformer;
import dev.mcgt.runtime.InferBuffers;
import dev.mcgt.runtime.InferInput;
import dev.mcgt.runtime.InferOutput;
import dev.mcgt.runtime.InferState;
import dev.mcgt.runtime.InferStats;
import dev.mcgt.runtime.RuntimeOptions;
import java.io.PrintWriter;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mcgt demo}: scores synthetic documents (one stream state each) through the gated model and, for
 * comparison, through the same model at tier 0 for every chunk; prints a short, deterministic human summary:
 * tier mix, decisions and reasons, MACs and estimated energy, gated against all tier 0.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Score a small synthetic corpus (documents as streams of chunks with a synthetic coherence "
                + "trace) with a synthetic preset and print the tier mix, decisions, reasons, and the MACs and "
                + "estimated energy of gated scoring against running every chunk at tier 0. Deterministic.", ""})
final class DemoCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--preset", paramLabel = "NAME", defaultValue = "micro",
            description = "Synthetic model: micro or baseline (default: ${DEFAULT-VALUE}).")
    String preset;

    @Option(names = "--documents", paramLabel = "N", defaultValue = "8",
            description = "Documents (default: ${DEFAULT-VALUE}).")
    int documents;

    @Option(names = "--chunks", paramLabel = "N", defaultValue = "12",
            description = "Chunks per document (default: ${DEFAULT-VALUE}).")
    int chunks;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "7",
            description = "Seed of the weights and of the corpus (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
        if (documents < 1 || documents > 100_000) throw Usage.error(spec, "--documents must be in 1..100000");
        if (chunks < 1 || chunks > 100_000) throw Usage.error(spec, "--chunks must be in 1..100000");
        TransformerConfig config = ConfigResolver.preset(spec, preset);
        ModelWeights weights = SyntheticWeights.generate(config, seed);
        GatePolicy policy = GatePolicy.defaults();
        RuntimeOptions skipRepeats = RuntimeOptions.defaults().withSkipOnCacheHit(true);
        GatedTransformer gated = new GatedTransformer(weights, policy, skipRepeats);
        GatedTransformer full = new GatedTransformer(weights, policy, RuntimeOptions.defaults());
        Tally t = new Tally();
        InferBuffers buf = gated.newBuffers();
        InferOutput out = gated.newOutput();
        GatePacket coherent = GatePacket.of(100, 100);
        List<DemoCorpus.Document> corpus =
                DemoCorpus.generate(documents, chunks, config.seqLenMax(), config.vocabSize(), seed);
        for (DemoCorpus.Document doc : corpus) {
            InferState gatedState = gated.newState();
            InferState fullState = full.newState();
            for (InferInput chunk : doc.chunks()) {
                gated.infer(chunk, gatedState, buf, out);
                t.add(out);
                full.infer(InferInput.of(chunk.tokens(), coherent), fullState, buf, out);
                t.addFull(out.stats());
            }
        }
        print(spec.commandLine().getOut(), t, preset, gated.kernels().name());
        return 0;
    }

    private void print(PrintWriter w, Tally t, String presetName, String kernel) {
        w.printf(Locale.ROOT, "mcgt demo: %s preset (seed %d), default policy, %s kernel%n", presetName, seed, kernel);
        w.printf(Locale.ROOT, "documents %d, chunks %d (%d per document)%n", documents, t.chunks, chunks);
        w.printf(Locale.ROOT,
                "tier mix: tier 0 %s | tier 1 %s | tier 2 %s | tier 3 %s (cache hits %d, cheap scorer %d)%n",
                share(t.tiers[0], t.chunks), share(t.tiers[1], t.chunks), share(t.tiers[2], t.chunks),
                share(t.tiers[3], t.chunks), t.cacheHits, t.tiers[3] - t.cacheHits);
        w.println("decisions: " + counts(t.decisions, t.chunks));
        w.println("reasons: " + counts(t.reasons, t.chunks));
        w.printf(Locale.ROOT, "MACs: gated %s vs all tier 0 %s (%.1f %% of the work, %.2fx fewer)%n", mega(t.macs),
                mega(t.fullMacs), 100.0 * t.macs / t.fullMacs, (double) t.fullMacs / Math.max(1, t.macs));
        w.printf(Locale.ROOT,
                "estimated energy: gated %s vs all tier 0 %s (%.1f %%; estimate from Horowitz 2014, 45 nm)%n",
                micro(t.picojoules), micro(t.fullPicojoules), 100.0 * t.picojoules / t.fullPicojoules);
        w.flush();
    }

    private static String share(long n, long total) {
        return String.format(Locale.ROOT, "%d (%.1f %%)", n, 100.0 * n / total);
    }

    private static <E extends Enum<E>> String counts(Map<E, Long> m, long total) {
        StringBuilder b = new StringBuilder();
        m.forEach((k, v) -> {
            if (b.length() > 0) b.append(", ");
            b.append(k.name()).append(' ').append(share(v, total));
        });
        return b.toString();
    }

    private static String mega(long macs) {
        return String.format(Locale.ROOT, "%.2f M", macs / 1e6);
    }

    private static String micro(double picojoules) {
        return String.format(Locale.ROOT, "%.2f µJ", picojoules / 1e6);
    }

    /** Counters of one demo run. */
    private static final class Tally {
        long chunks;
        final long[] tiers = new long[4];
        long cacheHits;
        final Map<GateDecision, Long> decisions = new EnumMap<>(GateDecision.class);
        final Map<GateReason, Long> reasons = new EnumMap<>(GateReason.class);
        long macs;
        long fullMacs;
        double picojoules;
        double fullPicojoules;

        void add(InferOutput out) {
            InferStats s = out.stats();
            chunks++;
            tiers[s.tier()]++;
            if (s.cacheHit()) cacheHits++;
            decisions.merge(out.witness().decision(), 1L, Long::sum);
            reasons.merge(out.witness().reason(), 1L, Long::sum);
            macs += s.macs();
            picojoules += s.estimatedEnergyPicojoules();
        }

        void addFull(InferStats s) {
            fullMacs += s.macs();
            fullPicojoules += s.estimatedEnergyPicojoules();
        }
    }

}
