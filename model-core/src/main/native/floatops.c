/* The float operations of a forward pass on AVX2, bit-identical to the Java reference: each function performs,
 * lane by lane, the f32 operations ScalarKernels / FloatMath / Quantization define, in the same order (sums in the
 * canonical 8-lane order: lane l takes elements i ≡ l mod 8, the tail goes to lanes 0.., then
 * ((l0+l1)+(l2+l3))+((l4+l5)+(l6+l7))). No fused multiply-add anywhere (-ffp-contract=off). */
#include "mcgt_native.h"

#include <immintrin.h>
#include <math.h>
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

/* ---------------------------------------------------------------- quantization */

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

void mcgt_quantize_rows(const float *x, int rows, int cols, int8_t *q, float *scales) {
    for (int r = 0; r < rows; r++) {
        const float *xr = x + (size_t)r * cols;
        int8_t *qr = q + (size_t)r * cols;
        __m256 mx = _mm256_setzero_ps();
        __m256 fin = _mm256_setzero_ps();
        int c = 0;
        for (; c + 8 <= cols; c += 8) {
            __m256 v = _mm256_loadu_ps(xr + c);
            mx = _mm256_max_ps(mx, abs8(v));
            fin = _mm256_add_ps(fin, _mm256_mul_ps(v, _mm256_setzero_ps()));
        }
        float lanes[8], fl[8];
        _mm256_storeu_ps(lanes, mx);
        _mm256_storeu_ps(fl, fin);
        float absmax = 0.0f, finite = 0.0f;
        for (int l = 0; l < 8; l++) {
            absmax = absmax > lanes[l] ? absmax : lanes[l];
            finite += fl[l];
        }
        for (; c < cols; c++) {
            float a = fabsf(xr[c]);
            absmax = absmax > a ? absmax : a;
            finite += xr[c] * 0.0f;
        }
        float inv = 127.0f / absmax;
        if (finite != 0.0f || absmax == 0.0f || !(inv < INFINITY)) {
            quantize_reference(xr, cols, qr, scales + r);
            continue;
        }
        scales[r] = absmax / 127.0f;
        __m256 iv = _mm256_set1_ps(inv);
        __m256 half = _mm256_set1_ps(0.5f);
        __m256 sign = _mm256_castsi256_ps(_mm256_set1_epi32((int32_t)0x80000000u));
        __m256i hi = _mm256_set1_epi32(127), lo = _mm256_set1_epi32(-127);
        c = 0;
        for (; c + 8 <= cols; c += 8) {
            __m256 y = _mm256_mul_ps(_mm256_loadu_ps(xr + c), iv);
            __m256 h = _mm256_or_ps(half, _mm256_and_ps(y, sign)); /* copySign(0.5f, y) */
            __m256i qi = _mm256_cvttps_epi32(_mm256_add_ps(y, h));
            qi = _mm256_max_epi32(_mm256_min_epi32(qi, hi), lo);
            __m128i w16 = _mm_packs_epi32(_mm256_castsi256_si128(qi), _mm256_extracti128_si256(qi, 1));
            __m128i b8 = _mm_packs_epi16(w16, w16);
            _mm_storel_epi64((__m128i *)(qr + c), b8);
        }
        for (; c < cols; c++) qr[c] = round_to_int8(xr[c] * inv);
    }
}

/* ---------------------------------------------------------------- LayerNorm */

static float sum_canonical(const float *x, int n) {
    __m256 acc = _mm256_setzero_ps();
    int i = 0;
    for (; i + 8 <= n; i += 8) acc = _mm256_add_ps(acc, _mm256_loadu_ps(x + i));
    float s[8];
    _mm256_storeu_ps(s, acc);
    for (int t = 0; i + t < n; t++) s[t] += x[i + t];
    return combine8(s);
}

void mcgt_layer_norm_rows(const float *x, int rows, int n, const float *gamma, const float *beta, float eps,
                          float *out) {
    float fn = (float)n;
    for (int r = 0; r < rows; r++) {
        const float *xr = x + (size_t)r * n;
        float *o = out + (size_t)r * n;
        float mean = sum_canonical(xr, n) / fn;
        __m256 mv = _mm256_set1_ps(mean);
        __m256 acc = _mm256_setzero_ps();
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            __m256 d = _mm256_sub_ps(_mm256_loadu_ps(xr + i), mv);
            acc = _mm256_add_ps(acc, _mm256_mul_ps(d, d));
        }
        float s[8];
        _mm256_storeu_ps(s, acc);
        for (int t = 0; i + t < n; t++) {
            float d = xr[i + t] - mean;
            s[t] += d * d;
        }
        float var = combine8(s) / fn;
        float inv = 1.0f / (float)sqrt((double)(var + eps));
        __m256 ivv = _mm256_set1_ps(inv);
        i = 0;
        for (; i + 8 <= n; i += 8) {
            __m256 v = _mm256_loadu_ps(xr + i);
            __m256 g = _mm256_loadu_ps(gamma + i);
            __m256 b = _mm256_loadu_ps(beta + i);
            _mm256_storeu_ps(o + i, _mm256_add_ps(_mm256_mul_ps(_mm256_mul_ps(g, _mm256_sub_ps(v, mv)), ivv), b));
        }
        for (; i < n; i++) o[i] = (gamma[i] * (xr[i] - mean)) * inv + beta[i];
    }
}

