/* The 256-bit rungs, one source compiled three times (see build.sh):
 *   MCGT_VARIANT_AVX2:        vpmaddwd on operands widened to int16 (pairs of k), exact for every int8 value;
 *   MCGT_VARIANT_VNNI_VEX:    AVX-VNNI vpdpbusd (VEX encoding) on u8 = s8 ^ 0x80 activations, corrected by 128·Σw;
 *   MCGT_VARIANT_VNNI_EVEX:   the same instruction in its AVX512-VL encoding (CPUs with AVX-512 VNNI but no
 *                             AVX-VNNI: this is how the 256-bit VNNI code is tested on such machines).
 * Register tile: 6 rows × 16 columns (two panels of 8), twelve accumulators. */
#include "mcgt_native.h"

#include <immintrin.h>
#include <string.h>

#if defined(MCGT_VARIANT_AVX2)
#define GEMM_NAME mcgt_gemm_avx2
#define DOT(acc, x, w) _mm256_add_epi32((acc), _mm256_madd_epi16((x), (w)))
#elif defined(MCGT_VARIANT_VNNI_VEX)
#define GEMM_NAME mcgt_gemm_vnni256_vex
#define DOT(acc, x, w) _mm256_dpbusd_avx_epi32((acc), (x), (w))
#elif defined(MCGT_VARIANT_VNNI_EVEX)
#define GEMM_NAME mcgt_gemm_vnni256_evex
#define DOT(acc, x, w) _mm256_dpbusd_epi32((acc), (x), (w))
#else
#error "define one MCGT_VARIANT_*"
#endif

#define MR 6
/* bytes of one group of k for one column: 4 int8 or 2 int16 */
#define GROUP_BYTES 4

typedef int32_t __attribute__((may_alias, aligned(1))) i32u;

static inline __attribute__((always_inline)) void epilogue8(const mcgt_epilogue *e, int row, int j0, __m256i acc) {
    int valid = e->n - j0;
    if (valid <= 0) return;
    if (e->corr) acc = _mm256_sub_epi32(acc, _mm256_loadu_si256((const __m256i *)(e->corr + j0)));
    if (!e->out) {
        int32_t *dst = e->iout + (size_t)row * e->ldo + j0;
        if (valid >= 8) {
            _mm256_storeu_si256((__m256i *)dst, acc);
        } else {
            int32_t tmp[8];
            _mm256_storeu_si256((__m256i *)tmp, acc);
            memcpy(dst, tmp, (size_t)valid * 4);
        }
        return;
    }
    __m256 f = _mm256_cvtepi32_ps(acc);
    __m256 s = _mm256_mul_ps(_mm256_set1_ps(e->as[row]), _mm256_loadu_ps(e->scales + j0));
    f = _mm256_mul_ps(f, s);
    if (e->bias) f = _mm256_add_ps(f, _mm256_loadu_ps(e->bias + j0));
    float *dst = e->out + (size_t)row * e->ldo + j0;
    if (valid >= 8) {
        _mm256_storeu_ps(dst, f);
    } else {
        float tmp[8];
        _mm256_storeu_ps(tmp, f);
        memcpy(dst, tmp, (size_t)valid * 4);
    }
}

static inline __attribute__((always_inline)) void tile(const int mr, const int np, const uint8_t *a, size_t lda,
                                                       const uint8_t *w0, const uint8_t *w1, int groups,
                                                       const mcgt_epilogue *e, int row0, int j0) {
    __m256i acc0[MR], acc1[MR];
#pragma GCC unroll 6
    for (int r = 0; r < mr; r++) {
        acc0[r] = _mm256_setzero_si256();
        acc1[r] = _mm256_setzero_si256();
    }
    for (int g = 0; g < groups; g++) {
        __m256i b0 = _mm256_load_si256((const __m256i *)(w0 + (size_t)g * 32));
        __m256i b1 = np == 2 ? _mm256_load_si256((const __m256i *)(w1 + (size_t)g * 32)) : _mm256_setzero_si256();
#pragma GCC unroll 6
        for (int r = 0; r < mr; r++) {
            __m256i x = _mm256_set1_epi32(*(const i32u *)(a + r * lda + (size_t)g * GROUP_BYTES));
            acc0[r] = DOT(acc0[r], x, b0);
            if (np == 2) acc1[r] = DOT(acc1[r], x, b1);
        }
    }
#pragma GCC unroll 6
    for (int r = 0; r < mr; r++) {
        epilogue8(e, row0 + r, j0, acc0[r]);
        if (np == 2) epilogue8(e, row0 + r, j0 + 8, acc1[r]);
    }
}

#define TILE_CASE(R)                                                                         \
    case R:                                                                                  \
        if (np == 2) tile(R, 2, a + (size_t)i * lda, lda, w0, w1, groups, e, i, j0);           \
        else tile(R, 1, a + (size_t)i * lda, lda, w0, w1, groups, e, i, j0);                   \
        break;

void GEMM_NAME(const mcgt_weights *p, int m, const void *act, size_t lda, const mcgt_epilogue *e) {
    const uint8_t *a = (const uint8_t *)act;
    const uint8_t *w = (const uint8_t *)p->w;
    int groups = p->groups;
    size_t pstride = (size_t)groups * 32;
    for (int pp = 0; pp < p->panels; pp += 2) {
        int j0 = pp * 8;
        if (j0 >= e->n) break;
        int np = j0 + 8 < e->n ? 2 : 1;
        const uint8_t *w0 = w + (size_t)pp * pstride;
        const uint8_t *w1 = w0 + pstride;
        int i = 0;
        for (; i + MR <= m; i += MR) {
            if (np == 2) tile(MR, 2, a + (size_t)i * lda, lda, w0, w1, groups, e, i, j0);
            else tile(MR, 1, a + (size_t)i * lda, lda, w0, w1, groups, e, i, j0);
        }
        switch (m - i) {
            TILE_CASE(1)
            TILE_CASE(2)
            TILE_CASE(3)
            TILE_CASE(4)
            TILE_CASE(5)
            default: break;
        }
    }
}
