/* One block of attention queries over every head, as Kernels.attendBlock defines it: exact int8 scores from the
 * rung's GEMM, then per query and head the f32 steps of the Java reference in its order (scale, softmax, value
 * scales, P·V as y + p·v per key in list order). AVX2 float code. */
#include "mcgt_native.h"

#include <immintrin.h>
#include <string.h>

typedef struct {
    mcgt_weights kw;
    size_t packed, corr, act, scores, scales, values, probs;
} attention_plan;

static int score_rung(int rung) { return rung == MCGT_RUNG_AMX ? MCGT_RUNG_AVX512VNNI : rung; }

static attention_plan plan(int rung, int qb, int head_dim, int span) {
    attention_plan p;
    memset(&p, 0, sizeof p);
    int rr = score_rung(rung);
    p.kw.rung = rr;
    p.kw.rows = span;
    p.kw.cols = head_dim;
    p.kw.kg = rr == MCGT_RUNG_AVX2 ? 2 : 4;
    p.kw.pw = rr == MCGT_RUNG_AVX512VNNI ? 16 : 8;
    p.kw.groups = (head_dim + p.kw.kg - 1) / p.kw.kg;
    int panels = (span + p.kw.pw - 1) / p.kw.pw;
    p.kw.panels = panels + (panels & 1);
    size_t width = (size_t)p.kw.panels * p.kw.pw;
    p.packed = width * p.kw.groups * p.kw.kg * (rr == MCGT_RUNG_AVX2 ? 2 : 1);
    p.corr = rr == MCGT_RUNG_AVX2 ? 0 : width * 4;
    p.act = (size_t)qb * mcgt_act_row_bytes(rr, head_dim);
    p.scores = (size_t)qb * span * 4;
    p.scales = (size_t)span * 8;
    p.values = (size_t)span * head_dim * 4;
    p.probs = (size_t)qb * span * 4; /* every query of the block */
    return p;
}

int mcgt_attend_reserve(int rung, int qb, int head_dim, int span) {
    attention_plan p = plan(rung, qb, head_dim, span);
    return mcgt_scratch(0, p.packed + 64) && mcgt_scratch(1, p.corr + 64) && mcgt_scratch(2, p.act + 64)
           && mcgt_scratch(3, p.scores + 64) && mcgt_scratch(4, p.scales + 64) && mcgt_scratch(5, p.values + 64)
           && mcgt_scratch(6, p.probs + 64);
}

/* dst[j·hd + t] = (float) v[j·ld + t]: the head's values as f32, exact */
static void widen_values(const int8_t *v, size_t ld, int span, int hd, float *dst) {
    for (int j = 0; j < span; j++) {
        const int8_t *src = v + (size_t)j * ld;
        float *o = dst + (size_t)j * hd;
        int t = 0;
        for (; t + 8 <= hd; t += 8) {
            __m128i b = _mm_loadl_epi64((const __m128i *)(src + t));
            _mm256_storeu_ps(o + t, _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(b)));
        }
        for (; t < hd; t++) o[t] = (float)src[t];
    }
}

/* p[i] = ((float) s[i] · (qs · ks[i])) · scale, the reference's order, for keys in a contiguous range */
static void scale_scores(const int32_t *s, float qs, const float *ks, float scale, float *p, int n) {
    __m256 q = _mm256_set1_ps(qs), sc = _mm256_set1_ps(scale);
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 v = _mm256_cvtepi32_ps(_mm256_loadu_si256((const __m256i *)(s + i)));
        __m256 f = _mm256_mul_ps(q, _mm256_loadu_ps(ks + i));
        _mm256_storeu_ps(p + i, _mm256_mul_ps(_mm256_mul_ps(v, f), sc));
    }
    for (; i < n; i++) p[i] = ((float)s[i] * (qs * ks[i])) * scale;
}

/* p[i] = p[i] + v[i] */
static void add_rows(float *p, const float *v, int n) {
    int i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(p + i, _mm256_add_ps(_mm256_loadu_ps(p + i), _mm256_loadu_ps(v + i)));
    for (; i < n; i++) p[i] = p[i] + v[i];
}

/* p[i] = p[i] · v[i] */
static void mul_rows(float *p, const float *v, int n) {
    int i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(p + i, _mm256_mul_ps(_mm256_loadu_ps(p + i), _mm256_loadu_ps(v + i)));
    for (; i < n; i++) p[i] = p[i] * v[i];
}

