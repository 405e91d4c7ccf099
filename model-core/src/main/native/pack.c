/* Weight packing, activation preparation, the per-rung GEMM dispatch and per-thread scratch. Compiled for the
 * x86-64 baseline: nothing here runs an instruction the CPU may lack. */
#include "mcgt_native.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static int panel_width(int rung) { return rung == MCGT_RUNG_AVX512VNNI || rung == MCGT_RUNG_AMX ? 16 : 8; }

static int group_k(int rung) { return rung == MCGT_RUNG_AVX2 ? 2 : 4; }

static int groups_for(int rung, int k) {
    if (rung == MCGT_RUNG_AMX) return (k + 63) / 64 * 16;
    int kg = group_k(rung);
    return (k + kg - 1) / kg;
}

static int uses_offset(int rung) { return rung == MCGT_RUNG_VNNI256 || rung == MCGT_RUNG_AVX512VNNI; }

static void *alloc64(size_t bytes) {
    size_t rounded = (bytes + 63) / 64 * 64;
    void *p = aligned_alloc(64, rounded == 0 ? 64 : rounded);
    if (p) memset(p, 0, rounded == 0 ? 64 : rounded);
    return p;
}

void mcgt_pack_into(int rung, const int8_t *b, size_t ldb, int n, int k, int kg, int pw, int groups, int panels,
                    void *dst, int32_t *corr) {
    size_t total = (size_t)panels * groups * pw * kg;
    if (rung == MCGT_RUNG_AVX2) {
        int16_t *w = (int16_t *)dst;
        memset(w, 0, total * 2);
        for (int j = 0; j < n; j++) {
            int p = j / pw, c = j % pw;
            const int8_t *src = b + (size_t)j * ldb;
            for (int kk = 0; kk < k; kk++) {
                w[(((size_t)p * groups + kk / kg) * pw + c) * kg + kk % kg] = src[kk];
            }
        }
    } else {
        int8_t *w = (int8_t *)dst;
        memset(w, 0, total);
        for (int j = 0; j < n; j++) {
            int p = j / pw, c = j % pw;
            const int8_t *src = b + (size_t)j * ldb;
            for (int g = 0; g < k / kg; g++) { /* kg is 4 for every int8 rung */
                int32_t v;
                memcpy(&v, src + (size_t)g * 4, 4);
                memcpy(w + (((size_t)p * groups + g) * pw + c) * 4, &v, 4);
            }
            for (int kk = k / kg * kg; kk < k; kk++) {
                w[(((size_t)p * groups + kk / kg) * pw + c) * kg + kk % kg] = src[kk];
            }
        }
    }
    if (corr) {
        memset(corr, 0, (size_t)panels * pw * 4);
        for (int j = 0; j < n; j++) {
            const int8_t *src = b + (size_t)j * ldb;
            int32_t s = 0;
            for (int kk = 0; kk < k; kk++) s += src[kk];
            corr[j] = (int32_t)((uint32_t)s << 7);
        }
    }
}

mcgt_weights *mcgt_pack(int rung, const int8_t *w, int rows, int cols, const float *scales, const float *bias) {
    mcgt_weights *p = (mcgt_weights *)calloc(1, sizeof(mcgt_weights));
    if (!p) return NULL;
    p->rung = rung;
    p->rows = rows;
    p->cols = cols;
    p->kg = group_k(rung);
    p->pw = panel_width(rung);
    p->groups = groups_for(rung, cols);
    int panels = (rows + p->pw - 1) / p->pw;
    p->panels = panels + (panels & 1);
    size_t width = (size_t)p->panels * p->pw;
    size_t elem = rung == MCGT_RUNG_AVX2 ? 2 : 1;
    p->w = alloc64(width * p->groups * p->kg * elem);
    p->scales = (float *)alloc64(width * 4);
    if (bias) p->bias = (float *)alloc64(width * 4);
    if (uses_offset(rung)) p->corr = (int32_t *)alloc64(width * 4);
    if (!p->w || !p->scales || (bias && !p->bias) || (uses_offset(rung) && !p->corr)) {
        mcgt_free_weights(p);
        return NULL;
    }
    memcpy(p->scales, scales, (size_t)rows * 4);
    if (bias) memcpy(p->bias, bias, (size_t)rows * 4);
    mcgt_pack_into(rung, w, (size_t)cols, rows, cols, p->kg, p->pw, p->groups, p->panels, p->w, p->corr);
    return p;
}

