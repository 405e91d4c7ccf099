package dev.mcgt.config;

import dev.mcgt.McgtException;

/**
 * The shape of a model and of its compute tiers. All sizes are fixed at construction; degraded tiers only
 * reduce the effective sequence length, window and layer count, never allocations.
 *
 * <p>The first thirteen fields are the original design's (docs/GATE.md); the rest are what a real model needs. Use
 * {@link #micro()}, {@link #baseline()} or {@link #builder()}; {@link #validate()} checks the original
 * design's rules in its order, then ours.
 *
 * @param seqLenMax       tokens per chunk (S)
 * @param hidden          model width (D)
 * @param heads           attention heads (H)
 * @param layers          transformer blocks (L)
 * @param windowNormal    attention window at tier 0
 * @param windowDegraded  attention window at tier 1
 * @param ffnMult         FFN expansion factor
 * @param logits          width of the output head (decoder presets: the vocabulary)
 * @param layersDegraded  layers run at tier 1
 * @param seqLenDegraded  tokens computed at tier 1
 * @param seqLenSafe      tokens computed at tier 2
 * @param enableKvCache   whether KV writes are possible at all
 * @param enableExternalWrites whether the model may ever permit external writes
 * @param vocabSize       token embedding rows
 * @param maxPositions    position embedding rows
 * @param typeVocabSize   token-type embedding rows (0 when the model has none)
 * @param normPlacement   PRE or POST LayerNorm
 * @param activation      FFN activation
 * @param attention       CAUSAL or BIDIRECTIONAL
 * @param layersSafe      layers run at tier 2 (fix 1 in docs/GATE.md; the original hard-coded 1)
 * @param windowSafe      attention window at tier 2 (fix 1; the original hard-coded 4)
 * @param kvContext       positions of earlier chunks kept per layer in the KV cache
 * @param layerNormEps    LayerNorm epsilon
 */
