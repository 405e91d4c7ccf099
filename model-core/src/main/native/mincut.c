/* Stoer–Wagner minimum cut (Kernels.minCut; the reference is dev.mcgt.kernel.StoerWagner), one call per cut.
 * Compiled twice: with MCGT_MINCUT_512 for the AVX-512 rungs (mcgt_min_cut_512) and without it for AVX2
 * (mcgt_min_cut_256). Each key update and its maximum are one pass: per lane the largest key seen so far (strict
 * comparison: the first of equal keys stays, NaN never enters) and its slot, in two independent sets of lanes; the
 * pass's maximum is the largest lane value and its slot the lowest slot among the lanes that hold it, which is the
 * slot a strict scan in slot order picks. Every key and merged weight is the reference's f64 add of the same two
 * values, so the cut weight and the sides are bit-identical to the Java kernels. */
#include "mcgt_native.h"

#include <immintrin.h>
#include <math.h>
#include <string.h>

#ifdef MCGT_MINCUT_512

/* key[u] += w[u] for u < m; returns the first slot of the maximal key, or -1 when none is above -inf */
static inline int add_argmax(double *restrict key, const double *restrict w, int m) {
    const __m512d ninf = _mm512_set1_pd(-INFINITY);
    const __m512i eight = _mm512_set1_epi64(8);
    __m512d mx0 = ninf, mx1 = ninf;
    __m512i ix0 = _mm512_setzero_si512(), ix1 = ix0;
    __m512i cur = _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0);
    int u = 0;
    for (; u + 16 <= m; u += 16) {
        __m512d k0 = _mm512_add_pd(_mm512_loadu_pd(key + u), _mm512_loadu_pd(w + u));
        __m512d k1 = _mm512_add_pd(_mm512_loadu_pd(key + u + 8), _mm512_loadu_pd(w + u + 8));
        _mm512_storeu_pd(key + u, k0);
        _mm512_storeu_pd(key + u + 8, k1);
        __mmask8 g0 = _mm512_cmp_pd_mask(k0, mx0, _CMP_GT_OQ);
        __mmask8 g1 = _mm512_cmp_pd_mask(k1, mx1, _CMP_GT_OQ);
        __m512i cur1 = _mm512_add_epi64(cur, eight);
        mx0 = _mm512_mask_mov_pd(mx0, g0, k0);
        ix0 = _mm512_mask_mov_epi64(ix0, g0, cur);
        mx1 = _mm512_mask_mov_pd(mx1, g1, k1);
        ix1 = _mm512_mask_mov_epi64(ix1, g1, cur1);
        cur = _mm512_add_epi64(cur1, eight);
    }
    for (; u < m; u += 8) { /* up to two blocks left, the last one masked; their slots follow every earlier one */
        int r = m - u;
        __mmask8 lm = r >= 8 ? (__mmask8)0xff : (__mmask8)((1u << r) - 1);
        __m512d k0 = _mm512_add_pd(_mm512_mask_loadu_pd(ninf, lm, key + u), _mm512_maskz_loadu_pd(lm, w + u));
        _mm512_mask_storeu_pd(key + u, lm, k0);
        __mmask8 g0 = _mm512_mask_cmp_pd_mask(lm, k0, mx0, _CMP_GT_OQ);
        mx0 = _mm512_mask_mov_pd(mx0, g0, k0);
        ix0 = _mm512_mask_mov_epi64(ix0, g0, cur);
        cur = _mm512_add_epi64(cur, eight);
    }
    double best = _mm512_reduce_max_pd(_mm512_max_pd(mx0, mx1));
    if (!(best > -INFINITY)) return -1;
    __m512d b = _mm512_set1_pd(best);
    __m512i none = _mm512_set1_epi64(INT64_MAX);
    __m512i c0 = _mm512_mask_mov_epi64(none, _mm512_cmp_pd_mask(mx0, b, _CMP_EQ_OQ), ix0);
    __m512i c1 = _mm512_mask_mov_epi64(none, _mm512_cmp_pd_mask(mx1, b, _CMP_EQ_OQ), ix1);
    return (int)_mm512_reduce_min_epi64(_mm512_min_epi64(c0, c1));
}

/* g[rs + u] += g[rt + u] for u < m */
static inline void add_row(double *restrict rs, const double *restrict rt, int m) {
    int u = 0;
    for (; u + 8 <= m; u += 8) _mm512_storeu_pd(rs + u, _mm512_add_pd(_mm512_loadu_pd(rs + u), _mm512_loadu_pd(rt + u)));
    if (u < m) {
        __mmask8 lm = (__mmask8)((1u << (m - u)) - 1);
        _mm512_mask_storeu_pd(rs + u, lm, _mm512_add_pd(_mm512_maskz_loadu_pd(lm, rs + u), _mm512_maskz_loadu_pd(lm, rt + u)));
    }
}

#define MIN_CUT mcgt_min_cut_512

#else

