/* The AVX-512 VNNI rung: vpdpbusd on 512-bit registers, 8 rows × 32 columns per register tile.
 * Activations arrive as u8 = s8 ^ 0x80, so each sum is Σ (a + 128)·w, and the epilogue subtracts 128·Σ w per
 * column (mcgt_weights.corr): exact int32 arithmetic, the same integers as the scalar Java kernel. The 256-bit
 * rungs (gemm256.c) have the same loop structure on half-width registers and their own epilogue. */
#include "epilogue512.h"

#define MR 8

typedef int32_t __attribute__((may_alias, aligned(1))) i32u;

static inline __attribute__((always_inline)) void tile(const int mr, const int np, const uint8_t *a, size_t lda,
                                                       const int8_t *w0, const int8_t *w1, int groups,
                                                       const mcgt_epilogue *e, int row0, int j0) {
    __m512i acc0[MR], acc1[MR];
#pragma GCC unroll 8
    for (int r = 0; r < mr; r++) {
        acc0[r] = _mm512_setzero_si512();
        acc1[r] = _mm512_setzero_si512();
    }
    for (int g = 0; g < groups; g++) {
        __m512i b0 = _mm512_load_si512((const void *)(w0 + (size_t)g * 64));
        __m512i b1 = np == 2 ? _mm512_load_si512((const void *)(w1 + (size_t)g * 64)) : _mm512_setzero_si512();
#pragma GCC unroll 8
        for (int r = 0; r < mr; r++) {
            __m512i x = _mm512_set1_epi32(*(const i32u *)(a + r * lda + (size_t)g * 4));
            acc0[r] = _mm512_dpbusd_epi32(acc0[r], x, b0);
            if (np == 2) acc1[r] = _mm512_dpbusd_epi32(acc1[r], x, b1);
        }
    }
#pragma GCC unroll 8
    for (int r = 0; r < mr; r++) {
        epilogue16(e, row0 + r, j0, acc0[r]);
        if (np == 2) epilogue16(e, row0 + r, j0 + 16, acc1[r]);
    }
}

#define TILE_CASE(R)                                                                         \
    case R:                                                                                  \
        if (np == 2) tile(R, 2, a + (size_t)i * lda, lda, w0, w1, groups, e, i, j0);           \
        else tile(R, 1, a + (size_t)i * lda, lda, w0, w1, groups, e, i, j0);                   \
        break;

void mcgt_gemm_avx512vnni(const mcgt_weights *p, int m, const void *act, size_t lda, const mcgt_epilogue *e) {
    const uint8_t *a = (const uint8_t *)act;
    const int8_t *w = (const int8_t *)p->w;
    int groups = p->groups;
    size_t pstride = (size_t)groups * 64;
    for (int pp = 0; pp < p->panels; pp += 2) {
        int j0 = pp * 16;
        if (j0 >= e->n) break;
        int np = j0 + 16 < e->n ? 2 : 1;
        const int8_t *w0 = w + (size_t)pp * pstride;
        const int8_t *w1 = w0 + pstride;
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
            TILE_CASE(6)
            TILE_CASE(7)
            default: break;
        }
    }
}
