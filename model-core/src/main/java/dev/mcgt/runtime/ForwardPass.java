package dev.mcgt.runtime;

import dev.mcgt.config.AttentionKind;
import dev.mcgt.config.NormPlacement;
import dev.mcgt.config.Pooling;
import dev.mcgt.config.PoolingMode;
import dev.mcgt.config.TransformerConfig;
import dev.mcgt.gate.GatePacket;
import dev.mcgt.gate.SpikePacket;
import dev.mcgt.kernel.AttentionBlock;
import dev.mcgt.kernel.Kernels;
import dev.mcgt.kernel.QuantizedMatrix;
import dev.mcgt.model.LayerWeights;
import dev.mcgt.model.ModelWeights;

/**
 * The compute of one non-skipped inference: embeddings, the selected blocks, the head. Immutable (weights,
 * kernels, options), thread-safe; all mutable data lives in the caller's {@link InferBuffers}, the stream's
 * {@link KvCache} and the output's {@link InferStats}. Allocation-free.
 *
 * <p>Numerics: an f32 residual stream; every GEMM input is quantized to INT8 per row right before the GEMM;
 * queries, keys and values are quantized per token and head (keys and values are stored that way in the KV
 * cache); attention scores are exact int32 dot products scaled by qScale·kScale·1/√headDim; all float steps
 * outside the kernels are plain sequential Java, so results are bit-identical across kernels and threads.
 *
 * <p>Decoders: in the last block that runs, only the last position's output matters, so that block computes
 * keys and values for every token (they are still attended to and cached) but the query, attention, output
 * projection and FFN for the last position only — the usual prefill saving, counted as such in the stats.
 *
 * <p>Counting: every step is followed by its {@link OpCost} function, which is the only code that adds to the
 * {@link InferStats} counters; this class computes and passes shapes, nothing else.
 */
final class ForwardPass {
    /**
     * Per-call settings, held in the caller's buffers (no allocation). Only {@link #begin} and {@link #end} set them
     * from outside; the pass itself updates {@code keep} and {@code merged} as tokens are merged.
     */
    static final class Call {
        private GatePacket gate;
        private SpikePacket spikes;
        private int[] partitionOf;
        private boolean spikeMask;
        private boolean partitionMask;
        private int window;
        private boolean kvWrite;
        private KvCache cache;
        private InferStats stats;
        private int keep;
        /** Cache positions a query may reach: window − 1 with cross-chunk context, else 0. */
        private int cacheReach;
        /** Token merging of this call (tier 1 pruned), or null for none. */
        private TokenPruning pruning;
        /** The rows were merged: pool them weighted by {@code InferBuffers.rowWeight}. */
        private boolean merged;

        /**
         * Sets up one call on {@code n} tokens of {@code in}: the attention window (and the cache positions it may
         * reach when earlier chunks are read as context), token merging or null, whether KV is written, the
         * stream's cache, the stats to count into; marks the spike top-k positions (with a sparse mask) and the
         * boundary tokens in {@code b}, and the partition mask when sparse attention is on and partitions are given.
         */
        void begin(InferInput in, int n, int window, boolean readsContext, TokenPruning pruning, boolean kvWrite,
                   KvCache cache, InferStats stats, boolean sparseAttention, InferBuffers b) {
            this.gate = in.gate();
            this.spikes = in.spikes();
            this.window = window;
            this.cacheReach = readsContext ? window - 1 : 0;
            this.pruning = pruning;
            this.kvWrite = kvWrite;
            this.cache = cache;
            this.stats = stats;
            SpikePacket sp = in.spikes();
            this.spikeMask = sp != null && sp.isActive() && sp.useSparseMask();
            if (spikeMask) {
                for (int i = 0; i < sp.topLen(); i++) {
                    int p = sp.topIndex(i);
                    if (p < n) b.spikeVisible[p] = true;
                }
            }
            int[] boundary = in.boundaryTokens();
            if (boundary != null) {
                for (int p : boundary) b.boundary[p] = true;
            }
            this.partitionMask = sparseAttention && in.partitionOf() != null;
            this.partitionOf = in.partitionOf();
        }

        /** Undoes {@link #begin}: clears the marks of the call's {@code n} tokens in {@code b} and drops the references. */
        void end(InferBuffers b, int n) {
            for (int p = 0; p < n; p++) {
                b.spikeVisible[p] = false;
                b.boundary[p] = false;
            }
            gate = null;
            spikes = null;
            partitionOf = null;
            pruning = null;
            cache = null;
            stats = null;
        }
    }