static inline int add_argmax(double *restrict key, const double *restrict w, int m) {
    const __m256d ninf = _mm256_set1_pd(-INFINITY);
    const __m256d four = _mm256_set1_pd(4.0);
    __m256d mx0 = ninf, mx1 = ninf, ix0 = ninf, ix1 = ninf;
    __m256d cur = _mm256_set_pd(3.0, 2.0, 1.0, 0.0);
    int u = 0;
    for (; u + 8 <= m; u += 8) {
        __m256d k0 = _mm256_add_pd(_mm256_loadu_pd(key + u), _mm256_loadu_pd(w + u));
        __m256d k1 = _mm256_add_pd(_mm256_loadu_pd(key + u + 4), _mm256_loadu_pd(w + u + 4));
        _mm256_storeu_pd(key + u, k0);
        _mm256_storeu_pd(key + u + 4, k1);
        __m256d g0 = _mm256_cmp_pd(k0, mx0, _CMP_GT_OQ);
        __m256d g1 = _mm256_cmp_pd(k1, mx1, _CMP_GT_OQ);
        __m256d cur1 = _mm256_add_pd(cur, four);
        mx0 = _mm256_blendv_pd(mx0, k0, g0);
        ix0 = _mm256_blendv_pd(ix0, cur, g0);
        mx1 = _mm256_blendv_pd(mx1, k1, g1);
        ix1 = _mm256_blendv_pd(ix1, cur1, g1);
        cur = _mm256_add_pd(cur1, four);
    }
    if (u + 4 <= m) {
        __m256d k0 = _mm256_add_pd(_mm256_loadu_pd(key + u), _mm256_loadu_pd(w + u));
        _mm256_storeu_pd(key + u, k0);
        __m256d g0 = _mm256_cmp_pd(k0, mx0, _CMP_GT_OQ);
        mx0 = _mm256_blendv_pd(mx0, k0, g0);
        ix0 = _mm256_blendv_pd(ix0, cur, g0);
        u += 4;
    }
    double m0[4], m1[4], i0[4], i1[4];
    _mm256_storeu_pd(m0, mx0);
    _mm256_storeu_pd(m1, mx1);
    _mm256_storeu_pd(i0, ix0);
    _mm256_storeu_pd(i1, ix1);
    double best = -INFINITY;
    for (int l = 0; l < 4; l++) {
        if (m0[l] > best) best = m0[l];
        if (m1[l] > best) best = m1[l];
    }
    int sel = -1;
    if (best > -INFINITY) {
        double lo = INFINITY;
        for (int l = 0; l < 4; l++) {
            if (m0[l] == best && i0[l] < lo) lo = i0[l];
            if (m1[l] == best && i1[l] < lo) lo = i1[l];
        }
        sel = (int)lo;
    }
    for (; u < m; u++) { /* the tail's slots follow every vector slot */
        double k = key[u] + w[u];
        key[u] = k;
        if (k > best) {
            best = k;
            sel = u;
        }
    }
    return sel;
}

static inline void add_row(double *restrict rs, const double *restrict rt, int m) {
    int u = 0;
    for (; u + 4 <= m; u += 4) _mm256_storeu_pd(rs + u, _mm256_add_pd(_mm256_loadu_pd(rs + u), _mm256_loadu_pd(rt + u)));
    for (; u < m; u++) rs[u] = rs[u] + rt[u];
}

#define MIN_CUT mcgt_min_cut_256

#endif

/* StoerWagner.merge: t folded into s (row s summed, then copied into column s; the reference's in-loop column writes
 * touch rows s and t only where the diagonal is reset afterwards), then the last slot moved into t. */
static void merge(double *g, int n, int s, int t, int m, int32_t *owner) {
    double *rs = g + (size_t)s * n;
    double *rt = g + (size_t)t * n;
    add_row(rs, rt, m);
    rs[s] = 0.0;
    for (int v = 0; v < m; v++) g[(size_t)v * n + s] = rs[v];
    int last = m - 1;
    if (t != last) {
        memmove(rt, g + (size_t)last * n, (size_t)m * sizeof(double));
        for (int v = 0; v < m; v++) g[(size_t)v * n + t] = g[(size_t)v * n + last];
        rt[t] = 0.0;
    }
    int merged = s == last ? t : s;
    for (int v = 0; v < n; v++) {
        int o = owner[v];
        if (o == t || o == s) owner[v] = merged;
        else if (o == last) owner[v] = t;
    }
}

double MIN_CUT(double *g, int n, double *key, int32_t *owner, uint8_t *side) {
    for (int v = 0; v < n; v++) {
        owner[v] = v;
        side[v] = 0;
    }
    if (n < 2) return 0.0;
    double best = INFINITY;
    for (int m = n; m > 1; m--) {
        key[0] = -INFINITY;
        memcpy(key + 1, g + 1, (size_t)(m - 1) * sizeof(double));
        int sel = 1;
        double sk = -INFINITY;
        for (int u = 0; u < m; u++) {
            if (key[u] > sk) {
                sk = key[u];
                sel = u;
            }
        }
        int s = 0;
        for (int added = 1; added < m - 1; added++) {
            s = sel;
            key[sel] = -INFINITY;
            int next = add_argmax(key, g + (size_t)sel * n, m);
            sel = next < 0 ? 1 : next;
        }
        int t = sel;
        double cut = key[t];
        if (cut < best) {
            best = cut;
            for (int v = 0; v < n; v++) side[v] = owner[v] == t;
            if (best == 0.0) break;
        }
        merge(g, n, s, t, m, owner);
    }
    return best;
}