/* y = Σ_i (in order) p[i] · v[i] over a contiguous block of value rows (hd floats each), y from 0 */
static void pv_contiguous(const float *p, const float *v, int hd, int n, float *y) {
    int c = 0;
    for (; c + 32 <= hd; c += 32) {
        __m256 y0 = _mm256_setzero_ps(), y1 = y0, y2 = y0, y3 = y0;
        const float *row = v + c;
        for (int i = 0; i < n; i++, row += hd) {
            __m256 a = _mm256_set1_ps(p[i]);
            y0 = _mm256_add_ps(y0, _mm256_mul_ps(_mm256_loadu_ps(row), a));
            y1 = _mm256_add_ps(y1, _mm256_mul_ps(_mm256_loadu_ps(row + 8), a));
            y2 = _mm256_add_ps(y2, _mm256_mul_ps(_mm256_loadu_ps(row + 16), a));
            y3 = _mm256_add_ps(y3, _mm256_mul_ps(_mm256_loadu_ps(row + 24), a));
        }
        _mm256_storeu_ps(y + c, y0);
        _mm256_storeu_ps(y + c + 8, y1);
        _mm256_storeu_ps(y + c + 16, y2);
        _mm256_storeu_ps(y + c + 24, y3);
    }
    for (; c + 8 <= hd; c += 8) {
        __m256 y0 = _mm256_setzero_ps();
        const float *row = v + c;
        for (int i = 0; i < n; i++, row += hd) y0 = _mm256_add_ps(y0, _mm256_mul_ps(_mm256_loadu_ps(row), _mm256_set1_ps(p[i])));
        _mm256_storeu_ps(y + c, y0);
    }
    for (; c < hd; c++) {
        float s = 0.0f;
        for (int i = 0; i < n; i++) s = s + p[i] * v[(size_t)i * hd + c];
        y[c] = s;
    }
}

/* pv_contiguous for two queries at once (hd a multiple of 32): eight independent add chains per key */
static void pv_pair(const float *p, const float *q, const float *v, int hd, int n, float *y, float *z) {
    for (int c = 0; c < hd; c += 32) {
        __m256 y0 = _mm256_setzero_ps(), y1 = y0, y2 = y0, y3 = y0;
        __m256 z0 = y0, z1 = y0, z2 = y0, z3 = y0;
        const float *row = v + c;
        for (int i = 0; i < n; i++, row += hd) {
            __m256 v0 = _mm256_loadu_ps(row), v1 = _mm256_loadu_ps(row + 8);
            __m256 v2 = _mm256_loadu_ps(row + 16), v3 = _mm256_loadu_ps(row + 24);
            __m256 a = _mm256_set1_ps(p[i]), b = _mm256_set1_ps(q[i]);
            y0 = _mm256_add_ps(y0, _mm256_mul_ps(v0, a));
            z0 = _mm256_add_ps(z0, _mm256_mul_ps(v0, b));
            y1 = _mm256_add_ps(y1, _mm256_mul_ps(v1, a));
            z1 = _mm256_add_ps(z1, _mm256_mul_ps(v1, b));
            y2 = _mm256_add_ps(y2, _mm256_mul_ps(v2, a));
            z2 = _mm256_add_ps(z2, _mm256_mul_ps(v2, b));
            y3 = _mm256_add_ps(y3, _mm256_mul_ps(v3, a));
            z3 = _mm256_add_ps(z3, _mm256_mul_ps(v3, b));
        }
        _mm256_storeu_ps(y + c, y0);
        _mm256_storeu_ps(y + c + 8, y1);
        _mm256_storeu_ps(y + c + 16, y2);
        _mm256_storeu_ps(y + c + 24, y3);
        _mm256_storeu_ps(z + c, z0);
        _mm256_storeu_ps(z + c + 8, z1);
        _mm256_storeu_ps(z + c + 16, z2);
        _mm256_storeu_ps(z + c + 24, z3);
    }
}

/*
 * pv_contiguous for four queries at once on 512-bit registers (hd a multiple of 32; AVX-512 rungs only): the
 * probabilities of query u at p + u·ps, its output at y + u·ys; eight independent add chains of 16 lanes per key,
 * each lane the same mul-then-add sequence in key order as the 256-bit code.
 */
