/* A software model of the AMX tile instructions gemm_amx.c uses, for testing its layouts and loops on CPUs without
 * AMX (compile gemm_amx.c with -DMCGT_AMX_EMULATE): eight tiles of 16 rows × 64 bytes, the palette-1 configuration,
 * and TDPBSSD's definition (C[m][n] += Σ_k Σ_i A[m][4k+i] · B[k][4n+i], signed bytes, int32 wrap-around). */
#ifndef MCGT_AMX_EMULATE_H
#define MCGT_AMX_EMULATE_H

#include <stdint.h>
#include <string.h>

static uint8_t emu_tile[8][16][64];
static uint8_t emu_rows[8];
static uint16_t emu_colsb[8];

static inline void emu_loadconfig(const void *cfg) {
    const uint8_t *c = (const uint8_t *)cfg;
    for (int t = 0; t < 8; t++) {
        memcpy(&emu_colsb[t], c + 16 + 2 * t, 2);
        emu_rows[t] = c[48 + t];
    }
}

static inline void emu_zero(int t) { memset(emu_tile[t], 0, sizeof emu_tile[t]); }

static inline void emu_loadd(int t, const void *base, long stride) {
    for (int r = 0; r < emu_rows[t]; r++) memcpy(emu_tile[t][r], (const uint8_t *)base + r * stride, emu_colsb[t]);
}

static inline void emu_stored(int t, void *base, long stride) {
    for (int r = 0; r < emu_rows[t]; r++) memcpy((uint8_t *)base + r * stride, emu_tile[t][r], emu_colsb[t]);
}

static inline void emu_dpbssd(int c, int a, int b) {
    int ka = emu_colsb[a] / 4, n = emu_colsb[b] / 4;
    for (int m = 0; m < emu_rows[a]; m++) {
        for (int j = 0; j < n; j++) {
            uint32_t acc;
            memcpy(&acc, &emu_tile[c][m][4 * j], 4);
            for (int k = 0; k < ka; k++) {
                for (int i = 0; i < 4; i++) {
                    acc += (uint32_t)((int32_t)(int8_t)emu_tile[a][m][4 * k + i] * (int32_t)(int8_t)emu_tile[b][k][4 * j + i]);
                }
            }
            memcpy(&emu_tile[c][m][4 * j], &acc, 4);
        }
    }
}

#undef _tile_loadconfig
#undef _tile_zero
#undef _tile_loadd
#undef _tile_stored
#undef _tile_dpbssd
#define _tile_loadconfig(cfg) emu_loadconfig(cfg)
#define _tile_zero(t) emu_zero(t)
#define _tile_loadd(t, base, stride) emu_loadd(t, base, stride)
#define _tile_stored(t, base, stride) emu_stored(t, base, stride)
#define _tile_dpbssd(c, a, b) emu_dpbssd(c, a, b)

#endif
