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

/* The epilogue of one stored 16 × 16 accumulator tile (rows of 16 int32 at c): the column-invariant loads (mask,
 * scales, bias, correction) once per tile instead of once per row; the arithmetic of epilogue16, in its order. */
static void emit(const mcgt_epilogue *e, const int32_t *c, int row0, int rows, int j0) {
    int valid = e->n - j0;
    if (valid <= 0) return;
    __mmask16 mk = valid >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << valid) - 1u);
    __m512i corr = e->corr ? _mm512_loadu_si512((const void *)(e->corr + j0)) : _mm512_setzero_si512();
    size_t ldo = (size_t)e->ldo;
    if (!e->out) {
        int32_t *o = e->iout + (size_t)row0 * ldo + j0;
        for (int r = 0; r < rows; r++, o += ldo)
            _mm512_mask_storeu_epi32(o, mk, _mm512_sub_epi32(_mm512_load_si512((const void *)(c + r * 16)), corr));
        return;
    }
    __m512 scales = _mm512_loadu_ps(e->scales + j0);
    const float *as = e->as + row0;
    float *o = e->out + (size_t)row0 * ldo + j0;
    if (e->bias) {
        __m512 bias = _mm512_loadu_ps(e->bias + j0);
        for (int r = 0; r < rows; r++, o += ldo) {
            __m512 f = _mm512_cvtepi32_ps(_mm512_sub_epi32(_mm512_load_si512((const void *)(c + r * 16)), corr));
            f = _mm512_mul_ps(f, _mm512_mul_ps(_mm512_set1_ps(as[r]), scales));
            _mm512_mask_storeu_ps(o, mk, _mm512_add_ps(f, bias));
        }
    } else {
        for (int r = 0; r < rows; r++, o += ldo) {
            __m512 f = _mm512_cvtepi32_ps(_mm512_sub_epi32(_mm512_load_si512((const void *)(c + r * 16)), corr));
            _mm512_mask_storeu_ps(o, mk, _mm512_mul_ps(f, _mm512_mul_ps(_mm512_set1_ps(as[r]), scales)));
        }
    }
}

/*
 * The epilogue of one output row of a band: the row's int32 sums sit in the strip at src (16 values of the left
 * tile of panel pair 0; pair pp's are 1024 further on, each right tile 256 further). The arithmetic of
 * epilogue16, in its order, with the row's scale broadcast once and the output written in column order.
 */
static void emit_row(const mcgt_epilogue *e, int row, const int32_t *src) {
    const int n = e->n;
    const float *scales = e->scales, *bias = e->bias;
    const int32_t *corr = e->corr;
    if (!e->out) {
        int32_t *o = e->iout + (size_t)row * e->ldo;
        for (int j0 = 0; j0 < n; j0 += 16) {
            const int32_t *c = src + (size_t)(j0 >> 5) * 1024 + ((j0 >> 4) & 1) * 256;
            __m512i acc = _mm512_load_si512((const void *)c);
            if (corr) acc = _mm512_sub_epi32(acc, _mm512_loadu_si512((const void *)(corr + j0)));
            int valid = n - j0;
            __mmask16 mk = valid >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << valid) - 1u);
            _mm512_mask_storeu_epi32(o + j0, mk, acc);
        }
        return;
    }
    float *o = e->out + (size_t)row * e->ldo;
    __m512 as = _mm512_set1_ps(e->as[row]);
    for (int j0 = 0; j0 < n; j0 += 16) {
        const int32_t *c = src + (size_t)(j0 >> 5) * 1024 + ((j0 >> 4) & 1) * 256;
        __m512i acc = _mm512_load_si512((const void *)c);
        if (corr) acc = _mm512_sub_epi32(acc, _mm512_loadu_si512((const void *)(corr + j0)));
        __m512 f = _mm512_mul_ps(_mm512_cvtepi32_ps(acc), _mm512_mul_ps(as, _mm512_loadu_ps(scales + j0)));
        if (bias) f = _mm512_add_ps(f, _mm512_loadu_ps(bias + j0));
        int valid = n - j0;
        _mm512_mask_storeu_ps(o + j0, valid >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << valid) - 1u), f);
    }
}

/* The four accumulator tiles of rows [i, i + 32) × columns of the panel pair at w0/w1: c receives them in tile
 * order (top-left, top-right, bottom-left, bottom-right), 16 rows of 16 int32 each. */
static inline void block32(const int8_t *a, size_t lda, int i, const int8_t *w0, const int8_t *w1, int groups,
                           int32_t *c) {
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
    _tile_stored(0, c, 64);
    _tile_stored(1, c + 256, 64);
    _tile_stored(2, c + 512, 64);
    _tile_stored(3, c + 768, 64);
}

/* The epilogue of the four tiles of a 32 × 32 block stored by block32 (rows from row0, columns from j0). */
static void emit_block(const mcgt_epilogue *e, const int32_t *c, int m, int row0, int j0) {
    int top = m - row0 < 16 ? m - row0 : 16;
    int bottom = m - row0 - 16 < 16 ? m - row0 - 16 : 16;
    emit(e, c, row0, top, j0);
    emit(e, c + 256, row0, top, j0 + 16);
    if (bottom > 0) {
        emit(e, c + 512, row0 + 16, bottom, j0);
        emit(e, c + 768, row0 + 16, bottom, j0 + 16);
    }
}

/*
 * Order of work. Panel pairs outer (a pair's weights stay in L1 while the row blocks pass), row blocks inner, each
 * block's epilogue right after its tiles. When output rows lie 4 KiB or more apart (N ≥ 1024: MiniLM's FFN up),
 * the 32 rows a block writes fall into the same few L1 sets and the block-at-a-time epilogue ran at about half the
 * tiles' speed; then each band of 32 rows runs every panel pair into a tile-major strip first (each tile's 1 KiB
 * contiguous) and writes the band's output rows one after another (docs/NATIVE-KERNELS.md, "AMX").
 */
void mcgt_gemm_amx(const mcgt_weights *p, int m, const void *act, size_t lda, const mcgt_epilogue *e) {
    if (!configured) configure();
    const int8_t *a = (const int8_t *)act;
    const int8_t *w = (const int8_t *)p->w;
    int groups = p->groups; /* a multiple of 16 */
    size_t pstride = (size_t)groups * 64;
    int pairs = (e->n + 31) / 32; /* panel pairs that hold valid columns */
    int32_t *strip = e->ldo >= 1024 && m > 16
                         ? (int32_t *)mcgt_scratch(7, (size_t)pairs * 1024 * sizeof(int32_t) + 64)
                         : NULL;
    if (strip) {
        for (int i = 0; i < m; i += 32) {
            for (int pp = 0; pp < pairs; pp++) {
                const int8_t *w0 = w + (size_t)(2 * pp) * pstride;
                block32(a, lda, i, w0, w0 + pstride, groups, strip + (size_t)pp * 1024);
            }
            int rows = m - i < 32 ? m - i : 32;
            for (int r = 0; r < rows; r++) /* row r: tile row r % 16 of the top (r < 16) or bottom tiles */
                emit_row(e, i + r, strip + (r < 16 ? 0 : 512) + (r % 16) * 16);
        }
        return;
    }
    int32_t c[1024] __attribute__((aligned(64)));
    for (int pp = 0; pp < pairs; pp++) {
        const int8_t *w0 = w + (size_t)(2 * pp) * pstride;
        for (int i = 0; i < m; i += 32) {
            block32(a, lda, i, w0, w0 + pstride, groups, c);
            emit_block(e, c, m, i, pp * 32);
        }
    }
}
