/*
 * mcgt native kernels: declarations shared by the translation units of libmcgtkernels.
 *
 * The library computes exactly what the Java kernels compute (docs/NATIVE-KERNELS.md): int8 products summed in
 * int32 (exact in any order), and every float step in the order the Java reference (ScalarKernels, FloatMath,
 * Quantization) defines it. Every file is compiled with -ffp-contract=off so that no multiply and add are fused.
 */
#ifndef MCGT_NATIVE_H
#define MCGT_NATIVE_H

#include <stddef.h>
#include <stdint.h>

/* The rungs of the ladder; the numbers are part of the JNI contract with NativeKernels.Rung. */
enum {
    MCGT_RUNG_AVX2 = 1,        /* vpmaddwd on int16-widened operands */
    MCGT_RUNG_VNNI256 = 2,     /* vpdpbusd on 256-bit registers: AVX-VNNI (VEX) or AVX512-VL VNNI (EVEX) */
    MCGT_RUNG_AVX512VNNI = 3,  /* vpdpbusd on 512-bit registers */
    MCGT_RUNG_AMX = 4          /* tdpbssd on AMX tiles */
};

/* CPU features the ladder needs, as bits of mcgt_cpu_features(). */
enum {
    MCGT_CPU_AVX2 = 1 << 0,
    MCGT_CPU_AVXVNNI = 1 << 1,
    MCGT_CPU_AVX512 = 1 << 2,      /* F, BW, VL (and OS support of the ZMM state) */
    MCGT_CPU_AVX512VNNI = 1 << 3,
    MCGT_CPU_AMXINT8 = 1 << 4,     /* AMX-TILE and AMX-INT8 reported by the CPU */
    MCGT_CPU_AMX_OS = 1 << 5       /* the kernel granted this process the tile data state */
};

int mcgt_cpu_features(void);
/* Asks Linux for permission to use AMX tile data (once per process); 1 when granted. */
int mcgt_amx_request(void);

/*
 * Weights of one matrix in a rung's layout. The columns of the GEMM (the matrix's rows, its output features) are
 * grouped in panels of `pw` columns; within a panel, groups of `kg` consecutive k are stored next to each other
 * per column: panel p, group g, column c, element e at ((p·groups + g)·pw + c)·kg + e. K is zero-padded to whole
 * groups (AMX: to 64) and columns to whole panels, with an even number of panels.
 */
typedef struct {
    int rung;
    int rows;        /* output features N */
    int cols;        /* input features K */
    int groups;      /* padded K / kg */
    int kg;          /* k per group: 4 (int8 rungs) or 2 (int16, AVX2) */
    int pw;          /* columns per panel: 16 (512-bit, AMX) or 8 (256-bit) */
    int panels;      /* even */
    float *scales;   /* panels·pw, zero-padded */
    float *bias;     /* panels·pw or NULL */
    int32_t *corr;   /* u8-offset rungs: 128·Σk w[j][k] per column, else NULL */
    void *w;         /* the packed weights */
} mcgt_weights;

/* Packs row-major int8 weights (rows × cols) for a rung; NULL when out of memory. */
mcgt_weights *mcgt_pack(int rung, const int8_t *w, int rows, int cols, const float *scales, const float *bias);
void mcgt_free_weights(mcgt_weights *p);

/*
 * The epilogue of a tile: with `out` NULL the exact int32 sums go to iout; otherwise
 * out = (float) sum · (as[row] · scales[col]) + bias[col] (bias term only when bias is not NULL).
 */
typedef struct {
    float *out;        /* float output, row stride ldo; or NULL */
    int32_t *iout;     /* int output, row stride ldo */
    int ldo;
    int n;             /* valid columns */
    const float *as;   /* activation scale per row */
    const float *scales;
    const float *bias;
    const int32_t *corr;
} mcgt_epilogue;

/*
 * C = A · Wᵀ on m rows: A row i holds its K prepared values at a + i·lda (u8 = s8 ^ 0x80 for the int8 rungs,
 * int16 for AVX2), K padded with zeros to groups·kg. Columns [0, n) of the epilogue are written.
 */
void mcgt_gemm_avx512vnni(const mcgt_weights *p, int m, const void *a, size_t lda, const mcgt_epilogue *e);
void mcgt_gemm_vnni256_evex(const mcgt_weights *p, int m, const void *a, size_t lda, const mcgt_epilogue *e);
void mcgt_gemm_vnni256_vex(const mcgt_weights *p, int m, const void *a, size_t lda, const mcgt_epilogue *e);
void mcgt_gemm_avx2(const mcgt_weights *p, int m, const void *a, size_t lda, const mcgt_epilogue *e);
void mcgt_gemm_amx(const mcgt_weights *p, int m, const void *a, size_t lda, const mcgt_epilogue *e);