public record TransformerConfig(
        int seqLenMax, int hidden, int heads, int layers, int windowNormal, int windowDegraded, int ffnMult,
        int logits, int layersDegraded, int seqLenDegraded, int seqLenSafe, boolean enableKvCache,
        boolean enableExternalWrites, int vocabSize, int maxPositions, int typeVocabSize,
        NormPlacement normPlacement, Activation activation, AttentionKind attention, int layersSafe,
        int windowSafe, int kvContext, float layerNormEps) {

    /** Largest value of the original design's u16 size fields. */
    public static final int U16_MAX = 0xFFFF;

    /** The reference's micro preset: S 32, D 128, H 4, L 2, W 8/4, logits 256, tier 1 (1 layer, 16), tier 2 4. */
    public static TransformerConfig micro() {
        return builder().seqLenMax(32).hidden(128).heads(4).layers(2).windowNormal(8).windowDegraded(4)
                .ffnMult(4).logits(256).layersDegraded(1).seqLenDegraded(16).seqLenSafe(4)
                .vocabSize(256).maxPositions(32).kvContext(32).build();
    }

    /** The reference's baseline preset: S 64, D 256, H 4, L 4, W 16/8, logits 1024, tier 1 (2, 32), tier 2 8. */
    public static TransformerConfig baseline() {
        return builder().seqLenMax(64).hidden(256).heads(4).layers(4).windowNormal(16).windowDegraded(8)
                .ffnMult(4).logits(1024).layersDegraded(2).seqLenDegraded(32).seqLenSafe(8)
                .vocabSize(1024).maxPositions(64).kvContext(64).build();
    }

    /** A synthetic preset by name ({@code micro} or {@code baseline}). */
    public static TransformerConfig preset(String name) {
        return switch (name) {
            case "micro" -> micro();
            case "baseline" -> baseline();
            default -> throw McgtException.badConfig("unknown preset '" + name + "' (expected micro or baseline)");
        };
    }

    public int headDim() { return hidden / heads; }

    public int ffnIntermediate() { return hidden * ffnMult; }

    /** The reference's informational KV size: 2 · L · S · D. */
    public long kvCacheBytes() { return 2L * layers * seqLenMax * hidden; }

    /** The reference's informational buffer estimate (golden: micro 22560, baseline 153664). */
    public long totalBufferBytes() {
        return 3L * hidden + (long) heads * windowNormal + ffnIntermediate() + (long) seqLenMax * hidden + hidden
                + kvCacheBytes() + logits * 4L;
    }

    /** True for encoder models, whose output is a pooled embedding rather than logits. */
    public boolean isEncoder() { return attention == AttentionKind.BIDIRECTIONAL; }

    /** Width of one inference output: the pooled embedding for encoders, the logits for decoders. */
    public int outputSize() { return isEncoder() ? hidden : logits; }

    /**
     * Checks the original design's eleven rules in order (first failure wins), then the rules real weights need.
     *
     * @return this config
     * @throws McgtException BAD_CONFIG with a message naming the rule
     */
    public TransformerConfig validate() {
        if (hidden <= 0) throw McgtException.badConfig("hidden dimension must be positive");
        if (heads <= 0) throw McgtException.badConfig("head count must be positive");
        if (hidden % heads != 0) throw McgtException.badConfig("hidden must be divisible by heads");
        if (layers <= 0) throw McgtException.badConfig("layer count must be positive");
        if (seqLenMax <= 0) throw McgtException.badConfig("sequence length must be positive");
        if (windowNormal <= 0) throw McgtException.badConfig("window size must be positive");
        if (windowNormal > seqLenMax) throw McgtException.badConfig("window cannot exceed sequence length");
        if (windowDegraded > windowNormal) throw McgtException.badConfig("degraded window cannot exceed normal window");
        if (layersDegraded > layers) throw McgtException.badConfig("degraded layers cannot exceed total layers");
        if (seqLenDegraded > seqLenMax) throw McgtException.badConfig("degraded seq_len cannot exceed max");
        if (seqLenSafe > seqLenDegraded) throw McgtException.badConfig("safe seq_len cannot exceed degraded");
        // Our rules: what a real forward pass needs.
        for (int v : new int[] {seqLenMax, hidden, heads, layers, windowNormal, windowDegraded, ffnMult, logits,
                layersDegraded, seqLenDegraded, seqLenSafe, layersSafe, windowSafe}) {
            if (v < 0 || v > U16_MAX) throw McgtException.badConfig("sizes must be in 0..65535, got " + v);
        }
        if (ffnMult <= 0) throw McgtException.badConfig("ffn multiplier must be positive");
        if (vocabSize <= 0) throw McgtException.badConfig("vocabulary size must be positive");
        if (maxPositions < seqLenMax) {
            throw McgtException.badConfig("max positions (" + maxPositions + ") cannot be below seq_len_max ("
                    + seqLenMax + ")");
        }
        if (typeVocabSize < 0) throw McgtException.badConfig("token type vocabulary cannot be negative");
        if (layersSafe < 1 || layersSafe > layers) {
            throw McgtException.badConfig("safe layers must be in 1.." + layers + ", got " + layersSafe);
        }
        if (layersDegraded < 1) throw McgtException.badConfig("degraded layers must be positive");
        if (windowSafe < 1 || windowSafe > seqLenMax) {
            throw McgtException.badConfig("safe window must be in 1.." + seqLenMax + ", got " + windowSafe);
        }
        if (windowDegraded < 1) throw McgtException.badConfig("degraded window must be positive");
        if (seqLenSafe < 1) throw McgtException.badConfig("safe seq_len must be positive");
        if (kvContext < 0) throw McgtException.badConfig("kv context cannot be negative");
        if (!(layerNormEps > 0f) || Float.isInfinite(layerNormEps)) {
            throw McgtException.badConfig("layer norm epsilon must be a positive number");
        }
        if (normPlacement == null || activation == null || attention == null) {
            throw McgtException.badConfig("norm placement, activation and attention kind must be set");
        }
        if (!isEncoder() && logits <= 0) throw McgtException.badConfig("decoder models need a positive logits width");
        return this;
    }

    public static Builder builder() { return new Builder(); }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.seqLenMax = seqLenMax; b.hidden = hidden; b.heads = heads; b.layers = layers;
        b.windowNormal = windowNormal; b.windowDegraded = windowDegraded; b.ffnMult = ffnMult; b.logits = logits;
        b.layersDegraded = layersDegraded; b.seqLenDegraded = seqLenDegraded; b.seqLenSafe = seqLenSafe;
        b.enableKvCache = enableKvCache; b.enableExternalWrites = enableExternalWrites; b.vocabSize = vocabSize;
        b.maxPositions = maxPositions; b.typeVocabSize = typeVocabSize; b.normPlacement = normPlacement;
        b.activation = activation; b.attention = attention; b.layersSafe = layersSafe; b.windowSafe = windowSafe;
        b.kvContext = kvContext; b.layerNormEps = layerNormEps;
        return b;
    }

    /** Fluent builder; defaults are the original design's baseline plus a decoder with PRE norms and tanh GELU. */
    public static final class Builder {
        private int seqLenMax = 64, hidden = 256, heads = 4, layers = 4, windowNormal = 16, windowDegraded = 8;
        private int ffnMult = 4, logits = 1024, layersDegraded = 2, seqLenDegraded = 32, seqLenSafe = 8;
        private boolean enableKvCache = true, enableExternalWrites = true;
        private int vocabSize = 1024, maxPositions = 64, typeVocabSize = 0;
        private NormPlacement normPlacement = NormPlacement.PRE;
        private Activation activation = Activation.GELU_TANH;
        private AttentionKind attention = AttentionKind.CAUSAL;
        private int layersSafe = 1, windowSafe = 4, kvContext = 64;
        private float layerNormEps = 1e-5f;

        public Builder seqLenMax(int v) { seqLenMax = v; return this; }
        public Builder hidden(int v) { hidden = v; return this; }
        public Builder heads(int v) { heads = v; return this; }
        public Builder layers(int v) { layers = v; return this; }
        public Builder windowNormal(int v) { windowNormal = v; return this; }
        public Builder windowDegraded(int v) { windowDegraded = v; return this; }
        public Builder ffnMult(int v) { ffnMult = v; return this; }
        public Builder logits(int v) { logits = v; return this; }
        public Builder layersDegraded(int v) { layersDegraded = v; return this; }
        public Builder seqLenDegraded(int v) { seqLenDegraded = v; return this; }
        public Builder seqLenSafe(int v) { seqLenSafe = v; return this; }
        public Builder enableKvCache(boolean v) { enableKvCache = v; return this; }
        public Builder enableExternalWrites(boolean v) { enableExternalWrites = v; return this; }
        public Builder vocabSize(int v) { vocabSize = v; return this; }
        public Builder maxPositions(int v) { maxPositions = v; return this; }
        public Builder typeVocabSize(int v) { typeVocabSize = v; return this; }
        public Builder normPlacement(NormPlacement v) { normPlacement = v; return this; }
        public Builder activation(Activation v) { activation = v; return this; }
        public Builder attention(AttentionKind v) { attention = v; return this; }
        public Builder layersSafe(int v) { layersSafe = v; return this; }
        public Builder windowSafe(int v) { windowSafe = v; return this; }
        public Builder kvContext(int v) { kvContext = v; return this; }
        public Builder layerNormEps(float v) { layerNormEps = v; return this; }

        /** Builds and validates. */
        public TransformerConfig build() {
            return buildUnchecked().validate();
        }

        /** Builds without validating (for tests of validation itself). */
        public TransformerConfig buildUnchecked() {
            return new TransformerConfig(seqLenMax, hidden, heads, layers, windowNormal, windowDegraded, ffnMult,
                    logits, layersDegraded, seqLenDegraded, seqLenSafe, enableKvCache, enableExternalWrites,
                    vocabSize, maxPositions, typeVocabSize, normPlacement, activation, attention, layersSafe,
                    windowSafe, kvContext, layerNormEps);
        }
    }
}
