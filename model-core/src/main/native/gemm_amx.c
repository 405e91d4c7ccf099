/* The AMX-INT8 rung: tdpbssd (signed × signed int8 into int32) on 16 × 64-byte tiles, 32 rows × 32 columns per
 * step (four accumulator tiles). Weights use the 16-column panel layout with K padded to 64, which is exactly the
 * B-tile layout (16 groups of 4 k per tile row); activations are int8 rows zero-padded to 64·n bytes, and the
 * caller pads m to a multiple of 32 with zero rows. The tile configuration is loaded once per thread; the
 * process must have been granted the tile data state (mcgt_amx_request). Exact int32 sums, like every rung. */
#include "epilogue512.h"
#ifdef MCGT_AMX_EMULATE
#include "amx_emulate.h" /* tests only: the tile instructions in software */
#endif

#include <string.h>

typedef struct {
    uint8_t palette, start_row;
    uint8_t reserved[14];
    uint16_t colsb[16];
    uint8_t rows[16];
} tile_config;

static __thread int configured;

static void configure(void) {
    tile_config t;
    memset(&t, 0, sizeof t);
    t.palette = 1;
    for (int i = 0; i < 8; i++) {
        t.rows[i] = 16;
        t.colsb[i] = 64;
    }
    _tile_loadconfig(&t);
    configured = 1;
}

static void emit(const mcgt_epilogue *e, const int32_t *c, int row0, int rows, int j0) {
    for (int r = 0; r < rows; r++) epilogue16(e, row0 + r, j0, _mm512_loadu_si512((const void *)(c + r * 16)));
}

void mcgt_gemm_amx(const mcgt_weights *p, int m, const void *act, size_t lda, const mcgt_epilogue *e) {
    if (!configured) configure();
    const int8_t *a = (const int8_t *)act;
    const int8_t *w = (const int8_t *)p->w;
    int groups = p->groups; /* a multiple of 16 */
    size_t pstride = (size_t)groups * 64;
    int32_t c[4][256] __attribute__((aligned(64)));
    for (int pp = 0; pp < p->panels; pp += 2) {
        int j0 = pp * 16;
        if (j0 >= e->n) break;
        const int8_t *w0 = w + (size_t)pp * pstride;
        const int8_t *w1 = w0 + pstride;
        for (int i = 0; i < m; i += 32) {
            _tile_zero(0);
            _tile_zero(1);
            _tile_zero(2);
            _tile_zero(3);
            for (int g = 0; g < groups; g += 16) {
                const int8_t *a0 = a + (size_t)i * lda + (size_t)g * 4;
                _tile_loadd(4, a0, lda);
                _tile_loadd(5, a0 + 16 * lda, lda);
                _tile_loadd(6, w0 + (size_t)g * 64, 64);
                _tile_loadd(7, w1 + (size_t)g * 64, 64);
                _tile_dpbssd(0, 4, 6);
                _tile_dpbssd(1, 4, 7);
                _tile_dpbssd(2, 5, 6);
                _tile_dpbssd(3, 5, 7);
            }
            _tile_stored(0, c[0], 64);
            _tile_stored(1, c[1], 64);
            _tile_stored(2, c[2], 64);
            _tile_stored(3, c[3], 64);
            int top = m - i < 16 ? m - i : 16;
            int bottom = m - i - 16 < 16 ? m - i - 16 : 16;
            emit(e, c[0], i, top, j0);
            emit(e, c[1], i, top, j0 + 16);
            if (bottom > 0) {
                emit(e, c[2], i + 16, bottom, j0);
                emit(e, c[3], i + 16, bottom, j0 + 16);
            }
        }
    }
}
