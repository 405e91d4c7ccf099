package dev.mcgt.runtime;

import dev.mcgt.kernel.QuantizedMatrix;

/**
 * The one place where the work of an inference is counted: a cost function per step of the forward pass, each
 * adding what its step did to an {@link InferStats}, from the step's shapes only. {@link ForwardPass} and
 * {@link TokenMerger} call the function of a step right beside the step and do no arithmetic on the counters
 * themselves; {@code WorkAccountingTest} runs inferences on a kernel that records the calls it gets and checks
 * the GEMM calls, MACs, attention dots, weight bytes, tokens and KV bytes these functions report against them, so
 * a new or changed step that is not counted, or counted wrongly, fails there.
 *
 * <p>The f32 operation counts are estimates per element, read off the operation definitions in
 * {@link dev.mcgt.kernel.Kernels} and {@link dev.mcgt.kernel.FloatMath} (constants below); they feed the energy
 * estimate only. All functions add integers, so the order of the calls does not change a counter.
 */
final class OpCost {
    private OpCost() { }

    /** Polynomial exp: range reduction (3 mul, 3 add) and a degree-7 Horner (7 mul, 7 add), 2 scale mul. */
    static final int EXP_MUL = 12;
    static final int EXP_ADD = 10;
    /** GELU (tanh form: x², two mul, add, exp, add, divide; the erf form is similar). */
    static final int GELU_MUL = 4 + EXP_MUL;
    static final int GELU_ADD = 2 + EXP_ADD;
    /** Softmax: subtract max, exp, accumulate, normalise. */
    static final int SOFTMAX_MUL = 1 + EXP_MUL;
    static final int SOFTMAX_ADD = 2 + EXP_ADD;
    /** LayerNorm: mean sum; deviation, square, sum; (γ·(x − mean))·inv + β. */
    static final int NORM_MUL = 3;
    static final int NORM_ADD = 5;
    /** Per-row quantization: the multiply by 127/absmax and the rounding add. */
    static final int QUANT_MUL = 1;
    static final int QUANT_ADD = 1;
    /** GEMM epilogue per output: two scale multiplies (bias add counted separately). */
    static final int GEMM_OUT_MUL = 2;
    /** Attention score per dot: (acc · (qScale · kScale)) · 1/√d. */
    static final int SCORE_MUL = 3;

    // ---------------------------------------------------------------------------------------------------------
    // Blocks and tokens

    /** One block ran on {@code computed} of {@code kept} rows (Mixture-of-Depths routed the others around it). */
    static void block(InferStats st, int computed, int kept) {
        st.layersExecuted++;
        st.tokensComputed += computed;
        st.tokensSkipped += kept - computed;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Kernel steps

    /** A quantized GEMM on {@code m} rows against {@code w}: its int8 MACs, its whole matrix read, the epilogue. */
    static void gemm(InferStats st, int m, QuantizedMatrix w) {
        long outputs = (long) m * w.rows();
        st.gemmCalls++;
        st.macs += outputs * w.cols();
        st.weightBytesRead += w.byteSize();
        st.floatMultiplies += outputs * GEMM_OUT_MUL;
        if (w.bias() != null) st.floatAdds += outputs;
    }

    /** One LayerNorm call on {@code rows} rows of width {@code d}: the per-element work and its γ and β read once. */
    static void layerNorm(InferStats st, long rows, int d) {
        st.floatMultiplies += rows * d * NORM_MUL;
        st.floatAdds += rows * d * NORM_ADD;
        st.weightBytesRead += 8L * d;
    }

    /** Per-row int8 quantization of {@code elements} values. */
    static void quantize(InferStats st, long elements) {
        st.floatMultiplies += elements * QUANT_MUL;
        st.floatAdds += elements * QUANT_ADD;
    }

    /** GELU on {@code elements} values. */
    static void gelu(InferStats st, long elements) {
        st.floatMultiplies += elements * GELU_MUL;
        st.floatAdds += elements * GELU_ADD;
    }

    /** A residual add of {@code elements} values. */
    static void residualAdd(InferStats st, long elements) {
        st.floatAdds += elements;
    }

    /**
     * Attention with {@code dots} query-key dot products (one per head, query and visible key) of
     * {@code headDim} int8 MACs each: the score scaling, softmax and the value mixing per dot.
     */
    static void attention(InferStats st, long dots, int headDim) {
        st.attentionDots += dots;
        st.macs += dots * headDim;
        st.floatMultiplies += dots * (SCORE_MUL + SOFTMAX_MUL + 1 + headDim);
        st.floatAdds += dots * (SOFTMAX_ADD + headDim);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Java steps of the forward pass

    /** Embedding of {@code rows} tokens from {@code tables} tables (token, position, and type when present). */
    static void embed(InferStats st, int rows, int tables, int d) {
        st.weightBytesRead += (long) rows * tables * (d + 4);
        st.floatMultiplies += (long) rows * tables * d;
        st.floatAdds += (long) rows * (tables - 1) * d;
    }

    /** Mean of {@code rows} rows of width {@code d}. */
    static void meanPool(InferStats st, int rows, int d) {
        st.floatAdds += (long) rows * d;
        st.floatMultiplies += d;
    }

    /** Weighted mean of {@code rows} rows of width {@code d} (the weights summed too). */
    static void weightedPool(InferStats st, int rows, int d) {
        st.floatAdds += (long) rows * d + rows;
        st.floatMultiplies += (long) rows * d + d;
    }

    /** L2 normalisation of one vector of width {@code d}. */
    static void l2Normalise(InferStats st, int d) {
        st.floatMultiplies += 2L * d;
        st.floatAdds += d;
    }

    /** Mixture-of-Depths router scores of {@code rows} rows of width {@code d}. */
    static void routerScores(InferStats st, int rows, int d) {
        st.floatAdds += 3L * rows * d;
        st.floatMultiplies += (long) rows * d + d;
    }

    /** The log-count key biases of {@code rows} merged rows (proportional attention). */
    static void keyBias(InferStats st, int rows) {
        st.floatMultiplies += rows;
    }

    /** Token merging: cosine similarities of {@code na} × {@code nb} rows of width {@code d} (normalising both sets). */
    static void mergeSimilarities(InferStats st, int na, int nb, int d) {
        st.floatMultiplies += (long) na * nb * d + 2L * (na + nb) * d;
        st.floatAdds += (long) na * nb * d + (long) (na + nb) * d;
    }

    /** Token merging: {@code merges} weighted row averages, of the metric rows too when they are {@code separate}. */
    static void mergeAverages(InferStats st, int merges, boolean separate, int d) {
        st.floatMultiplies += (separate ? 6L : 3L) * merges * d;
        st.floatAdds += (separate ? 2L : 1L) * merges * d;
    }

    // ---------------------------------------------------------------------------------------------------------
    // KV cache

    /** {@code positions} cached positions read. */
    static void kvRead(InferStats st, int positions, KvCache cache) {
        st.kvBytesRead += (long) positions * cache.bytesPerPosition();
    }

    /** {@code positions} positions written to the cache. */
    static void kvWrite(InferStats st, int positions, KvCache cache) {
        st.kvBytesWritten += (long) positions * cache.bytesPerPosition();
    }
}
