package dev.mcgt.bench;

import dev.mcgt.config.GatePolicy;
import dev.mcgt.config.TransformerConfig;
import dev.mcgt.gate.GatePacket;
import dev.mcgt.kernel.KernelProvider;
import dev.mcgt.model.ModelFile;
import dev.mcgt.model.ModelWeights;
import dev.mcgt.model.SyntheticWeights;
import dev.mcgt.model.onnx.OnnxImportOptions;
import dev.mcgt.model.onnx.OnnxImporter;
import dev.mcgt.runtime.GatedTransformer;
import dev.mcgt.runtime.RuntimeOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * What the report's benchmarks run: the models by name, the gate packets that force each tier, and the seeded
 * request sequences of the workload mixes. Shared by the JMH benchmarks so that the work they record (see
 * {@link WorkRecorder}) describes exactly what they timed.
 */
public final class Workloads {
    /** Seed of token ids and of every mix order. */
    public static final long SEED = 20261128L;
    /** Requests in one mix sequence (a multiple of 100, so the percentages are exact). */
    public static final int MIX_LENGTH = 200;
    /** Distinct chunks a stream cycles through (a computed request moves to the next chunk). */
    public static final int CHUNKS = 8;

    /** Tier 0: a coherent packet under the default policy. */
    public static final GatePacket COHERENT = new GatePacket(100, 95, 5, 8192, 3, 0);
    /** Tier 1: boundary edges above the default policy's maximum (20): REDUCE_SCOPE. */
    public static final GatePacket REDUCED = new GatePacket(100, 95, 30, 8192, 3, 0);
    /** Tier 2: the FORCE_SAFE flag. */
    public static final GatePacket SAFE = COHERENT.withFlags(GatePacket.FLAG_FORCE_SAFE);
    /** Tier 3: the SKIP flag; with the chunk just computed, a cache hit. */
    public static final GatePacket SKIP = COHERENT.withFlags(GatePacket.FLAG_SKIP);

    /** Environment variable naming a native MiniLM model file (default {@code models/minilm.mcgt} if present). */
    public static final String MINILM_ENV = "MCGT_MINILM_MODEL";

    /** The kinds of request a mix is made of. */
    public enum Kind {
        TIER0(0, COHERENT), TIER1(1, REDUCED), TIER2(2, SAFE), CACHE_HIT(3, SKIP);

        /** Tier the gate must choose. */
        public final int tier;
        /** The packet that forces it. */
        public final GatePacket packet;

        Kind(int tier, GatePacket packet) {
            this.tier = tier;
            this.packet = packet;
        }

        /** The kind that forces a tier (3: cache hit). */
        public static Kind ofTier(int tier) {
            for (Kind k : values()) if (k.tier == tier) return k;
            throw new IllegalArgumentException("tier must be 0..3, got " + tier);
        }
    }

    /** A workload mix: shares of skip (tier 3 cache hit), tier 1 and tier 0 requests, in percent. */
    public enum Mix {
        STREAMING(70, 20, 10), INTERACTIVE(40, 40, 20), CONTINUOUS(10, 50, 40), SAFETY(5, 30, 65),
        /** The reference point of every speedup: all requests at tier 0. */
        TIER0(0, 0, 100);

        public final int skip;
        public final int tier1;
        public final int tier0;

        Mix(int skip, int tier1, int tier0) {
            this.skip = skip;
            this.tier1 = tier1;
            this.tier0 = tier0;
        }

        /** The JMH parameter value, e.g. {@code interactive}. */
        public String id() { return name().toLowerCase(Locale.ROOT); }

        public static Mix of(String id) { return valueOf(id.toUpperCase(Locale.ROOT)); }

        /** e.g. {@code 40/40/20}. */
        public String shares() { return skip + "/" + tier1 + "/" + tier0; }
    }

    private Workloads() { }

