/* The epilogue of a 16-column AVX-512 tile, shared by the AVX-512 VNNI and AMX rungs (both compiled for AVX-512):
 * subtract the u8-offset correction when there is one, then store the int32 sums or
 * (float) sum · (as[row] · scales[col]) + bias[col], masked to the valid columns. */
#ifndef MCGT_EPILOGUE512_H
#define MCGT_EPILOGUE512_H

#include "mcgt_native.h"

#include <immintrin.h>

static inline __attribute__((always_inline)) void epilogue16(const mcgt_epilogue *e, int row, int j0, __m512i acc) {
    int valid = e->n - j0;
    if (valid <= 0) return;
    __mmask16 mk = valid >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << valid) - 1u);
    if (e->corr) acc = _mm512_sub_epi32(acc, _mm512_loadu_si512((const void *)(e->corr + j0)));
    if (!e->out) {
        _mm512_mask_storeu_epi32(e->iout + (size_t)row * e->ldo + j0, mk, acc);
        return;
    }
    __m512 f = _mm512_cvtepi32_ps(acc);
    __m512 s = _mm512_mul_ps(_mm512_set1_ps(e->as[row]), _mm512_loadu_ps(e->scales + j0));
    f = _mm512_mul_ps(f, s);
    if (e->bias) f = _mm512_add_ps(f, _mm512_loadu_ps(e->bias + j0));
    _mm512_mask_storeu_ps(e->out + (size_t)row * e->ldo + j0, mk, f);
}

#endif
