package dev.mcgt.runtime;

/**
 * Estimated f32 operations per element of the non-GEMM steps, read off the operation definitions in
 * {@link dev.mcgt.kernel.Kernels} and {@link dev.mcgt.kernel.FloatMath}. They feed the energy estimate only.
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
}
