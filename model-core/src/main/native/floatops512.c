/* The exp-heavy float operations on 512-bit registers for the AVX-512 rungs: softmax, GELU and quantization, the
 * same lane-wise operations as floatops.c on sixteen lanes (the exp polynomial is a long dependency chain, so wider
 * registers halve the time even where the CPU splits them into two 256-bit halves). Sums keep the canonical
 * eight-lane order: each 16-lane block is added to the eight-lane accumulator as its low, then its high half. */
#include "mcgt_native.h"
#include "floatref.h"

/* FloatMath.exp on sixteen lanes */
static inline __attribute__((always_inline)) __m512 exp16(__m512 z) {
    __m512 t = _mm512_add_ps(_mm512_mul_ps(z, _mm512_set1_ps(LOG2E)), _mm512_set1_ps(ROUND_MAGIC));
    __m512i ki = _mm512_sub_epi32(_mm512_castps_si512(t), _mm512_set1_epi32(ROUND_MAGIC_BITS));
    __m512 kf = _mm512_sub_ps(t, _mm512_set1_ps(ROUND_MAGIC));
    __m512 r = _mm512_sub_ps(_mm512_sub_ps(z, _mm512_mul_ps(kf, _mm512_set1_ps(LN2_HI))),
                             _mm512_mul_ps(kf, _mm512_set1_ps(LN2_LO)));
    __m512 p = _mm512_add_ps(_mm512_mul_ps(r, _mm512_set1_ps(P7)), _mm512_set1_ps(P6));
    p = _mm512_add_ps(_mm512_mul_ps(r, p), _mm512_set1_ps(P5));
    p = _mm512_add_ps(_mm512_mul_ps(r, p), _mm512_set1_ps(P4));
    p = _mm512_add_ps(_mm512_mul_ps(r, p), _mm512_set1_ps(P3));
    p = _mm512_add_ps(_mm512_mul_ps(r, p), _mm512_set1_ps(P2));
    p = _mm512_add_ps(_mm512_mul_ps(r, p), _mm512_set1_ps(1.0f));
    p = _mm512_add_ps(_mm512_mul_ps(r, p), _mm512_set1_ps(1.0f));
    __m512i k1 = _mm512_srai_epi32(ki, 1);
    __m512i e127 = _mm512_set1_epi32(127);
    __m512 s1 = _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(k1, e127), 23));
    __m512 s2 = _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(_mm512_sub_epi32(ki, k1), e127), 23));
    __m512 e = _mm512_mul_ps(_mm512_mul_ps(p, s1), s2);
    e = _mm512_mask_mov_ps(e, _mm512_cmp_ps_mask(z, _mm512_set1_ps(EXP_HI), _CMP_GT_OQ), _mm512_set1_ps(INFINITY));
    e = _mm512_mask_mov_ps(e, _mm512_cmp_ps_mask(z, _mm512_set1_ps(EXP_LO), _CMP_LT_OQ), _mm512_setzero_ps());
    return e;
}

static inline __m512 abs16(__m512 v) {
    return _mm512_castsi512_ps(_mm512_and_si512(_mm512_castps_si512(v), _mm512_set1_epi32(0x7fffffff)));
}

static inline __mmask16 tail_mask(int n) { return n >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << n) - 1u); }

/* The maximum of a row as softmax needs it (see floatref.h): 16-lane vmaxps(v, mx), folded to eight lanes. */
static inline float row_max(const float *x, int len, int full) {
    __m512 mx = _mm512_set1_ps(-INFINITY);
    int i = 0;
    for (; i + 16 <= full; i += 16) mx = _mm512_max_ps(_mm512_loadu_ps(x + i), mx);
    __m256 m8 = _mm256_max_ps(_mm512_extractf32x8_ps(mx, 1), _mm512_castps512_ps256(mx));
    if (i < full) m8 = _mm256_max_ps(_mm256_loadu_ps(x + i), m8);
    return fold_max8(m8, x + full, len - full);
}

/* exp(x − max) over the full groups of eight, stored, and summed in the canonical 8-lane order */
static inline __m256 exp_sum(float *x, int full, __m512 maxv) {
    __m256 acc = _mm256_setzero_ps();
    int i = 0;
    for (; i + 16 <= full; i += 16) {
        __m512 e = exp16(_mm512_sub_ps(_mm512_loadu_ps(x + i), maxv));
        _mm512_storeu_ps(x + i, e);
        acc = _mm256_add_ps(acc, _mm512_castps512_ps256(e));
        acc = _mm256_add_ps(acc, _mm512_extractf32x8_ps(e, 1));
    }
    if (i < full) { /* one more group of eight */
        __m512 e = exp16(_mm512_sub_ps(_mm512_maskz_loadu_ps((__mmask16)0xFF, x + i), maxv));
        _mm512_mask_storeu_ps(x + i, (__mmask16)0xFF, e);
        acc = _mm256_add_ps(acc, _mm512_castps512_ps256(e));
    }
    return acc;
}