/* Packs panels (no scales) into caller memory: used for the B operand of raw int8 products. */
void mcgt_pack_into(int rung, const int8_t *b, size_t ldb, int n, int k, int kg, int pw, int groups, int panels,
                    void *dst, int32_t *corr);
/* Bytes of prepared activations per row for a rung and K. */
size_t mcgt_act_row_bytes(int rung, int k);
/* Prepares m activation rows (s8, stride lda) for a rung into dst (row stride mcgt_act_row_bytes). */
void mcgt_prepare_act(int rung, int m, const int8_t *a, size_t lda, int k, void *dst);
/* Runs the GEMM of a rung. */
void mcgt_gemm(const mcgt_weights *p, int m, const void *a, size_t lda, const mcgt_epilogue *e);

/* Per-thread scratch, grown on demand and freed when the thread ends; slot < MCGT_SCRATCH_SLOTS. */
#define MCGT_SCRATCH_SLOTS 8
void *mcgt_scratch(int slot, size_t bytes);

/* ---- float operations (floatops.c), bit-identical to the Java reference ---- */
void mcgt_quantize_rows(const float *x, int rows, int cols, int8_t *q, float *scales);
void mcgt_layer_norm_rows(const float *x, int rows, int n, const float *gamma, const float *beta, float eps,
                          float *out);
void mcgt_gelu(float *x, int len, int erf_form);
void mcgt_softmax(float *x, int len);
void mcgt_add(const float *x, float *y, int len);
/* the same on 512-bit registers (floatops512.c), for the AVX-512 rungs */
void mcgt_quantize_rows_512(const float *x, int rows, int cols, int8_t *q, float *scales);
void mcgt_gelu_512(float *x, int len, int erf_form);
void mcgt_softmax_512(float *x, int len);
/* softmax of `rows` rows, row r of len[r] values at base + r·stride (rows of equal length run in lockstep) */
void mcgt_softmax_rows(float *base, int stride, const int32_t *len, int rows);
void mcgt_softmax_rows_512(float *base, int stride, const int32_t *len, int rows);
void mcgt_softmax_rows_for(int rung, float *base, int stride, const int32_t *len, int rows);
/* the implementation a rung uses */
void mcgt_quantize_rows_for(int rung, const float *x, int rows, int cols, int8_t *q, float *scales);
void mcgt_gelu_for(int rung, float *x, int len, int erf_form);
void mcgt_softmax_for(int rung, float *x, int len);

/* One block of attention queries over all heads (see Kernels.attendBlock in the Java sources). */
typedef struct {
    int qb, heads, head_dim, d;
    const int8_t *q;          /* query row r, head h at q + r·d + h·head_dim */
    const float *q_scale;     /* r·heads + h */
    const int8_t *keys;       /* key row j at keys + j·d + h·head_dim */
    const float *key_scale;   /* j·heads + h */
    const int8_t *values;
    const float *value_scale;
    const int32_t *key_list;  /* query r: key_list[r·stride .. r·stride + key_count[r]), ascending */
    int stride;
    const int32_t *key_count;
    int lo, span;             /* every listed key lies in [lo, lo + span) */
    float score_scale;
    const float *key_bias;    /* added to key j's scaled score, or NULL */
    float *out;               /* row r, head h at out + r·d + h·head_dim; overwritten */
} mcgt_attention;

/* Reserves the per-thread scratch of a block (call before entering a JNI critical region); 0 when out of memory. */
int mcgt_attend_reserve(int rung, int qb, int head_dim, int span);
void mcgt_attend_block(int rung, const mcgt_attention *at);

/* ---- the coherence probe (mincut.c, dots.c, jni_probe.c) ---- */
/* Stoer–Wagner on the n × n working matrix g (overwritten), as dev.mcgt.kernel.StoerWagner; side[v] = 1 for the
 * vertices on the side of the lightest phase's last vertex; returns the cut weight. key, owner: n values of scratch. */
double mcgt_min_cut_512(double *g, int n, double *key, int32_t *owner, uint8_t *side);
double mcgt_min_cut_256(double *g, int n, double *key, int32_t *owner, uint8_t *side);
double mcgt_min_cut_for(int rung, double *g, int n, double *key, int32_t *owner, uint8_t *side);
/* Kernels.dotsF32 (dots.c): out[i·ldo + j] = dot(a row i, b row j) in the contract's 8-lane order; out must not
 * overlap a or b */
void mcgt_dots_f32(int m, int n, int len, const float *a, size_t lda, const float *b, size_t ldb, float *out,
                   size_t ldo);

#endif