void mcgt_free_weights(mcgt_weights *p) {
    if (!p) return;
    free(p->w);
    free(p->scales);
    free(p->bias);
    free(p->corr);
    free(p);
}

size_t mcgt_act_row_bytes(int rung, int k) { return (size_t)groups_for(rung, k) * 4; }

void mcgt_prepare_act(int rung, int m, const int8_t *a, size_t lda, int k, void *dst) {
    size_t row = mcgt_act_row_bytes(rung, k);
    if (rung == MCGT_RUNG_AVX2) {
        size_t len = row / 2;
        for (int i = 0; i < m; i++) {
            int16_t *d = (int16_t *)((uint8_t *)dst + (size_t)i * row);
            const int8_t *s = a + (size_t)i * lda;
            for (int kk = 0; kk < k; kk++) d[kk] = s[kk];
            for (size_t kk = (size_t)k; kk < len; kk++) d[kk] = 0;
        }
    } else if (rung == MCGT_RUNG_AMX) {
        for (int i = 0; i < m; i++) {
            int8_t *d = (int8_t *)dst + (size_t)i * row;
            memcpy(d, a + (size_t)i * lda, (size_t)k);
            memset(d + k, 0, row - (size_t)k);
        }
    } else {
        for (int i = 0; i < m; i++) {
            uint8_t *d = (uint8_t *)dst + (size_t)i * row;
            const uint8_t *s = (const uint8_t *)(a + (size_t)i * lda);
            for (int kk = 0; kk < k; kk++) d[kk] = (uint8_t)(s[kk] ^ 0x80u);
            memset(d + k, 0, row - (size_t)k);
        }
    }
}

void mcgt_gemm(const mcgt_weights *p, int m, const void *a, size_t lda, const mcgt_epilogue *e) {
    static int vex = -1;
    switch (p->rung) {
        case MCGT_RUNG_AVX512VNNI:
            mcgt_gemm_avx512vnni(p, m, a, lda, e);
            break;
        case MCGT_RUNG_VNNI256:
            if (vex < 0) vex = (mcgt_cpu_features() & MCGT_CPU_AVXVNNI) != 0;
            if (vex) mcgt_gemm_vnni256_vex(p, m, a, lda, e);
            else mcgt_gemm_vnni256_evex(p, m, a, lda, e);
            break;
        case MCGT_RUNG_AMX:
            mcgt_gemm_amx(p, m, a, lda, e);
            break;
        default:
            mcgt_gemm_avx2(p, m, a, lda, e);
            break;
    }
}

/* ---- per-thread scratch ---- */

typedef struct {
    void *p[MCGT_SCRATCH_SLOTS];
    size_t cap[MCGT_SCRATCH_SLOTS];
} scratch_t;

static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;
static __thread scratch_t *tls_scratch;

static void scratch_free(void *v) {
    scratch_t *s = (scratch_t *)v;
    for (int i = 0; i < MCGT_SCRATCH_SLOTS; i++) free(s->p[i]);
    free(s);
}

static void scratch_make_key(void) { pthread_key_create(&scratch_key, scratch_free); }

void *mcgt_scratch(int slot, size_t bytes) {
    if (!tls_scratch) {
        pthread_once(&scratch_once, scratch_make_key);
        tls_scratch = (scratch_t *)calloc(1, sizeof(scratch_t));
        if (!tls_scratch) return NULL;
        pthread_setspecific(scratch_key, tls_scratch);
    }
    if (tls_scratch->cap[slot] < bytes || !tls_scratch->p[slot]) {
        size_t cap = (bytes + bytes / 2 + 127) / 64 * 64;
        void *p = aligned_alloc(64, cap);
        if (!p) return NULL;
        free(tls_scratch->p[slot]);
        tls_scratch->p[slot] = p;
        tls_scratch->cap[slot] = cap;
    }
    return tls_scratch->p[slot];
}
