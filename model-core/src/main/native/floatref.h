/* The scalar reference and the shared AVX2 pieces of the float operations, included by floatops.c (AVX2) and
 * floatops512.c (AVX-512): FloatMath's constants with the same literals, its exp, the GELU forms, Java's float to
 * int cast and Math.max, Quantization's rounding and its per-row reference, and softmax's canonical maximum.
 * Everything is static inline; both files are compiled with at least AVX2 and -ffp-contract=off. */
#ifndef MCGT_FLOATREF_H
#define MCGT_FLOATREF_H

#include <immintrin.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

/* FloatMath's constants, written with the same literals */
#define LOG2E 1.44269504088896341f
#define ROUND_MAGIC 12582912.0f
#define ROUND_MAGIC_BITS 0x4B400000
#define LN2_HI 0.693359375f
#define LN2_LO -2.12194440e-4f
#define EXP_HI 89.0f
#define EXP_LO -104.0f
#define P2 (1.0f / 2.0f)
#define P3 (1.0f / 6.0f)
#define P4 (1.0f / 24.0f)
#define P5 (1.0f / 120.0f)
#define P6 (1.0f / 720.0f)
#define P7 (1.0f / 5040.0f)
#define GELU_C1 -1.5957691216057308f
#define GELU_C2 -0.07135481627260025f
#define INV_SQRT2 0.70710678118654752f
#define ERF_P 0.3275911f
#define ERF_A1 0.254829592f
#define ERF_A2 -0.284496736f
#define ERF_A3 1.421413741f
#define ERF_A4 -1.453152027f
#define ERF_A5 1.061405429f

static inline float bits_to_float(int32_t b) {
    float f;
    memcpy(&f, &b, 4);
    return f;
}

static inline int32_t float_to_bits(float f) {
    int32_t b;
    memcpy(&b, &f, 4);
    return b;
}

static inline float combine8(const float *s) { return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7])); }

/* FloatMath.exp */
static inline float exp_scalar(float x) {
    if (x > EXP_HI) return INFINITY;
    if (x < EXP_LO) return 0.0f;
    float t = x * LOG2E + ROUND_MAGIC;
    int32_t k = float_to_bits(t) - ROUND_MAGIC_BITS;
    float kf = t - ROUND_MAGIC;
    float r = (x - kf * LN2_HI) - kf * LN2_LO;
    float p = 1.0f + r * (1.0f + r * (P2 + r * (P3 + r * (P4 + r * (P5 + r * (P6 + r * P7))))));
    int32_t k1 = k >> 1;
    int32_t k2 = k - k1;
    return (p * bits_to_float((k1 + 127) << 23)) * bits_to_float((k2 + 127) << 23);
}

/* FloatMath.exp on eight lanes */
static inline __attribute__((always_inline)) __m256 exp8(__m256 z) {
    __m256 t = _mm256_add_ps(_mm256_mul_ps(z, _mm256_set1_ps(LOG2E)), _mm256_set1_ps(ROUND_MAGIC));
    __m256i ki = _mm256_sub_epi32(_mm256_castps_si256(t), _mm256_set1_epi32(ROUND_MAGIC_BITS));
    __m256 kf = _mm256_sub_ps(t, _mm256_set1_ps(ROUND_MAGIC));
    __m256 r = _mm256_sub_ps(_mm256_sub_ps(z, _mm256_mul_ps(kf, _mm256_set1_ps(LN2_HI))),
                             _mm256_mul_ps(kf, _mm256_set1_ps(LN2_LO)));
    __m256 p = _mm256_add_ps(_mm256_mul_ps(r, _mm256_set1_ps(P7)), _mm256_set1_ps(P6));
    p = _mm256_add_ps(_mm256_mul_ps(r, p), _mm256_set1_ps(P5));
    p = _mm256_add_ps(_mm256_mul_ps(r, p), _mm256_set1_ps(P4));
    p = _mm256_add_ps(_mm256_mul_ps(r, p), _mm256_set1_ps(P3));
    p = _mm256_add_ps(_mm256_mul_ps(r, p), _mm256_set1_ps(P2));
    p = _mm256_add_ps(_mm256_mul_ps(r, p), _mm256_set1_ps(1.0f));
    p = _mm256_add_ps(_mm256_mul_ps(r, p), _mm256_set1_ps(1.0f));
    __m256i k1 = _mm256_srai_epi32(ki, 1);
    __m256i e127 = _mm256_set1_epi32(127);
    __m256 s1 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(k1, e127), 23));
    __m256 s2 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(_mm256_sub_epi32(ki, k1), e127), 23));
    __m256 e = _mm256_mul_ps(_mm256_mul_ps(p, s1), s2);
    e = _mm256_blendv_ps(e, _mm256_set1_ps(INFINITY), _mm256_cmp_ps(z, _mm256_set1_ps(EXP_HI), _CMP_GT_OQ));
    e = _mm256_blendv_ps(e, _mm256_setzero_ps(), _mm256_cmp_ps(z, _mm256_set1_ps(EXP_LO), _CMP_LT_OQ));
    return e;
}