__attribute__((target("avx512f"))) static void pv_quad512(const float *p, size_t ps, const float *v, int hd, int n,
                                                            float *y, size_t ys) {
    for (int c = 0; c < hd; c += 32) {
        __m512 y0 = _mm512_setzero_ps(), y1 = y0, y2 = y0, y3 = y0, y4 = y0, y5 = y0, y6 = y0, y7 = y0;
        const float *row = v + c;
        const float *p0 = p, *p1 = p + ps, *p2 = p + 2 * ps, *p3 = p + 3 * ps;
        for (int i = 0; i < n; i++, row += hd) {
            __m512 lo = _mm512_loadu_ps(row), hi = _mm512_loadu_ps(row + 16);
            __m512 a = _mm512_set1_ps(p0[i]), b = _mm512_set1_ps(p1[i]);
            __m512 cc = _mm512_set1_ps(p2[i]), dd = _mm512_set1_ps(p3[i]);
            y0 = _mm512_add_ps(y0, _mm512_mul_ps(lo, a));
            y1 = _mm512_add_ps(y1, _mm512_mul_ps(hi, a));
            y2 = _mm512_add_ps(y2, _mm512_mul_ps(lo, b));
            y3 = _mm512_add_ps(y3, _mm512_mul_ps(hi, b));
            y4 = _mm512_add_ps(y4, _mm512_mul_ps(lo, cc));
            y5 = _mm512_add_ps(y5, _mm512_mul_ps(hi, cc));
            y6 = _mm512_add_ps(y6, _mm512_mul_ps(lo, dd));
            y7 = _mm512_add_ps(y7, _mm512_mul_ps(hi, dd));
        }
        _mm512_storeu_ps(y + c, y0);
        _mm512_storeu_ps(y + c + 16, y1);
        _mm512_storeu_ps(y + ys + c, y2);
        _mm512_storeu_ps(y + ys + c + 16, y3);
        _mm512_storeu_ps(y + 2 * ys + c, y4);
        _mm512_storeu_ps(y + 2 * ys + c + 16, y5);
        _mm512_storeu_ps(y + 3 * ys + c, y6);
        _mm512_storeu_ps(y + 3 * ys + c + 16, y7);
    }
}

/* Queries r .. r + count − 1 all see exactly the contiguous keys of query r (count ≥ 2). */
static int same_keys(const mcgt_attention *at, int r, int count, int n) {
    if (r + count > at->qb) return 0;
    const int32_t *list = at->key_list + (size_t)r * at->stride;
    for (int u = 1; u < count; u++) {
        const int32_t *next = at->key_list + (size_t)(r + u) * at->stride;
        if (at->key_count[r + u] != n || next[0] != list[0] || next[n - 1] != list[n - 1]) return 0;
    }
    return 1;
}

/* y = Σ_i (in list order) p[i] · v[list[i] − lo] */
static void pv_list(const float *p, const int32_t *list, int lo, const float *v, int hd, int n, float *y) {
    int c = 0;
    for (; c + 8 <= hd; c += 8) {
        __m256 y0 = _mm256_setzero_ps();
        for (int i = 0; i < n; i++) {
            const float *row = v + (size_t)(list[i] - lo) * hd + c;
            y0 = _mm256_add_ps(y0, _mm256_mul_ps(_mm256_loadu_ps(row), _mm256_set1_ps(p[i])));
        }
        _mm256_storeu_ps(y + c, y0);
    }
    for (; c < hd; c++) {
        float s = 0.0f;
        for (int i = 0; i < n; i++) s = s + p[i] * v[(size_t)(list[i] - lo) * hd + c];
        y[c] = s;
    }
}

/*
 * Packs the keys of one head (span rows of hd int8 at stride d) into the int8 rungs' panel layout (groups of four k,
 * pw columns per panel) with the u8-offset correction 128·Σk per key: the per-call form of mcgt_pack_into for the
 * B operand of the scores, written for head widths that are a multiple of four.
 */
static void pack_keys(const int8_t *k, size_t ld, int span, int hd, int pw, int groups, int panels, int8_t *dst,
                      int32_t *corr) {
    size_t panel_bytes = (size_t)groups * pw * 4;
    for (int j = 0; j < span; j++) {
        const int8_t *src = k + (size_t)j * ld;
        int8_t *col = dst + (size_t)(j / pw) * panel_bytes + (size_t)(j % pw) * 4;
        int32_t s = 0;
        for (int g = 0; g < groups; g++) {
            int32_t v;
            memcpy(&v, src + (size_t)g * 4, 4);
            memcpy(col + (size_t)g * pw * 4, &v, 4);
            s += src[g * 4] + src[g * 4 + 1] + src[g * 4 + 2] + src[g * 4 + 3];
        }
        corr[j] = (int32_t)((uint32_t)s << 7);
    }
    /* the columns of the last panels past span: zero weights, zero correction */
    for (int j = span; j < panels * pw; j++) {
        int8_t *col = dst + (size_t)(j / pw) * panel_bytes + (size_t)(j % pw) * 4;
        for (int g = 0; g < groups; g++) memset(col + (size_t)g * pw * 4, 0, 4);
        corr[j] = 0;
    }
}

