/* Stoer–Wagner minimum cut (Kernels.minCut; the reference is dev.mcgt.kernel.StoerWagner), one call per cut.
 * Compiled twice: with MCGT_MINCUT_512 for the AVX-512 rungs (mcgt_min_cut_512) and without it for AVX2
 * (mcgt_min_cut_256). Each step of a phase is two passes over the keys: the first adds the chosen slot's row and
 * takes the maximum (vmaxpd(k, acc) keeps acc when k is NaN, so NaN never enters; four accumulators), the second
 * returns the first slot whose key equals it: the slot a strict scan in slot order picks (+0.0 and -0.0 are equal).
 * The chosen slot's key is set to -inf inside the first pass (a lane mask) rather than by a scalar store before it:
 * a vector load right after a narrower store to the same bytes cannot take the value from the store buffer and
 * stalls, and the steps are a chain of such loads. -inf is what the reference's -inf + g[sel][sel] gives, the
 * diagonal being 0. Every key and merged weight is the reference's f64 add of the same two values, so the cut weight
 * and the sides are bit-identical to the Java kernels. */
#include "mcgt_native.h"

#include <immintrin.h>
#include <math.h>
#include <string.h>

#ifdef MCGT_MINCUT_512

/* key[prev] = -inf, key[u] += w[u] for the other u < m; returns the first slot of the maximal key, or -1 when none
 * is above -inf */
static inline int add_argmax(double *restrict key, const double *restrict w, int m, int prev) {
    const __m512d ninf = _mm512_set1_pd(-INFINITY);
    __m512d a0 = ninf, a1 = ninf, a2 = ninf, a3 = ninf;
    const __m512i sp = _mm512_set1_epi64(prev);
    const __m512i step = _mm512_set1_epi64(8);
    __m512i c0 = _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0);
    __m512i c1 = _mm512_add_epi64(c0, step), c2 = _mm512_add_epi64(c1, step), c3 = _mm512_add_epi64(c2, step);
    const __m512i step4 = _mm512_set1_epi64(32);
    int u = 0;
    /* vmaxpd(k, acc) returns acc when k is NaN: NaN never enters */
    for (; u + 32 <= m; u += 32) {
        __m512d k0 = _mm512_add_pd(_mm512_loadu_pd(key + u), _mm512_loadu_pd(w + u));
        __m512d k1 = _mm512_add_pd(_mm512_loadu_pd(key + u + 8), _mm512_loadu_pd(w + u + 8));
        __m512d k2 = _mm512_add_pd(_mm512_loadu_pd(key + u + 16), _mm512_loadu_pd(w + u + 16));
        __m512d k3 = _mm512_add_pd(_mm512_loadu_pd(key + u + 24), _mm512_loadu_pd(w + u + 24));
        k0 = _mm512_mask_mov_pd(k0, _mm512_cmpeq_epi64_mask(c0, sp), ninf);
        k1 = _mm512_mask_mov_pd(k1, _mm512_cmpeq_epi64_mask(c1, sp), ninf);
        k2 = _mm512_mask_mov_pd(k2, _mm512_cmpeq_epi64_mask(c2, sp), ninf);
        k3 = _mm512_mask_mov_pd(k3, _mm512_cmpeq_epi64_mask(c3, sp), ninf);
        c0 = _mm512_add_epi64(c0, step4);
        c1 = _mm512_add_epi64(c1, step4);
        c2 = _mm512_add_epi64(c2, step4);
        c3 = _mm512_add_epi64(c3, step4);
        _mm512_storeu_pd(key + u, k0);
        _mm512_storeu_pd(key + u + 8, k1);
        _mm512_storeu_pd(key + u + 16, k2);
        _mm512_storeu_pd(key + u + 24, k3);
        a0 = _mm512_max_pd(k0, a0);
        a1 = _mm512_max_pd(k1, a1);
        a2 = _mm512_max_pd(k2, a2);
        a3 = _mm512_max_pd(k3, a3);
    }
    for (; u < m; u += 8) {
        int r = m - u;
        __mmask8 lm = r >= 8 ? (__mmask8)0xff : (__mmask8)((1u << r) - 1);
        __m512d k0 = _mm512_add_pd(_mm512_mask_loadu_pd(ninf, lm, key + u), _mm512_maskz_loadu_pd(lm, w + u));
        k0 = _mm512_mask_mov_pd(k0, _mm512_cmpeq_epi64_mask(c0, sp), ninf);
        c0 = _mm512_add_epi64(c0, step);
        _mm512_mask_storeu_pd(key + u, lm, k0);
        a0 = _mm512_max_pd(k0, a0);
    }
    double best = _mm512_reduce_max_pd(_mm512_max_pd(_mm512_max_pd(a0, a1), _mm512_max_pd(a2, a3)));
    if (!(best > -INFINITY)) return -1;
    __m512d b = _mm512_set1_pd(best);
    for (int v = 0;; v += 8) {
        int r = m - v;
        __mmask8 lm = r >= 8 ? (__mmask8)0xff : (__mmask8)((1u << r) - 1);
        __mmask8 e = _mm512_mask_cmp_pd_mask(lm, _mm512_maskz_loadu_pd(lm, key + v), b, _CMP_EQ_OQ);
        if (e) return v + __builtin_ctz((unsigned)e);
    }
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