static inline void scale_row(float *x, int len, float inv) {
    __m512 iv = _mm512_set1_ps(inv);
    for (int i = 0; i < len; i += 16) {
        __mmask16 mk = tail_mask(len - i);
        _mm512_mask_storeu_ps(x + i, mk, _mm512_mul_ps(_mm512_maskz_loadu_ps(mk, x + i), iv));
    }
}

void mcgt_softmax_512(float *x, int len) {
    if (len <= 0) return;
    int full = len / 8 * 8;
    float max = row_max(x, len, full);
    __m256 acc = exp_sum(x, full, _mm512_set1_ps(max));
    scale_row(x, len, finish_sum8(acc, x, full, len, max));
}

/* Four rows of equal length in lockstep (independent dependency chains; 32 registers hold them). */
static void softmax4_512(float *x0, float *x1, float *x2, float *x3, int len) {
    int full = len / 8 * 8;
    float m0 = row_max(x0, len, full), m1 = row_max(x1, len, full);
    float m2 = row_max(x2, len, full), m3 = row_max(x3, len, full);
    __m512 v0 = _mm512_set1_ps(m0), v1 = _mm512_set1_ps(m1), v2 = _mm512_set1_ps(m2), v3 = _mm512_set1_ps(m3);
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
    int i = 0;
    for (; i + 16 <= full; i += 16) {
        __m512 e0 = exp16(_mm512_sub_ps(_mm512_loadu_ps(x0 + i), v0));
        __m512 e1 = exp16(_mm512_sub_ps(_mm512_loadu_ps(x1 + i), v1));
        __m512 e2 = exp16(_mm512_sub_ps(_mm512_loadu_ps(x2 + i), v2));
        __m512 e3 = exp16(_mm512_sub_ps(_mm512_loadu_ps(x3 + i), v3));
        _mm512_storeu_ps(x0 + i, e0);
        _mm512_storeu_ps(x1 + i, e1);
        _mm512_storeu_ps(x2 + i, e2);
        _mm512_storeu_ps(x3 + i, e3);
        a0 = _mm256_add_ps(_mm256_add_ps(a0, _mm512_castps512_ps256(e0)), _mm512_extractf32x8_ps(e0, 1));
        a1 = _mm256_add_ps(_mm256_add_ps(a1, _mm512_castps512_ps256(e1)), _mm512_extractf32x8_ps(e1, 1));
        a2 = _mm256_add_ps(_mm256_add_ps(a2, _mm512_castps512_ps256(e2)), _mm512_extractf32x8_ps(e2, 1));
        a3 = _mm256_add_ps(_mm256_add_ps(a3, _mm512_castps512_ps256(e3)), _mm512_extractf32x8_ps(e3, 1));
    }
    if (i < full) {
        __mmask16 k8 = (__mmask16)0xFF;
        __m512 e0 = exp16(_mm512_sub_ps(_mm512_maskz_loadu_ps(k8, x0 + i), v0));
        __m512 e1 = exp16(_mm512_sub_ps(_mm512_maskz_loadu_ps(k8, x1 + i), v1));
        __m512 e2 = exp16(_mm512_sub_ps(_mm512_maskz_loadu_ps(k8, x2 + i), v2));
        __m512 e3 = exp16(_mm512_sub_ps(_mm512_maskz_loadu_ps(k8, x3 + i), v3));
        _mm512_mask_storeu_ps(x0 + i, k8, e0);
        _mm512_mask_storeu_ps(x1 + i, k8, e1);
        _mm512_mask_storeu_ps(x2 + i, k8, e2);
        _mm512_mask_storeu_ps(x3 + i, k8, e3);
        a0 = _mm256_add_ps(a0, _mm512_castps512_ps256(e0));
        a1 = _mm256_add_ps(a1, _mm512_castps512_ps256(e1));
        a2 = _mm256_add_ps(a2, _mm512_castps512_ps256(e2));
        a3 = _mm256_add_ps(a3, _mm512_castps512_ps256(e3));
    }
    scale_row(x0, len, finish_sum8(a0, x0, full, len, m0));
    scale_row(x1, len, finish_sum8(a1, x1, full, len, m1));
    scale_row(x2, len, finish_sum8(a2, x2, full, len, m2));
    scale_row(x3, len, finish_sum8(a3, x3, full, len, m3));
}

void mcgt_softmax_rows_512(float *base, int stride, const int32_t *len, int rows) {
    int r = 0;
    while (r < rows) {
        int n = len[r];
        if (r + 3 < rows && n > 0 && len[r + 1] == n && len[r + 2] == n && len[r + 3] == n) {
            float *x = base + (size_t)r * stride;
            softmax4_512(x, x + stride, x + 2 * (size_t)stride, x + 3 * (size_t)stride, n);
            r += 4;
        } else {
            mcgt_softmax_512(base + (size_t)r * stride, n);
            r++;
        }
    }
}

