package dev.mcgt.kernel;

/**
 * The f32 elementary functions shared by every kernel: a polynomial {@link #exp}, the two GELU forms and the
 * canonical 8-lane combine. Each function is a fixed sequence of f32 +, −, ×, ÷, comparisons and bit
 * manipulation, with no fused multiply-add and no call into {@link Math#exp} or {@link Math#tanh}, so a vector
 * lane that performs the same sequence produces the same bits. The vector kernel mirrors these bodies
 * lane-wise; change both together.
 */
public final class FloatMath {
    private FloatMath() { }

    /** log2(e). */
    static final float LOG2E = 1.44269504088896341f;
    /** 1.5·2²³: adding it rounds a float of magnitude below 2²² to an integer, readable from the low bits. */
    static final float ROUND_MAGIC = 12582912f;
    /** Raw bits of {@link #ROUND_MAGIC}. */
    static final int ROUND_MAGIC_BITS = 0x4B40_0000;
    /** High part of ln 2 with 9 significant bits, so k·LN2_HI is exact for |k| < 2⁸ · 2. */
    static final float LN2_HI = 0.693359375f;
    /** ln 2 − LN2_HI. */
    static final float LN2_LO = -2.12194440e-4f;
    /** Above this exp overflows to +∞ (e^89 > Float.MAX_VALUE). */
    static final float EXP_HI = 89f;
    /** Below this exp is 0 (e^-104 < 2^-150, under half the smallest subnormal). */
    static final float EXP_LO = -104f;
    /** Taylor coefficients 1/n! of e^r on |r| ≤ ln2/2; the degree-8 remainder is below 0.1 ulp. */
    static final float P2 = 1f / 2f;
    static final float P3 = 1f / 6f;
    static final float P4 = 1f / 24f;
    static final float P5 = 1f / 120f;
    static final float P6 = 1f / 720f;
    static final float P7 = 1f / 5040f;

    /** −2·√(2/π): GELU-tanh as x / (1 + e^z) with z = x·(C1 + C2·x²). */
    static final float GELU_C1 = -1.5957691216057308f;
    /** −2·√(2/π)·0.044715. */
    static final float GELU_C2 = -0.07135481627260025f;

    /** 1/√2. */
    static final float INV_SQRT2 = 0.70710678118654752f;
    /** Abramowitz and Stegun 7.1.26 erf approximation (absolute error ≤ 1.5e-7): t = 1/(1 + P·y). */
    static final float ERF_P = 0.3275911f;
    static final float ERF_A1 = 0.254829592f;
    static final float ERF_A2 = -0.284496736f;
    static final float ERF_A3 = 1.421413741f;
    static final float ERF_A4 = -1.453152027f;
    static final float ERF_A5 = 1.061405429f;

    /**
     * e^x in f32, within about two ulp of the exact value for normal results; 0 below −104 (results under
     * the smallest subnormal), +∞ above 89, NaN for NaN.
     *
     * <p>Steps: t = x·log2e + 1.5·2²³ (k = round(x·log2e) read from t's low bits, kf = t − 1.5·2²³);
     * r = (x − kf·LN2_HI) − kf·LN2_LO; p = Horner of the degree-7 Taylor polynomial of e^r;
     * result = (p · 2^(k>>1)) · 2^(k − (k>>1)), the scale split in two so subnormal and near-overflow results
     * come out right.
     */
    public static float exp(float x) {
        if (x > EXP_HI) return Float.POSITIVE_INFINITY;
        if (x < EXP_LO) return 0f;
        float t = x * LOG2E + ROUND_MAGIC;
        int k = Float.floatToRawIntBits(t) - ROUND_MAGIC_BITS;
        float kf = t - ROUND_MAGIC;
        float r = (x - kf * LN2_HI) - kf * LN2_LO;
        float p = 1f + r * (1f + r * (P2 + r * (P3 + r * (P4 + r * (P5 + r * (P6 + r * P7))))));
        int k1 = k >> 1;
        int k2 = k - k1;
        float s1 = Float.intBitsToFloat((k1 + 127) << 23);
        float s2 = Float.intBitsToFloat((k2 + 127) << 23);
        return (p * s1) * s2;
    }

    /**
     * GELU, tanh form: 0.5·x·(1 + tanh(√(2/π)(x + 0.044715x³))) evaluated as the identical x / (1 + e^z),
     * z = x·(C1 + C2·(x·x)) with C1 = −2√(2/π), C2 = C1·0.044715.
     */
    public static float geluTanh(float x) {
        float z = x * (GELU_C1 + GELU_C2 * (x * x));
        return x / (1f + exp(z));
    }

    /**
     * GELU, exact erf form 0.5·x·(1 + erf(x/√2)). With y = |x|/√2, t = 1/(1 + P·y) and
     * h = (0.5·t·(A1 + t(A2 + t(A3 + t(A4 + t·A5))))) · e^(−y²) = erfc(y)/2, the result is x·(1 − h) for
     * x ≥ 0 and x·h otherwise (no cancellation on the negative side).
     */
    public static float geluErf(float x) {
        float y = Math.abs(x) * INV_SQRT2;
        float t = 1f / (1f + ERF_P * y);
        float poly = t * (ERF_A1 + t * (ERF_A2 + t * (ERF_A3 + t * (ERF_A4 + t * ERF_A5))));
        float h = (0.5f * poly) * exp(-(y * y));
        return x * (x >= 0f ? 1f - h : h);
    }

    /** The canonical combine of eight lane partials: ((s0+s1)+(s2+s3))+((s4+s5)+(s6+s7)). */
    public static float combine8(float s0, float s1, float s2, float s3, float s4, float s5, float s6, float s7) {
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }

    /** The max step of softmax: {@code b > a ? b : a} (NaN never wins, ties keep {@code a}). */
    static float max2(float a, float b) {
        return b > a ? b : a;
    }

    /** Canonical combine of eight lane maxima with {@link #max2}, in the tree order of {@link #combine8}. */
    static float max8(float s0, float s1, float s2, float s3, float s4, float s5, float s6, float s7) {
        return max2(max2(max2(s0, s1), max2(s2, s3)), max2(max2(s4, s5), max2(s6, s7)));
    }
}
