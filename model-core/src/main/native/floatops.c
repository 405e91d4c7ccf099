/* The float operations of a forward pass on AVX2, bit-identical to the Java reference: each function performs,
 * lane by lane, the f32 operations ScalarKernels / FloatMath / Quantization define, in the same order (sums in the
 * canonical 8-lane order: lane l takes elements i ≡ l mod 8, the tail goes to lanes 0.., then
 * ((l0+l1)+(l2+l3))+((l4+l5)+(l6+l7))). No fused multiply-add anywhere (-ffp-contract=off). */
#include "mcgt_native.h"
#include "floatref.h"

/* ---------------------------------------------------------------- quantization */

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

void mcgt_softmax(float *x, int len) {
    if (len <= 0) return;
    float max = softmax_max(x, len);
    int tail = len / 8 * 8;
    int i;
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

/* Two rows of equal length in lockstep: their dependency chains (the max, the exp polynomial, the running sum)
 * interleave, which is what a row of a hundred values is short of. */
static void softmax2(float *x0, float *x1, int len) {
    int full = len / 8 * 8;
    __m256 m0 = _mm256_set1_ps(-INFINITY), m1 = m0;
    for (int i = 0; i < full; i += 8) {
        m0 = _mm256_max_ps(_mm256_loadu_ps(x0 + i), m0);
        m1 = _mm256_max_ps(_mm256_loadu_ps(x1 + i), m1);
    }
    float max0 = fold_max8(m0, x0 + full, len - full), max1 = fold_max8(m1, x1 + full, len - full);
    __m256 v0 = _mm256_set1_ps(max0), v1 = _mm256_set1_ps(max1);
    __m256 a0 = _mm256_setzero_ps(), a1 = a0;
    for (int i = 0; i < full; i += 8) {
        __m256 e0 = exp8(_mm256_sub_ps(_mm256_loadu_ps(x0 + i), v0));
        __m256 e1 = exp8(_mm256_sub_ps(_mm256_loadu_ps(x1 + i), v1));
        _mm256_storeu_ps(x0 + i, e0);
        _mm256_storeu_ps(x1 + i, e1);
        a0 = _mm256_add_ps(a0, e0);
        a1 = _mm256_add_ps(a1, e1);
    }
    float i0 = finish_sum8(a0, x0, full, len, max0), i1 = finish_sum8(a1, x1, full, len, max1);
    __m256 w0 = _mm256_set1_ps(i0), w1 = _mm256_set1_ps(i1);
    int i = 0;
    for (; i < full; i += 8) {
        _mm256_storeu_ps(x0 + i, _mm256_mul_ps(_mm256_loadu_ps(x0 + i), w0));
        _mm256_storeu_ps(x1 + i, _mm256_mul_ps(_mm256_loadu_ps(x1 + i), w1));
    }
    for (; i < len; i++) {
        x0[i] = x0[i] * i0;
        x1[i] = x1[i] * i1;
    }
}

void mcgt_softmax_rows(float *base, int stride, const int32_t *len, int rows) {
    int r = 0;
    while (r < rows) {
        if (r + 1 < rows && len[r] > 0 && len[r + 1] == len[r]) {
            softmax2(base + (size_t)r * stride, base + (size_t)(r + 1) * stride, len[r]);
            r += 2;
        } else {
            mcgt_softmax(base + (size_t)r * stride, len[r]);
            r++;
        }
    }
}

/* ---------------------------------------------------------------- per-rung choice */

static int wide(int rung) { return rung == MCGT_RUNG_AVX512VNNI || rung == MCGT_RUNG_AMX; }

void mcgt_softmax_for(int rung, float *x, int len) {
    if (wide(rung)) mcgt_softmax_512(x, len);
    else mcgt_softmax(x, len);
}

void mcgt_softmax_rows_for(int rung, float *base, int stride, const int32_t *len, int rows) {
    if (wide(rung)) mcgt_softmax_rows_512(base, stride, len, rows);
    else mcgt_softmax_rows(base, stride, len, rows);
}

void mcgt_gelu_for(int rung, float *x, int len, int erf_form) {
    if (wide(rung)) mcgt_gelu_512(x, len, erf_form);
    else mcgt_gelu(x, len, erf_form);
}

void mcgt_quantize_rows_for(int rung, const float *x, int rows, int cols, int8_t *q, float *scales) {
    if (wide(rung)) mcgt_quantize_rows_512(x, rows, cols, q, scales);
    else mcgt_quantize_rows(x, rows, cols, q, scales);
}
