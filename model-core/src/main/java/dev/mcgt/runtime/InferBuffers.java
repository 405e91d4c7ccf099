package dev.mcgt.runtime;

import dev.mcgt.config.TransformerConfig;
import dev.mcgt.kernel.AttentionBlock;

/**
 * Per-thread scratch of the forward pass, sized once from the config (S = seqLenMax, D = hidden,
 * F = ffnIntermediate, H = heads, K = S + the cache positions a window can reach) so that an inference
 * allocates nothing. Mutable by design; use one instance per thread, with any stream's {@link InferState}.
 */
public final class InferBuffers {
    final TransformerConfig config;
    final int cacheRows;

    // Residual stream and its working copies (rows of D floats).
    final float[] x;
    final float[] compact;
    final float[] normed;
    // Quantized activations of one GEMM input (rows of D or F bytes) and their row scales.
    final byte[] act;
    final float[] actScale;
    // GEMM outputs.
    final float[] q;
    final float[] k;
    final float[] v;
    final float[] proj;
    final float[] ffn;
    final float[] att;
    // Per-head quantized queries, keys and values (cache positions first, then the chunk).
    final byte[] qInt8;
    final float[] qScale;
    final byte[] keyInt8;
    final float[] keyScale;
    final byte[] valueInt8;
    final float[] valueScale;
    final int[] keyPos;
    // Visible keys of a block of queries (keyStride per query) and their counts; the block's kernel operands.
    final int keyStride;
    final int[] keyList;
    final int[] keyCount;
    final AttentionBlock attention;
    // Token bookkeeping: chunk position of each kept row; compact row → kept row; compact positions.
    final int[] rowPos;
    final int[] compactRow;
    final int[] compactPos;
    // Mixture-of-Depths.
    final boolean[] forced;
    final boolean[] chosen;
    final float[] routerScore;
    // Masks by chunk position.
    final boolean[] spikeVisible;
    final boolean[] boundary;
    // Pooling and head input.
    final float[] pooled;
    final float[] prevPooled;
    final float[] headRow;
    // Token merging (tier 1 with token pruning): the count each row stands for, the two sets of a round, the
    // similarities between them and each A row's best partner, order and fate.
    final float[] rowWeight;
    final int[] mergeA;
    final int[] mergeB;
    final float[] mergeSims;
    final int[] mergeTarget;
    final float[] mergeScore;
    final int[] mergeOrder;
    final boolean[] mergeDrop;
    // Proportional attention: log(count) of each key row (cache rows 0), the attention's optional score bias.
    final float[] keyBias;
    // Per-call settings of the forward pass.
    final ForwardPass.Call call = new ForwardPass.Call();

    /** Scratch for models of this shape. */
    public InferBuffers(TransformerConfig config) {
        this.config = config;
        int s = config.seqLenMax();
        int d = config.hidden();
        int f = config.ffnIntermediate();
        int h = config.heads();
        int maxWindow = Math.max(config.windowNormal(), Math.max(config.windowDegraded(), config.windowSafe()));
        cacheRows = Math.max(Math.min(config.kvContext(), maxWindow - 1), 0);
        int keys = s + cacheRows;
        x = new float[s * d];
        compact = new float[s * d];
        normed = new float[s * d];
        act = new byte[s * Math.max(d, f)];
        actScale = new float[s];
        q = new float[s * d];
        k = new float[s * d];
        v = new float[s * d];
        proj = new float[s * d];
        ffn = new float[s * f];
        att = new float[s * d];
        qInt8 = new byte[s * d];
        qScale = new float[s * h];
        keyInt8 = new byte[keys * d];
        keyScale = new float[keys * h];
        valueInt8 = new byte[keys * d];
        valueScale = new float[keys * h];
        keyPos = new int[keys];
        int block = Math.min(s, ForwardPass.ATT_QUERY_BLOCK);
        keyStride = keys;
        keyList = new int[block * keys];
        keyCount = new int[block];
        attention = new AttentionBlock(h, config.headDim(), block, keys).operands(qInt8, qScale, keyInt8, keyScale,
                valueInt8, valueScale, keyList, keyStride, keyCount, att);
        rowPos = new int[s];
        compactRow = new int[s];
        compactPos = new int[s];
        forced = new boolean[s];
        chosen = new boolean[s];
        routerScore = new float[s];
        spikeVisible = new boolean[s];
        boundary = new boolean[s];
        pooled = new float[d];
        prevPooled = new float[d];
        headRow = new float[d];
        int half = s / 2 + 1;
        rowWeight = new float[s];
        mergeA = new int[half];
        mergeB = new int[half];
        mergeSims = new float[half * half];
        mergeTarget = new int[half];
        mergeScore = new float[half];
        mergeOrder = new int[half];
        mergeDrop = new boolean[s];
        keyBias = new float[keys];
    }

    /** True when these buffers were sized for a model of this shape. */
    public boolean fits(TransformerConfig c) {
        return c.seqLenMax() == config.seqLenMax() && c.hidden() == config.hidden() && c.heads() == config.heads()
                && c.ffnIntermediate() == config.ffnIntermediate() && c.kvContext() == config.kvContext()
                && c.windowNormal() == config.windowNormal() && c.windowDegraded() == config.windowDegraded()
                && c.windowSafe() == config.windowSafe();
    }
}