    /**
     * The deterministic request sequence of a mix: {@link #MIX_LENGTH} kinds in exact proportions, shuffled with
     * a fixed seed.
     */
    public static Kind[] sequence(Mix mix) {
        int scale = MIX_LENGTH / 100;
        List<Kind> slots = new ArrayList<>(MIX_LENGTH);
        for (int i = 0; i < mix.skip * scale; i++) slots.add(Kind.CACHE_HIT);
        for (int i = 0; i < mix.tier1 * scale; i++) slots.add(Kind.TIER1);
        for (int i = 0; i < mix.tier0 * scale; i++) slots.add(Kind.TIER0);
        Collections.shuffle(slots, new Random(SEED ^ mix.ordinal()));
        return slots.toArray(new Kind[0]);
    }

    /** The config of a synthetic preset or of the MiniLM model ({@code micro}, {@code baseline}, {@code minilm}). */
    public static GatedTransformer model(String name, String kernel) {
        ModelWeights w = switch (name) {
            case "micro", "baseline" -> SyntheticWeights.generate(TransformerConfig.preset(name), 7);
            case "minilm" -> miniLm();
            default -> throw new IllegalArgumentException("model must be micro, baseline or minilm, got " + name);
        };
        return new GatedTransformer(w, GatePolicy.defaults(), RuntimeOptions.defaults(), KernelProvider.choose(kernel));
    }

    /**
     * Token chunks of a model's full chunk length: random ids for the decoder presets, [CLS] ids [SEP] in the
     * word-piece range for encoders.
     */
    public static int[][] chunks(TransformerConfig cfg, int count) {
        SplittableRandom r = new SplittableRandom(SEED);
        int n = cfg.seqLenMax();
        int[][] out = new int[count][n];
        for (int[] c : out) {
            if (cfg.isEncoder() && cfg.vocabSize() > 2000 && n >= 2) {
                c[0] = 101;
                for (int i = 1; i < n - 1; i++) c[i] = 1000 + r.nextInt(Math.min(28000, cfg.vocabSize() - 1000));
                c[n - 1] = 102;
            } else {
                for (int i = 0; i < n; i++) c[i] = r.nextInt(cfg.vocabSize());
            }
        }
        return out;
    }

    /**
     * A small synthetic decoder for the scaling sweeps: hidden 64, 4 heads, 2 layers, a chunk of {@code seqLen}
     * tokens and attention window {@code window} (the chunk length for full causal attention); no KV cache, so
     * attention covers exactly the chunk.
     */
    public static TransformerConfig scalingConfig(int seqLen, int window) {
        return TransformerConfig.builder().seqLenMax(seqLen).maxPositions(seqLen).hidden(64).heads(4).layers(2)
                .ffnMult(4).vocabSize(256).logits(256).windowNormal(window).windowDegraded(Math.min(4, window))
                .layersDegraded(1).seqLenDegraded(seqLen / 2).seqLenSafe(Math.min(4, seqLen / 2))
                .windowSafe(Math.min(4, window)).kvContext(0).enableKvCache(false).build();
    }

    /** A native MiniLM model file ({@value #MINILM_ENV}, else models/minilm.mcgt), else an in-process import. */
    public static ModelWeights miniLm() {
        String env = System.getenv(MINILM_ENV);
        Path file = env != null && !env.isBlank() ? Path.of(env) : Path.of("models", "minilm.mcgt");
        if (Files.isRegularFile(file)) return ModelFile.read(file);
        return OnnxImporter.importBytes(resource("/all-minilm-l6-v2.onnx"),
                new String(resource("/all-minilm-l6-v2-tokenizer.json"), StandardCharsets.UTF_8),
                OnnxImportOptions.defaults()).weights();
    }

    /** The fingerprint of {@link #miniLm()}: the model file's, or {@code minilm} for the imported artifact. */
    public static String miniLmFingerprint() {
        String env = System.getenv(MINILM_ENV);
        Path file = env != null && !env.isBlank() ? Path.of(env) : Path.of("models", "minilm.mcgt");
        return Files.isRegularFile(file) ? ModelFile.load(file).fingerprint() : "minilm";
    }

    /** A classpath resource of the benchmarks jar (the ONNX models and tokenizer), whole. */
    static byte[] resource(String name) {
        try (InputStream in = Workloads.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException(name + " is not on the classpath");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