static inline __m256 abs8(__m256 v) { return _mm256_and_ps(v, _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff))); }

/* Java's (int) cast of a float: NaN → 0, saturating at the int range. */
static inline int32_t java_f2i(float y) {
    if (y != y) return 0;
    if (y >= 2147483648.0f) return INT32_MAX;
    if (y <= -2147483648.0f) return INT32_MIN;
    return (int32_t)y;
}

/* Java's Math.max on floats: NaN wins; +0 is larger than −0. */
static inline float java_max(float a, float b) {
    if (a != a) return a;
    if (b != b) return b;
    if (a == 0.0f && b == 0.0f) return signbit(a) ? b : a;
    return a >= b ? a : b;
}

/* Quantization.roundToInt8 */
static inline int8_t round_to_int8(float y) {
    int32_t q = java_f2i(y + copysignf(0.5f, y));
    if (q > 127) q = 127;
    if (q < -127) q = -127;
    return (int8_t)q;
}

/* Quantization.quantizeRows for one row, literally (used for zero, non-finite and tiny rows). */
static void quantize_reference(const float *x, int cols, int8_t *q, float *scale) {
    float absmax = 0.0f;
    for (int c = 0; c < cols; c++) absmax = java_max(absmax, fabsf(x[c]));
    if (absmax == 0.0f) {
        *scale = 1.0f;
        memset(q, 0, (size_t)cols);
        return;
    }
    float inv = 127.0f / absmax;
    *scale = absmax / 127.0f;
    for (int c = 0; c < cols; c++) q[c] = round_to_int8(x[c] * inv);
}

static inline float gelu_erf_scalar(float x) {
    float y = fabsf(x) * INV_SQRT2;
    float t = 1.0f / (1.0f + ERF_P * y);
    float poly = t * (ERF_A1 + t * (ERF_A2 + t * (ERF_A3 + t * (ERF_A4 + t * ERF_A5))));
    float h = (0.5f * poly) * exp_scalar(-(y * y));
    return x * (x >= 0.0f ? 1.0f - h : h);
}

static inline float gelu_tanh_scalar(float x) {
    float z = x * (GELU_C1 + GELU_C2 * (x * x));
    return x / (1.0f + exp_scalar(z));
}

static inline float max2(float a, float b) { return b > a ? b : a; }

/* The maximum of x[0..len) in the canonical order: eight lane maxima (max2, from −∞; full groups of eight, then
 * the tail to lanes 0..), combined as ((m0,m1),(m2,m3)),((m4,m5),(m6,m7)). vmaxps(v, mx) is exactly max2(mx, v)
 * (it returns its second operand when the first is not greater, NaN included). Softmax only subtracts the maximum,
 * and x − (+0) and x − (−0) differ only for x = −0, where exp gives 1 either way, so the softmax output does not
 * depend on which zero a maximum of zeros comes out as: the multi-row versions below may fold lanes in another
 * order. */
static inline float softmax_max(const float *x, int len) {
    int i = 0;
    __m256 mx = _mm256_set1_ps(-INFINITY);
    for (; i + 8 <= len; i += 8) mx = _mm256_max_ps(_mm256_loadu_ps(x + i), mx); /* v > mx ? v : mx, as max2 */
    float m[8];
    _mm256_storeu_ps(m, mx);
    int tail = i;
    for (int t = 0; tail + t < len; t++) m[t] = max2(m[t], x[tail + t]);
    float max = max2(max2(max2(m[0], m[1]), max2(m[2], m[3])), max2(max2(m[4], m[5]), max2(m[6], m[7])));
    return max;
}

/* The lane maxima of a 256-bit accumulator and a tail, folded in the canonical tree. */
static inline float fold_max8(__m256 mx, const float *tail, int tail_len) {
    float m[8];
    _mm256_storeu_ps(m, mx);
    for (int t = 0; t < tail_len; t++) m[t] = max2(m[t], tail[t]);
    return max2(max2(max2(m[0], m[1]), max2(m[2], m[3])), max2(max2(m[4], m[5]), max2(m[6], m[7])));
}

/* The canonical combine of a 256-bit sum accumulator after the tail's exps were added to its lanes; the tail's
 * values x[tail..len) are replaced by their exp(x − max). Returns 1 / sum. */
static inline float finish_sum8(__m256 acc, float *x, int tail, int len, float max) {
    float s[8];
    _mm256_storeu_ps(s, acc);
    for (int t = 0; tail + t < len; t++) {
        float e = exp_scalar(x[tail + t] - max);
        x[tail + t] = e;
        s[t] += e;
    }
    return 1.0f / combine8(s);
}

#endif