void mcgt_attend_block(int rung, const mcgt_attention *at) {
    int qb = at->qb, heads = at->heads, hd = at->head_dim, d = at->d, span = at->span, lo = at->lo;
    for (int r = 0; r < qb; r++) memset(at->out + (size_t)r * d, 0, (size_t)heads * hd * 4);
    if (span <= 0) return;
    attention_plan p = plan(rung, qb, hd, span);
    void *packed = mcgt_scratch(0, p.packed + 64);
    int32_t *corr = p.corr ? (int32_t *)mcgt_scratch(1, p.corr + 64) : NULL;
    void *act = mcgt_scratch(2, p.act + 64);
    int32_t *scores = (int32_t *)mcgt_scratch(3, p.scores + 64);
    float *ks = (float *)mcgt_scratch(4, p.scales + 64);
    float *vs = ks + span;
    float *vf = (float *)mcgt_scratch(5, p.values + 64);
    float *probs = (float *)mcgt_scratch(6, p.probs + 64);
    mcgt_weights kw = p.kw;
    kw.w = packed;
    kw.corr = corr;
    size_t lda = mcgt_act_row_bytes(kw.rung, hd);
    mcgt_epilogue e;
    memset(&e, 0, sizeof e);
    e.iout = scores;
    e.ldo = span;
    e.n = span;
    e.corr = corr;
    float score_scale = at->score_scale;
    int fast_pack = kw.rung != MCGT_RUNG_AVX2 && (hd & 3) == 0;
    for (int h = 0; h < heads; h++) {
        const int8_t *kh = at->keys + (size_t)lo * d + (size_t)h * hd;
        if (fast_pack) pack_keys(kh, (size_t)d, span, hd, kw.pw, kw.groups, kw.panels, (int8_t *)packed, corr);
        else mcgt_pack_into(kw.rung, kh, (size_t)d, span, hd, kw.kg, kw.pw, kw.groups, kw.panels, packed, corr);
        mcgt_prepare_act(kw.rung, qb, at->q + (size_t)h * hd, (size_t)d, hd, act);
        mcgt_gemm(&kw, qb, act, lda, &e);
        for (int j = 0; j < span; j++) {
            ks[j] = at->key_scale[(size_t)(lo + j) * heads + h];
            vs[j] = at->value_scale[(size_t)(lo + j) * heads + h];
        }
        widen_values(at->values + (size_t)lo * d + (size_t)h * hd, (size_t)d, span, hd, vf);
        /* probabilities of every query of the block: row r at probs + r·span */
        for (int r = 0; r < qb; r++) {
            int n = at->key_count[r];
            if (n == 0) continue;
            const int32_t *list = at->key_list + (size_t)r * at->stride;
            float *pr = probs + (size_t)r * span;
            const int32_t *srow = scores + (size_t)r * span;
            float qs = at->q_scale[(size_t)r * heads + h];
            if (list[n - 1] - list[0] == n - 1) { /* ascending and distinct: exactly [list[0], list[0] + n) */
                scale_scores(srow + (list[0] - lo), qs, ks + (list[0] - lo), score_scale, pr, n);
                if (at->key_bias) add_rows(pr, at->key_bias + list[0], n);
            } else {
                for (int i = 0; i < n; i++) {
                    int j = list[i] - lo;
                    pr[i] = ((float)srow[j] * (qs * ks[j])) * score_scale;
                }
                if (at->key_bias) {
                    for (int i = 0; i < n; i++) pr[i] = pr[i] + at->key_bias[list[i]];
                }
            }
        }
        mcgt_softmax_rows_for(rung, probs, span, at->key_count, qb);
        int r = 0;
        while (r < qb) {
            int n = at->key_count[r];
            if (n == 0) {
                r++;
                continue;
            }
            const int32_t *list = at->key_list + (size_t)r * at->stride;
            int first = list[0] - lo;
            int contiguous = list[n - 1] - list[0] == n - 1;
            /* queries that see the same contiguous keys: their P·V runs together (independent add chains),
             * four at a time on the AVX-512 rungs, two on the others */
            int wide = rung == MCGT_RUNG_AVX512VNNI || rung == MCGT_RUNG_AMX;
            int count = 1;
            if (contiguous && (hd & 31) == 0) {
                if (wide && same_keys(at, r, 4, n)) count = 4;
                else if (same_keys(at, r, 2, n)) count = 2;
            }
            for (int u = 0; u < count; u++) {
                float *pr = probs + (size_t)(r + u) * span;
                if (contiguous) mul_rows(pr, vs + first, n);
                else for (int i = 0; i < n; i++) pr[i] = pr[i] * vs[list[i] - lo];
            }
            float *pr = probs + (size_t)r * span;
            float *y = at->out + (size_t)r * d + (size_t)h * hd;
            if (count == 4) {
                pv_quad512(pr, (size_t)span, vf + (size_t)first * hd, hd, n, y, (size_t)d);
            } else if (count == 2) {
                pv_pair(pr, pr + span, vf + (size_t)first * hd, hd, n, y, y + d);
            } else if (contiguous) {
                pv_contiguous(pr, vf + (size_t)first * hd, hd, n, y);
            } else {
                pv_list(pr, list, lo, vf, hd, n, y);
            }
            r += count;
        }
    }
}
