package dev.mcgt.scoring;

import dev.mcgt.McgtException;
import dev.mcgt.coherence.CoherenceProbe;
import dev.mcgt.coherence.CoherenceProbeConfig;
import dev.mcgt.coherence.CoherenceReport;
import dev.mcgt.coherence.SpikeDetector;
import dev.mcgt.coherence.SpikeDetectorConfig;
import dev.mcgt.coherence.TokenGraph;
import dev.mcgt.config.GatePolicy;
import dev.mcgt.config.TransformerConfig;
import dev.mcgt.gate.GatePacket;
import dev.mcgt.gate.SpikePacket;
import dev.mcgt.model.ModelWeights;
import dev.mcgt.runtime.GatedTransformer;
import dev.mcgt.runtime.InferBuffers;
import dev.mcgt.runtime.InferInput;
import dev.mcgt.runtime.InferOutput;
import dev.mcgt.runtime.InferState;
import dev.mcgt.runtime.InferStats;
import dev.mcgt.runtime.RuntimeOptions;
import dev.mcgt.stream.StreamState;
import dev.mcgt.text.Chunker;
import dev.mcgt.text.WordPieceTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Text → tokens → chunks → probe → spikes → gate → inference → document result: the one scoring path of
 * {@code mcgt embed} and the Flink function. No Flink here.
 *
 * <p><b>One chunk</b> ({@link #scoreChunk}, the Flink per-element step): binds the stream to this scorer's model
 * (a state of another model fingerprint loses its KV cache, see {@link StreamState#adoptModel}); builds the
 * chunk's embedding-layer vectors once; the {@link CoherenceProbe} gives λ and the boundary figures, with λprev
 * from the stream's λ history; the {@link SpikeDetector} gives the novelty packet; the gated transformer runs
 * with the stream's {@link InferState}, the probe's boundary tokens, top boundary edge ids and (when the model's
 * options enable sparse attention) partition ids; then the λ and spike histories, last tier and counters
 * advance. Input is validated before anything changes, so a rejected chunk leaves the state as it was.
 *
 * <p><b>Gate off</b> ({@link ScorerConfig#gate()} false): the probe and detector still run (the histories and λ
 * statistics stay meaningful), but every chunk runs on an ungated twin of the model — tier 0, all layers, full
 * normal window, no skip (cache hits included), no routing, no early exit, no energy advisor, no sparse masks —
 * with a packet carrying the probe's λ as both λ and λprev.
 *
 * <p><b>What a chunk puts into its document</b> (encoders; {@link ChunkResult#output()} is this vector): a
 * computed chunk its own vector — for a tier-1 chunk mapped by the scorer's {@link TunedLens} when it has one and
 * tier 1 left something out (a chunk short enough for a tier 1 of every layer to keep all its tokens is computed
 * exactly as at tier 0, and its vector is not mapped) —
 * which the stream's {@link dev.mcgt.stream.PoolingMemory} remembers with the chunk's sketch (the normalised mean
 * of its token embeddings); a skipped chunk (tier 3, cache hits included) what its {@link SkipRule} says: the
 * remembered vector of the most similar computed chunk ({@code NEAREST}) or zeros ({@code NONE}). The
 * untransformed embedding-layer mean of the cheap scorer is never pooled, and a document is never without a
 * computed chunk: a chunk the gate skips while the stream remembers none runs on the ungated twin (tier 0).
 * With a {@link HeadCoverage} rule ({@link ScorerConfig#headCoverage()}), a chunk the gate sends to tier 1 (not a
 * cache hit) whose head covers the rest of it less than the rule's minimum also runs on the ungated twin; the
 * coverage is computed from the embedding-layer vectors the probe already has, before any layer runs.
 * Decoders' outputs (logits) are passed through unchanged.
 *
 * <p><b>One document</b> ({@link #scoreDocument}): tokenize (models with a tokenizer), keep at most
 * {@code maxTokens} content tokens, split with {@link Chunker} into chunks of {@code seqLenMax} tokens with the
 * configured overlap (framed {@code [CLS] … [SEP]} when the tokenizer frames), score them in order on a fresh
 * stream, and pool with {@link DocumentAccumulator} (shared with the Flink job): the document vector is the
 * normalised sum of the chunks' vectors above, so with the gate off it is the mean of the L2-normalised chunk
 * embeddings — what a user of the same model in ONNX Runtime gets for the same chunks. Ungated MACs are analytic
 * ({@link UngatedCost}) or measured by a second, ungated run ({@link UngatedMacs#MEASURED}).
 *
 * <p>Not thread-safe: a scorer owns per-thread scratch (buffers, probe, detector); the model and its weights
 * are shared. Use one scorer per thread (per Flink subtask). Deterministic: the same model, configs and input
 * give identical results (wall time aside).
 */
public final class DocumentScorer {
    /** The error of text scoring on a model without tokenizer. */
    public static final String NO_TOKENIZER = "model has no tokenizer; import one with mcgt model import";

    /** The ungated twin's policy: nothing but the probe's own λ reaches it, and no threshold can trip. */
    private static final GatePolicy OPEN_POLICY = new GatePolicy(0, 32767, 0xFFFF, 32767, 0xFFFF, 32767, 0, true, false);

    private final GatedTransformer model;
    private final GatedTransformer ungated;
    private final TransformerConfig config;
    private final ModelWeights weights;
    private final String fingerprint;
    private final CoherenceProbeConfig probeConfig;
    private final SpikeDetectorConfig spikeConfig;
    private final ScorerConfig scorerConfig;
    private final WordPieceTokenizer tokenizer;
    /** The tokens of {@link ScorerConfig#textPrefix()}, put before every text document's own. */
    private final int[] prefixIds;
    private final Chunker chunker;
    private final int ungatedKvContext;

    private final InferBuffers buffers;
    private final InferOutput out;
    private final CoherenceProbe probe;
    private final SpikeDetector detector;
    private final float[] vectors;
    private final float[] sketch;
    private final float[] contribution;
    private final float[] headSum;
    private final float[] restSum;
    private final int dim;
    private final int[] edgeIds = new int[CoherenceReport.MAX_TOP_EDGE_IDS];

    /**
     * @param model        the gated model (its policy and runtime options apply when the gate is on)
     * @param fingerprint  the model's identity (hex SHA-256 of its file, or {@code synthetic:<preset>:<seed>})
     * @param probeConfig  the coherence probe's settings
     * @param spikeConfig  the spike detector's settings
     * @param scorerConfig chunking, gate on/off, ungated MACs
     * @throws McgtException BAD_CONFIG when a setting does not fit the model (e.g. overlap too large, a tokenizer
     *                       with ids beyond the model's vocabulary)
     */
    public DocumentScorer(GatedTransformer model, String fingerprint, CoherenceProbeConfig probeConfig,
                          SpikeDetectorConfig spikeConfig, ScorerConfig scorerConfig) {
        if (model == null || probeConfig == null || spikeConfig == null || scorerConfig == null) {
            throw McgtException.badConfig("model, probe, spike and scorer configs are required");
        }
        this.model = model;
        this.config = model.config();
        this.weights = model.weights();
        this.fingerprint = StreamState.checkFingerprint(fingerprint);
        this.probeConfig = probeConfig;
        this.spikeConfig = spikeConfig;
        this.scorerConfig = scorerConfig;
        this.ungated = new GatedTransformer(weights, OPEN_POLICY, ungatedOptions(model.options()), model.kernels());
        String json = weights.tokenizerJson();
        this.tokenizer = json == null ? null : WordPieceTokenizer.fromJson(json);
        this.prefixIds = prefixIds(tokenizer, scorerConfig.textPrefix());
        if (tokenizer != null && tokenizer.vocabSize() > config.vocabSize()) {
            throw McgtException.badConfig("the tokenizer has " + tokenizer.vocabSize() + " ids but the model only "
                    + config.vocabSize());
        }
        int overlap = scorerConfig.chunkOverlap();
        this.chunker = tokenizer == null ? Chunker.plain(config.seqLenMax(), overlap)
                : tokenizer.chunker(config.seqLenMax(), overlap);
        this.ungatedKvContext = model.readsCrossChunkContext() ? UngatedCost.kvContext(config) : 0;
        this.buffers = model.newBuffers();
        this.out = model.newOutput();
        this.probe = new CoherenceProbe(probeConfig, config.seqLenMax(), model.kernels());
        this.dim = weights.tokenEmbedding().cols();
        this.detector = new SpikeDetector(spikeConfig, config.seqLenMax(), dim);
        this.vectors = new float[config.seqLenMax() * dim];
        this.sketch = new float[dim];
        this.contribution = new float[config.outputSize()];
        this.headSum = new float[dim];
        this.restSum = new float[dim];
        TunedLens lens = scorerConfig.lens();
        if (lens != null) {
            if (!config.isEncoder()) throw McgtException.badConfig("a lens maps encoder chunk vectors; this model is a decoder");
            if (!lens.modelFingerprint().equals(this.fingerprint)) {
                throw McgtException.badConfig("the lens was fitted for model " + lens.modelFingerprint() + ", not for "
                        + this.fingerprint + " (run mcgt calibrate on this model)");
            }
            if (lens.dimension() != config.outputSize()) {
                throw McgtException.badConfig("the lens maps " + lens.dimension() + " values, the model outputs "
                        + config.outputSize());
            }
            if (lens.withSketch() && dim != config.outputSize()) {
                throw McgtException.badConfig("the lens reads sketches of " + config.outputSize() + " values, the model's are "
                        + dim);
            }
        }
    }

    /** A scorer with the default probe, the spike threshold of the model's policy and default scoring. */
    public static DocumentScorer withDefaults(GatedTransformer model, String fingerprint) {
        return new DocumentScorer(model, fingerprint, CoherenceProbeConfig.defaults(),
                SpikeDetectorConfig.fromPolicy(model.policy()), ScorerConfig.defaults());
    }

    private static RuntimeOptions ungatedOptions(RuntimeOptions o) {
        return o.withModRouting(null).withEarlyExit(null).withRepresentationExitThreshold(0f)
                .withSparseAttention(false).withSkipOnCacheHit(false).withEnergyAdvisor(null);
    }

    public GatedTransformer model() { return model; }

    public String fingerprint() { return fingerprint; }

    public ScorerConfig scorerConfig() { return scorerConfig; }

    public SpikeDetectorConfig spikeConfig() { return spikeConfig; }

    public CoherenceProbeConfig probeConfig() { return probeConfig; }

    /** Whether the model carries a tokenizer (text scoring needs one). */
    public boolean hasTokenizer() { return tokenizer != null; }

    /** The model's tokenizer (parsed once per scorer). */
    public WordPieceTokenizer tokenizer() {
        if (tokenizer == null) throw McgtException.badInput(NO_TOKENIZER);
        return tokenizer;
    }

    /** The chunker of {@link #scoreDocument} (framed like the tokenizer, plain without one). */
    public Chunker chunker() { return chunker; }

    /** A fresh stream for this scorer's model. */
    public StreamState newState() {
        return StreamState.create(config, fingerprint, StreamState.DEFAULT_LAMBDA_CAPACITY, spikeConfig.historyChunks());
    }

    // ------------------------------------------------------------------------------------------------ one chunk

    /** Scores one chunk of the stream (token types all 0). */
    public ChunkResult scoreChunk(StreamState state, int[] chunkTokenIds) {
        return scoreChunk(state, chunkTokenIds, null);
    }

    /**
     * Scores one chunk of the stream and advances the stream's state.
     *
     * @param typeIds token type per token, or null for all 0
     * @throws McgtException BAD_INPUT for an empty or too long chunk, ids outside the vocabulary, bad type ids;
     *                       the state is unchanged then
     */
    public ChunkResult scoreChunk(StreamState state, int[] chunkTokenIds, int[] typeIds) {
        int n = checkChunk(state, chunkTokenIds, typeIds);
        long t0 = System.nanoTime();
        boolean upgraded = state.adoptModel(fingerprint, config);
        TokenGraph.embeddingVectors(weights, chunkTokenIds, 0, n, false, vectors);
        if (probeConfig.includePositions()) probe.analyze(weights, chunkTokenIds, 0, n);
        else probe.analyze(vectors, n, dim);
        long lambda = probe.lambda();
        long lambdaPrev = state.lambdaPrev();
        SpikePacket spikes = spikeConfig.enabled() ? detector.detect(state.spikeHistory(), chunkTokenIds, n, vectors) : null;
        int cachedBefore = state.ungatedKvLength();
        InferState inferState = state.inferState();
        boolean encoder = config.isEncoder();
        if (scorerConfig.gate()) {
            GatePacket gate = probe.gatePacket(lambdaPrev);
            InferInput in = new InferInput(chunkTokenIds, typeIds, gate, spikes, false, 0L, boundaryTokens(n),
                    model.options().sparseAttention() ? partitions(n) : null, topEdgeIds());
            if (encoder && promotedByHeadCoverage(in, inferState, n)) {
                // tier 1 would compute only a head that does not stand for the chunk: tier 0 instead
                ungated.infer(InferInput.of(chunkTokenIds, GatePacket.of(lambda, lambda)).withTokenTypes(typeIds),
                        inferState, buffers, out);
            } else {
                model.infer(in, inferState, buffers, out);
            }
            if (encoder && out.stats().skipped() && state.poolingMemory().isEmpty()) {
                // the document has no computed chunk yet: this one runs in full
                ungated.infer(InferInput.of(chunkTokenIds, GatePacket.of(lambda, lambda)).withTokenTypes(typeIds),
                        inferState, buffers, out);
            }
        } else {
            InferInput in = InferInput.of(chunkTokenIds, GatePacket.of(lambda, lambda)).withTokenTypes(typeIds);
            ungated.infer(in, inferState, buffers, out);
        }
        InferStats stats = out.stats();
        float[] vector = encoder ? contribution(state, stats, n) : out.output();
        long ungatedMacs = switch (scorerConfig.ungatedMacs()) {
            case NONE -> 0L;
            case ANALYTIC, MEASURED -> scorerConfig.gate() ? UngatedCost.chunkMacs(config, n, cachedBefore) : stats.macs();
        };
        int previousTier = state.lastTier();
        long index = state.chunkCount();
        state.advance(lambda, stats.tier(), n, ungatedKvContext);
        if (spikes != null) detector.commit(state.spikeHistory());
        long wall = (System.nanoTime() - t0) / 1000L;
        return new ChunkResult(index, n, previousTier, stats.tier(), out.witness().decision(), out.witness().reason(),
                lambda, lambdaPrev, (int) lambda - (int) lambdaPrev, spikes != null && spikes.isActive(),
                spikes == null ? 0 : spikes.noveltyQ15(), spikes == null ? 0 : spikes.rateQ15(), stats.macs(),
                ungatedMacs, stats.weightBytesRead() + stats.kvBytesRead() + stats.kvBytesWritten(),
                stats.estimatedEnergyPicojoules(), wall, upgraded, vector, out.witness().copy(), stats.copy());
    }

    /**
     * Whether the head coverage rule sends this chunk to tier 0: the gate would run it at tier 1 (not a skip, not
     * a cache hit) and its head covers the rest of it less than the rule's minimum ({@link HeadCoverage}).
     */
    private boolean promotedByHeadCoverage(InferInput in, InferState inferState, int n) {
        HeadCoverage rule = scorerConfig.headCoverage();
        if (rule == null || n <= rule.headTokens()) return false;
        if (model.plannedTier(in, inferState).tier() != 1) return false; // a skip or cache hit has nothing to promote
        return rule.promotes(HeadCoverage.coverage(vectors, n, dim, rule.headTokens(), headSum, restSum));
    }

    /**
     * A chunk's head coverage for a head of {@code headTokens} ({@link HeadCoverage#coverage}, on the chunk's
     * embedding-layer vectors without positions, as the scorer computes it).
     */
    public float headCoverage(int[] chunkTokenIds, int headTokens) {
        int n = chunkTokenIds.length;
        float[] v = new float[n * dim];
        TokenGraph.embeddingVectors(weights, chunkTokenIds, 0, n, false, v);
        return HeadCoverage.coverage(v, n, dim, headTokens, new float[dim], new float[dim]);
    }

    /** What this encoder chunk puts into its document (see the class comment); remembers computed chunks. */
    private float[] contribution(StreamState state, InferStats stats, int n) {
        sketchOf(vectors, n, sketch);
        float[] o = out.output();
        if (!stats.skipped()) {
            TunedLens lens = scorerConfig.lens();
            boolean reduced = stats.tokensComputed() < (long) n * config.layers();
            if (stats.tier() == 1 && lens != null && reduced) lens.apply(o, sketch, contribution);
            else System.arraycopy(o, 0, contribution, 0, contribution.length);
            if (scorerConfig.gate()) state.poolingMemory().remember(sketch, contribution);
        } else if (scorerConfig.skipRule() == SkipRule.NEAREST) {
            state.poolingMemory().nearest(sketch, contribution);
        } else {
            Arrays.fill(contribution, 0f);
        }
        return contribution;
    }

    /**
     * A chunk's sketch: the L2-normalised mean of its token embeddings (no positions), what skipped chunks are
     * matched on.
     */
    public float[] sketch(int[] chunkTokenIds) {
        int n = chunkTokenIds.length;
        float[] v = new float[n * dim];
        TokenGraph.embeddingVectors(weights, chunkTokenIds, 0, n, false, v);
        float[] s = new float[dim];
        sketchOf(v, n, s);
        return s;
    }

    private void sketchOf(float[] v, int n, float[] dst) {
        Arrays.fill(dst, 0f);
        for (int r = 0; r < n; r++) {
            int o = r * dim;
            for (int j = 0; j < dim; j++) dst[j] += v[o + j];
        }
        float ss = 0f;
        for (int j = 0; j < dim; j++) ss += dst[j] * dst[j];
        float inv = ss > 0f ? 1f / (float) Math.sqrt(ss) : 0f;
        for (int j = 0; j < dim; j++) dst[j] *= inv;
    }

    private int checkChunk(StreamState state, int[] ids, int[] types) {
        if (state == null) throw McgtException.badInput("stream state is missing");
        if (ids == null || ids.length == 0) throw McgtException.badInput("chunk has no tokens");
        int n = ids.length;
        if (n > config.seqLenMax()) {
            throw McgtException.badInput("chunk has " + n + " tokens, the model takes at most " + config.seqLenMax());
        }
        int vocab = config.vocabSize();
        for (int i = 0; i < n; i++) {
            if (ids[i] < 0 || ids[i] >= vocab) {
                throw McgtException.badInput("token id " + ids[i] + " at position " + i + " is outside the vocabulary [0, "
                        + vocab + ")");
            }
        }
        if (types != null) {
            if (types.length != n) throw McgtException.badInput("token types must match the tokens in length");
            for (int i = 0; i < n; i++) {
                if (types[i] < 0 || types[i] >= config.typeVocabSize()) {
                    throw McgtException.badInput("token type " + types[i] + " at position " + i + " is outside [0, "
                            + config.typeVocabSize() + ")");
                }
            }
        }
        return n;
    }

    private int[] boundaryTokens(int n) {
        int count = 0;
        for (int i = 0; i < n; i++) if (probe.isBoundaryToken(i)) count++;
        if (count == 0) return null;
        int[] b = new int[count];
        count = 0;
        for (int i = 0; i < n; i++) if (probe.isBoundaryToken(i)) b[count++] = i;
        return b;
    }

    private int[] partitions(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = probe.partitionOf(i);
        return p;
    }

    private long[] topEdgeIds() {
        int k = probe.copyTopBoundaryEdgeIds(edgeIds);
        if (k == 0) return null;
        long[] ids = new long[k];
        for (int i = 0; i < k; i++) ids[i] = edgeIds[i];
        return ids;
    }

    // ------------------------------------------------------------------------------------------------ documents

    /**
     * Scores a text document on a fresh stream.
     *
     * @throws McgtException BAD_INPUT when the model has no tokenizer ({@link #NO_TOKENIZER}) or the text has no
     *                       tokens
     */
    public DocumentResult scoreDocument(String id, String text) {
        long t0 = System.nanoTime();
        if (tokenizer == null) throw McgtException.badInput(NO_TOKENIZER);
        return scoreContent(id, contentTokens(text), t0);
    }

    /**
     * The content tokens a text document is scored on: the text prefix's ({@link ScorerConfig#textPrefix()}) and
     * then the text's own; none when the text has none.
     */
    public int[] contentTokens(String text) {
        if (tokenizer == null) throw McgtException.badInput(NO_TOKENIZER);
        int[] own = tokenizer.tokenize(text);
        return own.length == 0 || prefixIds.length == 0 ? own : withPrefix(prefixIds, own);
    }

    /**
     * The content tokens of a text prefix (none for ""); the prefix's tokens followed by the text's equal the
     * tokens of the joined text whenever the prefix ends in a space or punctuation, as e5's "passage: " does.
     *
     * @throws McgtException BAD_CONFIG for a prefix on a model without tokenizer
     */
    public static int[] prefixIds(WordPieceTokenizer tokenizer, String prefix) {
        if (prefix == null || prefix.isEmpty()) return new int[0];
        if (tokenizer == null) throw McgtException.badConfig("a text prefix needs a model with a tokenizer");
        return tokenizer.tokenize(prefix);
    }

    /** {@code prefix} followed by {@code content}. */
    public static int[] withPrefix(int[] prefix, int[] content) {
        int[] all = Arrays.copyOf(prefix, prefix.length + content.length);
        System.arraycopy(content, 0, all, prefix.length, content.length);
        return all;
    }

    /**
     * Scores a document given as content token ids (no special tokens; the chunker adds the tokenizer's frame
     * when the model has a tokenizer) on a fresh stream.
     */
    public DocumentResult scoreDocument(String id, int[] contentTokenIds) {
        if (contentTokenIds == null) throw McgtException.badInput("document token ids are missing");
        return scoreContent(id, contentTokenIds, System.nanoTime());
    }

    private DocumentResult scoreContent(String id, int[] content, long t0) {
        if (id == null) throw McgtException.badInput("document id is missing");
        int limit = scorerConfig.maxTokens();
        int keep = limit > 0 ? Math.min(limit, content.length) : content.length;
        if (keep == 0) throw McgtException.badInput("document '" + id + "' has no tokens");
        int[] kept = keep == content.length ? content : Arrays.copyOf(content, keep);
        List<Chunker.Chunk> chunks = chunker.split(kept);
        StreamState state = newState();
        List<ChunkResult> results = new ArrayList<>(chunks.size());
        for (Chunker.Chunk c : chunks) results.add(scoreChunk(state, c.ids()));
        if (scorerConfig.ungatedMacs() == UngatedMacs.MEASURED && scorerConfig.gate()) {
            results = measureUngated(chunks, results);
        }
        DocumentAccumulator acc = new DocumentAccumulator(config.outputSize());
        for (ChunkResult r : results) acc.add(r);
        return new DocumentResult(id, acc.embedding(), keep, content.length - keep, acc.tierCounts(),
                acc.skippedChunks(), acc.cacheHits(), acc.lambdaMin(), acc.lambdaMean(), acc.lambdaMax(), acc.macs(),
                acc.ungatedMacs(), ungatedMode(), acc.energyPj(), (System.nanoTime() - t0) / 1000L, results);
    }

    /** Runs the chunks again on the ungated twin with a fresh state; returns the results with measured MACs. */
    private List<ChunkResult> measureUngated(List<Chunker.Chunk> chunks, List<ChunkResult> gated) {
        InferState fresh = ungated.newState();
        List<ChunkResult> withMeasured = new ArrayList<>(gated.size());
        for (int i = 0; i < chunks.size(); i++) {
            ChunkResult r = gated.get(i);
            ungated.infer(InferInput.of(chunks.get(i).ids(), GatePacket.of(r.lambda(), r.lambda())), fresh, buffers, out);
            withMeasured.add(r.withUngatedMacs(out.stats().macs()));
        }
        return withMeasured;
    }

    /** How the ungated MACs of a document were found: with the gate off the document itself is the ungated run. */
    private UngatedMacs ungatedMode() {
        UngatedMacs m = scorerConfig.ungatedMacs();
        return m == UngatedMacs.NONE || scorerConfig.gate() ? m : UngatedMacs.MEASURED;
    }
}