/* the same on 256-bit vectors, the tail in scalar code (its slots follow every vector slot) */
static inline int add_argmax(double *restrict key, const double *restrict w, int m, int prev) {
    const __m256d ninf = _mm256_set1_pd(-INFINITY);
    const __m256i sp = _mm256_set1_epi64x(prev);
    const __m256i four = _mm256_set1_epi64x(4);
    __m256i c0 = _mm256_set_epi64x(3, 2, 1, 0);
    __m256d a0 = ninf, a1 = ninf, a2 = ninf, a3 = ninf;
    int u = 0;
    for (; u + 16 <= m; u += 16) {
        __m256i c1 = _mm256_add_epi64(c0, four), c2 = _mm256_add_epi64(c1, four), c3 = _mm256_add_epi64(c2, four);
        __m256d k0 = _mm256_add_pd(_mm256_loadu_pd(key + u), _mm256_loadu_pd(w + u));
        __m256d k1 = _mm256_add_pd(_mm256_loadu_pd(key + u + 4), _mm256_loadu_pd(w + u + 4));
        __m256d k2 = _mm256_add_pd(_mm256_loadu_pd(key + u + 8), _mm256_loadu_pd(w + u + 8));
        __m256d k3 = _mm256_add_pd(_mm256_loadu_pd(key + u + 12), _mm256_loadu_pd(w + u + 12));
        k0 = _mm256_blendv_pd(k0, ninf, _mm256_castsi256_pd(_mm256_cmpeq_epi64(c0, sp)));
        k1 = _mm256_blendv_pd(k1, ninf, _mm256_castsi256_pd(_mm256_cmpeq_epi64(c1, sp)));
        k2 = _mm256_blendv_pd(k2, ninf, _mm256_castsi256_pd(_mm256_cmpeq_epi64(c2, sp)));
        k3 = _mm256_blendv_pd(k3, ninf, _mm256_castsi256_pd(_mm256_cmpeq_epi64(c3, sp)));
        c0 = _mm256_add_epi64(c3, four);
        _mm256_storeu_pd(key + u, k0);
        _mm256_storeu_pd(key + u + 4, k1);
        _mm256_storeu_pd(key + u + 8, k2);
        _mm256_storeu_pd(key + u + 12, k3);
        a0 = _mm256_max_pd(k0, a0);
        a1 = _mm256_max_pd(k1, a1);
        a2 = _mm256_max_pd(k2, a2);
        a3 = _mm256_max_pd(k3, a3);
    }
    for (; u + 4 <= m; u += 4) {
        __m256d k0 = _mm256_add_pd(_mm256_loadu_pd(key + u), _mm256_loadu_pd(w + u));
        k0 = _mm256_blendv_pd(k0, ninf, _mm256_castsi256_pd(_mm256_cmpeq_epi64(c0, sp)));
        c0 = _mm256_add_epi64(c0, four);
        _mm256_storeu_pd(key + u, k0);
        a0 = _mm256_max_pd(k0, a0);
    }
    int full = u;
    for (; u < m; u++) key[u] = u == prev ? -INFINITY : key[u] + w[u];
    __m256d mx = _mm256_max_pd(_mm256_max_pd(a0, a1), _mm256_max_pd(a2, a3));
    __m128d h = _mm_max_pd(_mm256_castpd256_pd128(mx), _mm256_extractf128_pd(mx, 1));
    double best = _mm_cvtsd_f64(_mm_max_pd(_mm_unpackhi_pd(h, h), h));
    for (int v = full; v < m; v++) {
        if (key[v] > best) best = key[v];
    }
    if (!(best > -INFINITY)) return -1;
    __m256d b = _mm256_set1_pd(best);
    int v = 0;
    for (; v < full; v += 4) {
        int e = _mm256_movemask_pd(_mm256_cmp_pd(_mm256_loadu_pd(key + v), b, _CMP_EQ_OQ));
        if (e) return v + __builtin_ctz((unsigned)e);
    }
    for (;; v++) {
        if (key[v] == best) return v;
    }
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
            int next = add_argmax(key, g + (size_t)sel * n, m, sel);
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