/* ---------------------------------------------------------------- GELU */

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

void mcgt_gelu(float *x, int len, int erf_form) {
    int i = 0;
    __m256 one = _mm256_set1_ps(1.0f);
    if (erf_form) {
        for (; i + 8 <= len; i += 8) {
            __m256 v = _mm256_loadu_ps(x + i);
            __m256 y = _mm256_mul_ps(abs8(v), _mm256_set1_ps(INV_SQRT2));
            __m256 tt = _mm256_div_ps(one, _mm256_add_ps(_mm256_mul_ps(y, _mm256_set1_ps(ERF_P)), one));
            __m256 poly = _mm256_add_ps(_mm256_mul_ps(tt, _mm256_set1_ps(ERF_A5)), _mm256_set1_ps(ERF_A4));
            poly = _mm256_add_ps(_mm256_mul_ps(tt, poly), _mm256_set1_ps(ERF_A3));
            poly = _mm256_add_ps(_mm256_mul_ps(tt, poly), _mm256_set1_ps(ERF_A2));
            poly = _mm256_add_ps(_mm256_mul_ps(tt, poly), _mm256_set1_ps(ERF_A1));
            poly = _mm256_mul_ps(tt, poly);
            __m256 z = _mm256_xor_ps(_mm256_mul_ps(y, y), _mm256_castsi256_ps(_mm256_set1_epi32((int32_t)0x80000000u)));
            __m256 e = exp8(z);
            __m256 h = _mm256_mul_ps(_mm256_mul_ps(poly, _mm256_set1_ps(0.5f)), e);
            __m256 ge = _mm256_cmp_ps(v, _mm256_setzero_ps(), _CMP_GE_OQ);
            __m256 f = _mm256_blendv_ps(h, _mm256_sub_ps(one, h), ge);
            _mm256_storeu_ps(x + i, _mm256_mul_ps(v, f));
        }
        for (; i < len; i++) x[i] = gelu_erf_scalar(x[i]);
    } else {
        for (; i + 8 <= len; i += 8) {
            __m256 v = _mm256_loadu_ps(x + i);
            __m256 z = _mm256_mul_ps(v, _mm256_add_ps(_mm256_mul_ps(_mm256_mul_ps(v, v), _mm256_set1_ps(GELU_C2)),
                                                      _mm256_set1_ps(GELU_C1)));
            __m256 e = exp8(z);
            _mm256_storeu_ps(x + i, _mm256_div_ps(v, _mm256_add_ps(e, one)));
        }
        for (; i < len; i++) x[i] = gelu_tanh_scalar(x[i]);
    }
}

/* ---------------------------------------------------------------- softmax */

static inline float max2(float a, float b) { return b > a ? b : a; }

void mcgt_softmax(float *x, int len) {
    if (len <= 0) return;
    __m256 mx = _mm256_set1_ps(-INFINITY);
    int i = 0;
    for (; i + 8 <= len; i += 8) {
        __m256 v = _mm256_loadu_ps(x + i);
        mx = _mm256_blendv_ps(mx, v, _mm256_cmp_ps(v, mx, _CMP_GT_OQ));
    }
    float m[8];
    _mm256_storeu_ps(m, mx);
    int tail = i;
    for (int t = 0; tail + t < len; t++) m[t] = max2(m[t], x[tail + t]);
    float max = max2(max2(max2(m[0], m[1]), max2(m[2], m[3])), max2(max2(m[4], m[5]), max2(m[6], m[7])));
    __m256 maxv = _mm256_set1_ps(max);
    __m256 acc = _mm256_setzero_ps();
    for (i = 0; i + 8 <= len; i += 8) {
        __m256 e = exp8(_mm256_sub_ps(_mm256_loadu_ps(x + i), maxv));
        _mm256_storeu_ps(x + i, e);
        acc = _mm256_add_ps(acc, e);
    }
    float s[8];
    _mm256_storeu_ps(s, acc);
    for (int t = 0; tail + t < len; t++) {
        float e = exp_scalar(x[tail + t] - max);
        x[tail + t] = e;
        s[t] += e;
    }
    float inv = 1.0f / combine8(s);
    __m256 iv = _mm256_set1_ps(inv);
    for (i = 0; i + 8 <= len; i += 8) _mm256_storeu_ps(x + i, _mm256_mul_ps(_mm256_loadu_ps(x + i), iv));
    for (; i < len; i++) x[i] = x[i] * inv;
}

void mcgt_add(const float *x, float *y, int len) {
    int d = 0;
    for (; d + 8 <= len; d += 8) _mm256_storeu_ps(y + d, _mm256_add_ps(_mm256_loadu_ps(y + d), _mm256_loadu_ps(x + d)));
    for (; d < len; d++) y[d] = y[d] + x[d];
}