static inline __attribute__((always_inline)) __m512 gelu_erf16(__m512 v) {
    __m512 one = _mm512_set1_ps(1.0f);
    __m512 y = _mm512_mul_ps(abs16(v), _mm512_set1_ps(INV_SQRT2));
    __m512 tt = _mm512_div_ps(one, _mm512_add_ps(_mm512_mul_ps(y, _mm512_set1_ps(ERF_P)), one));
    __m512 poly = _mm512_add_ps(_mm512_mul_ps(tt, _mm512_set1_ps(ERF_A5)), _mm512_set1_ps(ERF_A4));
    poly = _mm512_add_ps(_mm512_mul_ps(tt, poly), _mm512_set1_ps(ERF_A3));
    poly = _mm512_add_ps(_mm512_mul_ps(tt, poly), _mm512_set1_ps(ERF_A2));
    poly = _mm512_add_ps(_mm512_mul_ps(tt, poly), _mm512_set1_ps(ERF_A1));
    poly = _mm512_mul_ps(tt, poly);
    __m512 z = _mm512_castsi512_ps(_mm512_xor_si512(_mm512_castps_si512(_mm512_mul_ps(y, y)),
                                                    _mm512_set1_epi32((int32_t)0x80000000u)));
    __m512 h = _mm512_mul_ps(_mm512_mul_ps(poly, _mm512_set1_ps(0.5f)), exp16(z));
    __mmask16 ge = _mm512_cmp_ps_mask(v, _mm512_setzero_ps(), _CMP_GE_OQ);
    return _mm512_mul_ps(v, _mm512_mask_mov_ps(h, ge, _mm512_sub_ps(one, h)));
}

static inline __attribute__((always_inline)) __m512 gelu_tanh16(__m512 v) {
    __m512 z = _mm512_mul_ps(v, _mm512_add_ps(_mm512_mul_ps(_mm512_mul_ps(v, v), _mm512_set1_ps(GELU_C2)),
                                              _mm512_set1_ps(GELU_C1)));
    return _mm512_div_ps(v, _mm512_add_ps(exp16(z), _mm512_set1_ps(1.0f)));
}

void mcgt_gelu_512(float *x, int len, int erf_form) {
    int i = 0;
    /* two independent vectors per step: the polynomial chains are long, the CPU overlaps two of them */
    if (erf_form) {
        for (; i + 32 <= len; i += 32) {
            __m512 a = gelu_erf16(_mm512_loadu_ps(x + i));
            __m512 b = gelu_erf16(_mm512_loadu_ps(x + i + 16));
            _mm512_storeu_ps(x + i, a);
            _mm512_storeu_ps(x + i + 16, b);
        }
    } else {
        for (; i + 32 <= len; i += 32) {
            __m512 a = gelu_tanh16(_mm512_loadu_ps(x + i));
            __m512 b = gelu_tanh16(_mm512_loadu_ps(x + i + 16));
            _mm512_storeu_ps(x + i, a);
            _mm512_storeu_ps(x + i + 16, b);
        }
    }
    for (; i < len; i += 16) {
        __mmask16 mk = tail_mask(len - i);
        __m512 v = _mm512_maskz_loadu_ps(mk, x + i);
        _mm512_mask_storeu_ps(x + i, mk, erf_form ? gelu_erf16(v) : gelu_tanh16(v));
    }
}

void mcgt_quantize_rows_512(const float *x, int rows, int cols, int8_t *q, float *scales) {
    for (int r = 0; r < rows; r++) {
        const float *xr = x + (size_t)r * cols;
        int8_t *qr = q + (size_t)r * cols;
        __m512 mx = _mm512_setzero_ps();
        __mmask16 bad = 0;
        for (int c = 0; c < cols; c += 16) {
            __m512 v = _mm512_maskz_loadu_ps(tail_mask(cols - c), xr + c);
            mx = _mm512_max_ps(mx, abs16(v));
            /* v·0 is ±0 for a finite v and NaN otherwise */
            bad |= _mm512_cmp_ps_mask(_mm512_mul_ps(v, _mm512_setzero_ps()), _mm512_setzero_ps(), _CMP_NEQ_UQ);
        }
        float absmax = _mm512_reduce_max_ps(mx);
        float inv = 127.0f / absmax;
        if (bad || absmax == 0.0f || !(inv < INFINITY)) {
            quantize_reference(xr, cols, qr, scales + r);
            continue;
        }
        scales[r] = absmax / 127.0f;
        __m512 iv = _mm512_set1_ps(inv);
        __m512i sign = _mm512_set1_epi32((int32_t)0x80000000u);
        __m512i half = _mm512_castps_si512(_mm512_set1_ps(0.5f));
        __m512i hi = _mm512_set1_epi32(127), lo = _mm512_set1_epi32(-127);
        for (int c = 0; c < cols; c += 16) {
            __mmask16 mk = tail_mask(cols - c);
            __m512 y = _mm512_mul_ps(_mm512_maskz_loadu_ps(mk, xr + c), iv);
            __m512 h = _mm512_castsi512_ps(_mm512_or_si512(half, _mm512_and_si512(_mm512_castps_si512(y), sign)));
            __m512i qi = _mm512_cvttps_epi32(_mm512_add_ps(y, h));
            qi = _mm512_max_epi32(_mm512_min_epi32(qi, hi), lo);
            _mm512_mask_cvtsepi32_storeu_epi8(qr + c, mk, qi);
        }
    }
}