    /** Queries whose attention scores are computed by one int8 GEMM per head. */
    static final int ATT_QUERY_BLOCK = 64;

    private final TransformerConfig cfg;
    private final Kernels kernels;
    private final ModelWeights weights;
    private final LayerWeights[] layers;
    private final RuntimeOptions options;
    private final DepthRouter router;
    private final EarlyExit earlyExit;
    private final int d;
    private final int heads;
    private final int headDim;
    private final int ffnDim;
    private final boolean pre;
    private final boolean causal;
    private final boolean decoder;
    private final float eps;
    private final float invSqrtHeadDim;

    ForwardPass(ModelWeights weights, Kernels kernels, RuntimeOptions options, DepthRouter router, EarlyExit earlyExit) {
        this.cfg = weights.config();
        this.kernels = kernels;
        this.weights = weights;
        this.layers = weights.layers().toArray(new LayerWeights[0]);
        this.options = options;
        this.router = router;
        this.earlyExit = earlyExit;
        this.d = cfg.hidden();
        this.heads = cfg.heads();
        this.headDim = cfg.headDim();
        this.ffnDim = cfg.ffnIntermediate();
        this.pre = cfg.normPlacement() == NormPlacement.PRE;
        this.causal = cfg.attention() == AttentionKind.CAUSAL;
        this.decoder = !cfg.isEncoder();
        this.eps = cfg.layerNormEps();
        this.invSqrtHeadDim = (float) (1.0 / Math.sqrt(headDim));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Full pass

    /**
     * Runs {@code layersToRun} blocks on the kept tokens and writes the output. Decoders keep the most recent
     * {@code seqBudget} tokens (the ones next to the position being predicted); encoders keep the first ones
     * (the chunk's head, where BERT-style models put [CLS] and the start of the text).
     */
    void run(int[] tokens, int[] types, int n, int seqBudget, int layersToRun, Call c, InferBuffers b,
             float[] out) {
        InferStats st = c.stats;
        int keep = Math.min(n, seqBudget);
        int first = decoder ? n - keep : 0;
        c.keep = keep;
        for (int r = 0; r < keep; r++) b.rowPos[r] = first + r;
        embed(tokens, types, first, keep, b.x, st);

        int count = Math.min(layersToRun, cfg.layers());
        int start = options.layerSelection() == LayerSelection.EARLY_LAYERS ? 0 : cfg.layers() - count;
        int end = start + count;
        int exitLayer = -1;
        if (earlyExit != null) {
            for (int l = start; l < end; l++) {
                if (earlyExit.canExitAt(c.gate, l)) {
                    exitLayer = l;
                    end = l;
                    break;
                }
            }
        }
        float threshold = options.representationExitThreshold();
        if (threshold > 0f) pool(b.x, keep, b.prevPooled, st);
        c.merged = false;
        if (c.pruning != null) {
            for (int r = 0; r < keep; r++) b.rowWeight[r] = 1f;
        }
        for (int l = start; l < end; l++) {
            boolean lastOnly = decoder && l == end - 1;
            runLayer(l, lastOnly, c, b);
            if (c.pruning != null && l < end - 1) {
                int target = c.pruning.keepAfter(l - start + 1);
                if (target > 0 && c.keep > target) mergeTokens(c, b, target);
            }
            if (threshold > 0f && l < end - 1) {
                pool(b.x, c.keep, b.pooled, st);
                if (EarlyExit.converged(b.prevPooled, b.pooled, d, threshold)) {
                    exitLayer = l + 1;
                    break;
                }
                System.arraycopy(b.pooled, 0, b.prevPooled, 0, d);
            }
        }
        st.earlyExitLayer = exitLayer;
        if (decoder) {
            head(b.x, (keep - 1) * d, b, out, st);
        } else {
            encoderOutput(c.keep, c.merged, b, out, st);
        }
    }

    /**
     * Token pruning: merges the kept rows down to {@code target} (see {@link TokenMerger}), pairing them by the
     * hidden states or by the keys of the block just run ({@code b.k}, one row per kept row: pruning runs without
     * Mixture-of-Depths routing).
     */
    private void mergeTokens(Call c, InferBuffers b, int target) {
        int before = c.keep;
        float[] metric = c.pruning.mergeBy() == TokenPruning.MergeMetric.KEYS ? b.k : b.x;
        c.keep = TokenMerger.merge(kernels, b, metric, c.keep, target, d, c.stats);
        c.merged |= c.keep < before;
    }

    /**
     * The skip tier's cheap scorer: the mean of the embedding-layer vectors of all tokens, through the final
     * norm and head (decoders) or L2-normalised (encoders). No block runs.
     */
    void cheapScore(int[] tokens, int[] types, int n, InferBuffers b, float[] out, InferStats st) {
        embed(tokens, types, 0, n, b.x, st);
        pool(b.x, n, b.pooled, st);
        if (decoder) {
            head(b.pooled, 0, b, out, st);
        } else {
            l2Normalise(b.pooled, out, st);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Embeddings, pooling, heads

    /** Rows 0..rows−1 of {@code x} = token + position (+ type) embeddings of chunk positions first.., normalised. */
    private void embed(int[] tokens, int[] types, int first, int rows, float[] x, InferStats st) {
        QuantizedMatrix tok = weights.tokenEmbedding();
        QuantizedMatrix pos = weights.positionEmbedding();
        QuantizedMatrix typ = weights.typeEmbedding();
        byte[] tw = tok.weights();
        byte[] pw = pos.weights();
        float[] ts = tok.scales();
        float[] ps = pos.scales();
        for (int r = 0; r < rows; r++) {
            int p = first + r;
            int t = tokens[p];
            float st1 = ts[t];
            float sp = ps[p];
            int to = t * d;
            int po = p * d;
            int xo = r * d;
            for (int j = 0; j < d; j++) {
                x[xo + j] = tw[to + j] * st1 + pw[po + j] * sp;
            }
            if (typ != null) {
                int ty = types == null ? 0 : types[p];
                byte[] yw = typ.weights();
                float sy = typ.scales()[ty];
                int yo = ty * d;
                for (int j = 0; j < d; j++) x[xo + j] += yw[yo + j] * sy;
            }
        }
        OpCost.embed(st, rows, typ == null ? 2 : 3, d);
        float[] g = weights.embeddingNormGamma();
        if (g != null) {
            kernels.layerNormRows(x, 0, rows, d, g, weights.embeddingNormBeta(), eps, x, 0);
            OpCost.layerNorm(st, rows, d);
        }
    }

    /** Mean of rows 0..rows−1 of {@code x} (f32, left to right). */
    private void pool(float[] x, int rows, float[] dst, InferStats st) {
        for (int j = 0; j < d; j++) dst[j] = 0f;
        for (int r = 0; r < rows; r++) {
            int o = r * d;
            for (int j = 0; j < d; j++) dst[j] += x[o + j];
        }
        float inv = 1f / (float) rows;
        for (int j = 0; j < d; j++) dst[j] *= inv;
        OpCost.meanPool(st, rows, d);
    }

    /** Decoder head on one row: final norm (if any), quantize, output GEMM → logits. */
    private void head(float[] src, int off, InferBuffers b, float[] out, InferStats st) {
        float[] g = weights.finalNormGamma();
        if (g != null) {
            kernels.layerNorm(src, off, d, g, weights.finalNormBeta(), eps, b.headRow, 0);
            OpCost.layerNorm(st, 1, d);
        } else {
            System.arraycopy(src, off, b.headRow, 0, d);
        }
        kernels.quantizeRows(b.headRow, 0, 1, d, b.act, 0, b.actScale, 0);
        OpCost.quantize(st, d);
        gemm(b, 1, 0, weights.outputHead(), out, st);
    }

    /**
     * Encoder output, pooled as the model says ({@link ModelWeights#pooling()}): for MEAN, final norm per row (if
     * any) and the mean over the kept rows (weighted by the count of tokens each row stands for after token
     * merging); for CLS, row 0 (final norm applied to it alone), which is the chunk's [CLS] token: every BERT
     * chunk starts with it, encoder tiers keep the first rows, and token merging never merges row 0. Then
     * L2-normalised when the model asks for it.
     */
    private void encoderOutput(int keep, boolean merged, InferBuffers b, float[] out, InferStats st) {
        Pooling p = weights.pooling();
        if (p.mode() == PoolingMode.CLS) {
            float[] g = weights.finalNormGamma();
            if (g != null) {
                kernels.layerNorm(b.x, 0, d, g, weights.finalNormBeta(), eps, b.pooled, 0);
                OpCost.layerNorm(st, 1, d);
            } else {
                System.arraycopy(b.x, 0, b.pooled, 0, d);
            }
        } else {
            meanOutput(keep, merged, b, st);
        }
        if (p.normalize()) l2Normalise(b.pooled, out, st);
        else System.arraycopy(b.pooled, 0, out, 0, d);
    }

    /** Mean pooling of the kept rows into {@code b.pooled}. */
    private void meanOutput(int keep, boolean merged, InferBuffers b, InferStats st) {
        float[] src = b.x;
        float[] g = weights.finalNormGamma();
        if (g != null) {
            kernels.layerNormRows(b.x, 0, keep, d, g, weights.finalNormBeta(), eps, b.normed, 0);
            OpCost.layerNorm(st, keep, d);
            src = b.normed;
        }
        if (merged) weightedPool(src, keep, b.rowWeight, b.pooled, st);
        else pool(src, keep, b.pooled, st);
    }

    /** Σ w_r·x_r / Σ w_r over rows 0..rows−1 (f32, left to right). */
    private void weightedPool(float[] x, int rows, float[] w, float[] dst, InferStats st) {
        for (int j = 0; j < d; j++) dst[j] = 0f;
        float total = 0f;
        for (int r = 0; r < rows; r++) {
            int o = r * d;
            float wr = w[r];
            total += wr;
            for (int j = 0; j < d; j++) dst[j] += wr * x[o + j];
        }
        float inv = 1f / total;
        for (int j = 0; j < d; j++) dst[j] *= inv;
        OpCost.weightedPool(st, rows, d);
    }

    private void l2Normalise(float[] v, float[] out, InferStats st) {
        float s = 0f;
        for (int j = 0; j < d; j++) s += v[j] * v[j];
        float norm = (float) Math.sqrt(s);
        float inv = norm > 0f ? 1f / norm : 0f;
        for (int j = 0; j < d; j++) out[j] = v[j] * inv;
        OpCost.l2Normalise(st, d);
    }

    // ---------------------------------------------------------------------------------------------------------
    // One block

    private void runLayer(int l, boolean lastOnly, Call c, InferBuffers b) {
        InferStats st = c.stats;
        int keep = c.keep;
        float[] h = b.x;
        int[] pos = b.rowPos;
        int m = keep;
        boolean gathered = false;
        if (router != null) {
            m = route(keep, c, b);
            if (m < keep) {
                for (int i = 0; i < m; i++) {
                    System.arraycopy(b.x, b.compactRow[i] * d, b.compact, i * d, d);
                    b.compactPos[i] = b.rowPos[b.compactRow[i]];
                }
                h = b.compact;
                pos = b.compactPos;
                gathered = true;
            }
        }
        OpCost.block(st, m, keep);
        block(layers[l], l, h, m, pos, gathered ? b.compactRow : null, lastOnly, c, b);
        if (gathered) {
            for (int i = 0; i < m; i++) System.arraycopy(b.compact, i * d, b.x, b.compactRow[i] * d, d);
        }
    }

    /** Chooses the tokens of this block; fills {@code compactRow} in ascending order and returns their count. */
    private int route(int keep, Call c, InferBuffers b) {
        InferStats st = c.stats;
        int count = router.computeCount(c.gate, keep);
        int first = b.rowPos[0];
        for (int r = 0; r < keep; r++) b.forced[r] = false;
        if (router.config().boundaryTokenForceCompute()) {
            for (int r = 0; r < keep; r++) b.forced[r] = b.boundary[b.rowPos[r]];
        }
        SpikePacket sp = c.spikes;
        if (sp != null && sp.isActive()) {
            for (int i = 0; i < sp.topLen(); i++) {
                int r = sp.topIndex(i) - first;
                if (r >= 0 && r < keep) b.forced[r] = true;
            }
        }
        if (decoder) b.forced[keep - 1] = true;
        DepthRouter.scores(b.x, keep, d, b.headRow, b.routerScore);
        OpCost.routerScores(st, keep, d);
        DepthRouter.select(keep, count, b.forced, b.routerScore, b.chosen);
        int m = 0;
        for (int r = 0; r < keep; r++) {
            if (b.chosen[r]) b.compactRow[m++] = r;
        }
        return m;
    }

    /**
     * One transformer block on rows 0..m−1 of {@code h} (chunk positions {@code pos}, ascending). With
     * {@code lastOnly} only the last row gets the query, attention, projection and FFN.
     */
    private void block(LayerWeights w, int layer, float[] h, int m, int[] pos, int[] rows, boolean lastOnly, Call c,
                       InferBuffers b) {
        InferStats st = c.stats;
        int qStart = lastOnly ? m - 1 : 0;
        int qn = m - qStart;

        // Attention input: LayerNorm (PRE) or the residual itself (POST), quantized per row.
        float[] in = h;
        if (pre) {
            kernels.layerNormRows(h, 0, m, d, w.norm1Gamma(), w.norm1Beta(), eps, b.normed, 0);
            OpCost.layerNorm(st, m, d);
            in = b.normed;
        }
        kernels.quantizeRows(in, 0, m, d, b.act, 0, b.actScale, 0);
        OpCost.quantize(st, (long) m * d);
        gemm(b, m, 0, w.wk(), b.k, st);
        gemm(b, m, 0, w.wv(), b.v, st);
        gemm(b, qn, qStart, w.wq(), b.q, st);

        // Keys and values: reachable cache positions first, then this chunk's tokens, int8 per token and head.
        int cv = Math.min(Math.min(c.cache.length(layer), c.cacheReach), b.cacheRows);
        if (cv > 0) {
            c.cache.copyRecent(layer, cv, b.keyInt8, b.keyScale, b.valueInt8, b.valueScale);
            OpCost.kvRead(st, cv, c.cache);
        }
        for (int i = 0; i < cv; i++) b.keyPos[i] = i - cv;
        for (int j = 0; j < m; j++) b.keyPos[cv + j] = pos[j];
        boolean biased = c.merged && c.pruning.proportionalAttention();
        if (biased) {
            for (int i = 0; i < cv; i++) b.keyBias[i] = 0f;
            for (int j = 0; j < m; j++) {
                float w1 = b.rowWeight[rows == null ? j : rows[j]];
                b.keyBias[cv + j] = w1 == 1f ? 0f : (float) StrictMath.log(w1);
            }
            OpCost.keyBias(st, m);
        }
        kernels.quantizeRows(b.k, 0, m * heads, headDim, b.keyInt8, cv * d, b.keyScale, cv * heads);
        kernels.quantizeRows(b.v, 0, m * heads, headDim, b.valueInt8, cv * d, b.valueScale, cv * heads);
        kernels.quantizeRows(b.q, 0, qn * heads, headDim, b.qInt8, 0, b.qScale, 0);
        OpCost.quantize(st, (2L * m + qn) * d);

        attention(qStart, m, cv, biased, c, b);

        if (c.kvWrite) {
            int stored = c.cache.append(layer, b.keyInt8, b.keyScale, b.valueInt8, b.valueScale, cv, m);
            OpCost.kvWrite(st, stored, c.cache);
        }

        // Output projection and residual.
        kernels.quantizeRows(b.att, 0, qn, d, b.act, 0, b.actScale, 0);
        OpCost.quantize(st, (long) qn * d);
        gemm(b, qn, 0, w.wo(), b.proj, st);
        residual(b, h, qStart, qn, w.norm1Gamma(), w.norm1Beta(), st);

        // FFN: W1, GELU, W2, residual.
        float[] fin = h;
        int finOff = qStart * d;
        if (pre) {
            kernels.layerNormRows(h, qStart * d, qn, d, w.norm2Gamma(), w.norm2Beta(), eps, b.normed, 0);
            OpCost.layerNorm(st, qn, d);
            fin = b.normed;
            finOff = 0;
        }
        kernels.quantizeRows(fin, finOff, qn, d, b.act, 0, b.actScale, 0);
        OpCost.quantize(st, (long) qn * d);
        gemm(b, qn, 0, w.w1(), b.ffn, st);
        kernels.gelu(b.ffn, 0, qn * ffnDim, cfg.activation());
        OpCost.gelu(st, (long) qn * ffnDim);
        kernels.quantizeRows(b.ffn, 0, qn, ffnDim, b.act, 0, b.actScale, 0);
        OpCost.quantize(st, (long) qn * ffnDim);
        gemm(b, qn, 0, w.w2(), b.proj, st);
        residual(b, h, qStart, qn, w.norm2Gamma(), w.norm2Beta(), st);
    }

    /** h[rows qStart..] += proj[rows 0..]; POST models then normalise those rows in place. */
    private void residual(InferBuffers b, float[] h, int qStart, int qn, float[] gamma, float[] beta, InferStats st) {
        kernels.add(b.proj, 0, h, qStart * d, qn * d);
        OpCost.residualAdd(st, (long) qn * d);
        if (!pre) {
            kernels.layerNormRows(h, qStart * d, qn, d, gamma, beta, eps, h, qStart * d);
            OpCost.layerNorm(st, qn, d);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Attention

    /**
     * Multi-head attention of query rows qStart..m−1 over the visible keys (key rows 0..cv−1 from the cache,
     * cv..cv+m−1 from this chunk) into {@code b.att} rows 0..qn−1. With {@code biased}, key row j's scores get
     * {@code b.keyBias[j]} added (proportional attention for merged rows).
     *
     * <p>Key j is visible to query i (chunk positions, cache positions counted further left) when: causal
     * models: j ≤ i; and i − j &lt; window (bidirectional: |i − j| &lt; window); and, when the partition mask is
     * on, i and j share a partition or either is a boundary token (cache keys have no partition and are not
     * masked by it). A spike top-k position of this chunk is visible whatever the window and partitions when
     * SPARSE_MASK is set (causality still holds).
     */
    private void attention(int qStart, int m, int cv, boolean biased, Call c, InferBuffers b) {
        InferStats st = c.stats;
        int window = c.window;
        int stride = b.keyStride;
        long dots = 0;
        AttentionBlock at = b.attention.scoreScale(invSqrtHeadDim).keyBias(biased ? b.keyBias : null);
        at.valuesChanged();
        // Queries in blocks: the visible keys of each query of the block, then one kernel call for all heads of
        // the block (scores of the block's queries against the span of keys any of them sees: exact integers, so
        // computing a few scores that are then not used changes nothing; softmax over each query's visible keys;
        // P·V).
        for (int q0 = qStart; q0 < m; q0 += ATT_QUERY_BLOCK) {
            int q1 = Math.min(m, q0 + ATT_QUERY_BLOCK);
            int lo = Integer.MAX_VALUE;
            int hi = -1;
            for (int r = q0; r < q1; r++) {
                int list = (r - q0) * stride;
                int n = visibleKeys(b.keyPos[cv + r], r, m, cv, window, c, b, list);
                b.keyCount[r - q0] = n;
                if (n > 0) {
                    lo = Math.min(lo, b.keyList[list]);
                    hi = Math.max(hi, b.keyList[list + n - 1]);
                }
                dots += (long) n * heads;
            }
            int rows = q0 - qStart;
            if (hi < 0) {
                at.block(q1 - q0, rows * d, rows * heads, 0, 0, rows * d);
            } else {
                at.block(q1 - q0, rows * d, rows * heads, lo, hi - lo + 1, rows * d);
            }
            kernels.attendBlock(at);
        }
        OpCost.attention(st, dots, headDim);
    }

    /**
     * Fills {@code keyList[list..]} with the key rows (ascending) visible to the query at compact row r
     * (position pq); returns their count.
     */
    private int visibleKeys(int pq, int r, int m, int cv, int window, Call c, InferBuffers b, int list) {
        int n = list;
        for (int i = 0; i < cv; i++) {
            if (pq - b.keyPos[i] < window) b.keyList[n++] = i;
        }
        int last = causal ? r : m - 1;
        boolean partitions = c.partitionMask;
        boolean spikes = c.spikeMask;
        int[] part = c.partitionOf;
        for (int j = 0; j <= last; j++) {
            int pk = b.keyPos[cv + j];
            int dist = pq - pk;
            boolean visible = dist < window && -dist < window;
            if (visible && partitions) {
                visible = part[pq] == part[pk] || b.boundary[pq] || b.boundary[pk];
            }
            if (!visible && spikes) visible = b.spikeVisible[pk];
            if (visible) b.keyList[n++] = cv + j;
        }
        return n - list;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Helpers

    /** GEMM on rows rowOff..rowOff+m−1 of the quantized activations in {@code b.act}, counted. */
    private void gemm(InferBuffers b, int m, int rowOff, QuantizedMatrix w, float[] out, InferStats st) {
        kernels.gemm(m, b.act, rowOff * w.cols(), b.actScale, rowOff, w, out, 0);
        OpCost.gemm(st, m, w);
    }

}
