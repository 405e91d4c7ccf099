/* Checks the AMX rung's packing, padding, loops and epilogue against plain C on random shapes, with the tile
 * instructions emulated (amx_emulate.h): run by AmxEmulationTest. Prints "OK <cases>" or the first mismatch. */
#include "mcgt_native.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t rnd_state = 12345u;
static int rnd(int n) {
    rnd_state = rnd_state * 1103515245u + 12345u;
    return (int)((rnd_state >> 8) % (uint32_t)n);
}

int main(void) {
    int ms[] = {1, 5, 16, 17, 31, 32, 33, 64, 70, 128};
    int ks[] = {1, 3, 4, 63, 64, 65, 100, 384, 1536};
    int ns[] = {1, 7, 16, 17, 31, 32, 33, 70, 384, 1024, 1100}; /* 1024 and wider: the band strip */
    int cases = 0;
    for (int t = 0; t < 60; t++) {
        int m = ms[rnd(10)], k = ks[rnd(9)], n = ns[rnd(11)];
        if (n >= 1024 && k > 100) k = 64; /* wide outputs: the emulated tiles are slow, keep K short */
        int8_t *a = malloc((size_t)m * k), *w = malloc((size_t)n * k);
        float *as = malloc(m * 4), *sc = malloc(n * 4), *bias = malloc(n * 4);
        for (int i = 0; i < m * k; i++) a[i] = (int8_t)(rnd(256) - 128);
        for (int i = 0; i < n * k; i++) w[i] = (int8_t)(rnd(256) - 128);
        for (int i = 0; i < m; i++) as[i] = 0.001f * (1 + rnd(100));
        for (int i = 0; i < n; i++) {
            sc[i] = 0.002f * (1 + rnd(100));
            bias[i] = 0.01f * (rnd(200) - 100);
        }
        int with_bias = t % 2;
        mcgt_weights *p = mcgt_pack(MCGT_RUNG_AMX, w, n, k, sc, with_bias ? bias : NULL);
        size_t row = mcgt_act_row_bytes(MCGT_RUNG_AMX, k);
        int rows = (m + 31) / 32 * 32;
        uint8_t *act = aligned_alloc(64, (size_t)rows * row + 64);
        mcgt_prepare_act(MCGT_RUNG_AMX, m, a, (size_t)k, k, act);
        memset(act + (size_t)m * row, 0, (size_t)(rows - m) * row);
        float *out = malloc((size_t)m * n * 4);
        int32_t *iout = malloc((size_t)m * n * 4);
        mcgt_epilogue e;
        memset(&e, 0, sizeof e);
        e.out = out;
        e.ldo = n;
        e.n = n;
        e.as = as;
        e.scales = p->scales;
        e.bias = p->bias;
        mcgt_gemm_amx(p, m, act, row, &e);
        e.out = NULL;
        e.iout = iout;
        mcgt_gemm_amx(p, m, act, row, &e);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int32_t s = 0;
                for (int q = 0; q < k; q++) s += a[i * k + q] * w[j * k + q];
                float f = (float)s * (as[i] * sc[j]);
                if (with_bias) f = f + bias[j];
                if (iout[i * n + j] != s || memcmp(&out[i * n + j], &f, 4) != 0) {
                    printf("MISMATCH m=%d k=%d n=%d at (%d,%d): %d vs %d\n", m, k, n, i, j, iout[i * n + j], s);
                    return 1;
                }
            }
        }
        cases++;
        mcgt_free_weights(p);
        free(a); free(w); free(as); free(sc); free(bias); free(act); free(out); free(iout);
    }
    printf("OK %d\n", cases);
    return 0;
}
