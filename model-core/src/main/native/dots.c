/* Float dot products of rows (Kernels.dotsF32: the probe's token graph, token merging) in the contract's order: eight
 * f32 partial sums, lane l taking the products of k ≡ l (mod 8) (multiply, then add: no FMA), the last len mod 8
 * products added to lane 0 in increasing k, the lanes combined as ((l0+l1)+(l2+l3))+((l4+l5)+(l6+l7)). A 256-bit
 * accumulator is exactly those eight partial sums, so only AVX2 is used (wider registers would change the order).
 * Register tiles of 2 rows of a × 4 rows of b (eight accumulators, six loads per eight products per accumulator),
 * combined four at a time with even/odd lane shuffles that keep each add's operand order. */
#include "mcgt_native.h"
#include "floatref.h"

/* lane 0 of c plus the tail products of k in [kv, len), in increasing k */
static inline __m256 add_tail(__m256 c, const float *a, const float *b, int kv, int len) {
    if (kv == len) return c;
    float s = _mm256_cvtss_f32(c);
    for (int k = kv; k < len; k++) s = s + a[k] * b[k];
    return _mm256_blend_ps(c, _mm256_set1_ps(s), 1);
}

/* the canonical combine of four accumulators: lane r of the result is accumulator r's dot product */
static inline __m128 combine4(__m256 c0, __m256 c1, __m256 c2, __m256 c3) {
    __m256 h1 = _mm256_add_ps(_mm256_shuffle_ps(c0, c1, _MM_SHUFFLE(2, 0, 2, 0)),
                              _mm256_shuffle_ps(c0, c1, _MM_SHUFFLE(3, 1, 3, 1)));
    __m256 h2 = _mm256_add_ps(_mm256_shuffle_ps(c2, c3, _MM_SHUFFLE(2, 0, 2, 0)),
                              _mm256_shuffle_ps(c2, c3, _MM_SHUFFLE(3, 1, 3, 1)));
    /* h1 = c0 (l0+l1, l2+l3), c1 (l0+l1, l2+l3), c0 (l4+l5, l6+l7), c1 (l4+l5, l6+l7); h2 likewise for c2, c3 */
    __m256 q = _mm256_add_ps(_mm256_shuffle_ps(h1, h2, _MM_SHUFFLE(2, 0, 2, 0)),
                             _mm256_shuffle_ps(h1, h2, _MM_SHUFFLE(3, 1, 3, 1)));
    /* q = c0..c3 ((l0+l1)+(l2+l3)), then c0..c3 ((l4+l5)+(l6+l7)) */
    return _mm_add_ps(_mm256_castps256_ps128(q), _mm256_extractf128_ps(q, 1));
}

static float dot1(const float *a, const float *b, int len) {
    int kv = len - len % 8;
    __m256 c = _mm256_setzero_ps();
    for (int k = 0; k < kv; k += 8) c = _mm256_add_ps(c, _mm256_mul_ps(_mm256_loadu_ps(a + k), _mm256_loadu_ps(b + k)));
    float s[8];
    _mm256_storeu_ps(s, c);
    for (int k = kv; k < len; k++) s[0] = s[0] + a[k] * b[k];
    return combine8(s);
}

/* one row of a against four rows of b */
static void tile1x4(const float *a, const float *b, size_t ldb, int len, float *out) {
    int kv = len - len % 8;
    const float *b0 = b, *b1 = b + ldb, *b2 = b + 2 * ldb, *b3 = b + 3 * ldb;
    __m256 c0 = _mm256_setzero_ps(), c1 = c0, c2 = c0, c3 = c0;
    for (int k = 0; k < kv; k += 8) {
        __m256 av = _mm256_loadu_ps(a + k);
        c0 = _mm256_add_ps(c0, _mm256_mul_ps(av, _mm256_loadu_ps(b0 + k)));
        c1 = _mm256_add_ps(c1, _mm256_mul_ps(av, _mm256_loadu_ps(b1 + k)));
        c2 = _mm256_add_ps(c2, _mm256_mul_ps(av, _mm256_loadu_ps(b2 + k)));
        c3 = _mm256_add_ps(c3, _mm256_mul_ps(av, _mm256_loadu_ps(b3 + k)));
    }
    c0 = add_tail(c0, a, b0, kv, len);
    c1 = add_tail(c1, a, b1, kv, len);
    c2 = add_tail(c2, a, b2, kv, len);
    c3 = add_tail(c3, a, b3, kv, len);
    _mm_storeu_ps(out, combine4(c0, c1, c2, c3));
}

/* two rows of a (lda apart) against four rows of b; out rows ldo apart */
static void tile2x4(const float *a, size_t lda, const float *b, size_t ldb, int len, float *out, size_t ldo) {
    int kv = len - len % 8;
    const float *a0 = a, *a1 = a + lda;
    const float *b0 = b, *b1 = b + ldb, *b2 = b + 2 * ldb, *b3 = b + 3 * ldb;
    __m256 c00 = _mm256_setzero_ps(), c01 = c00, c02 = c00, c03 = c00, c10 = c00, c11 = c00, c12 = c00, c13 = c00;
    for (int k = 0; k < kv; k += 8) {
        __m256 x0 = _mm256_loadu_ps(a0 + k), x1 = _mm256_loadu_ps(a1 + k);
        __m256 y = _mm256_loadu_ps(b0 + k);
        c00 = _mm256_add_ps(c00, _mm256_mul_ps(x0, y));
        c10 = _mm256_add_ps(c10, _mm256_mul_ps(x1, y));
        y = _mm256_loadu_ps(b1 + k);
        c01 = _mm256_add_ps(c01, _mm256_mul_ps(x0, y));
        c11 = _mm256_add_ps(c11, _mm256_mul_ps(x1, y));
        y = _mm256_loadu_ps(b2 + k);
        c02 = _mm256_add_ps(c02, _mm256_mul_ps(x0, y));
        c12 = _mm256_add_ps(c12, _mm256_mul_ps(x1, y));
        y = _mm256_loadu_ps(b3 + k);
        c03 = _mm256_add_ps(c03, _mm256_mul_ps(x0, y));
        c13 = _mm256_add_ps(c13, _mm256_mul_ps(x1, y));
    }
    if (kv < len) {
        c00 = add_tail(c00, a0, b0, kv, len);
        c01 = add_tail(c01, a0, b1, kv, len);
        c02 = add_tail(c02, a0, b2, kv, len);
        c03 = add_tail(c03, a0, b3, kv, len);
        c10 = add_tail(c10, a1, b0, kv, len);
        c11 = add_tail(c11, a1, b1, kv, len);
        c12 = add_tail(c12, a1, b2, kv, len);
        c13 = add_tail(c13, a1, b3, kv, len);
    }
    _mm_storeu_ps(out, combine4(c00, c01, c02, c03));
    _mm_storeu_ps(out + ldo, combine4(c10, c11, c12, c13));
}

void mcgt_dots_f32(int m, int n, int len, const float *a, size_t lda, const float *b, size_t ldb, float *out,
                   size_t ldo) {
    int i = 0;
    for (; i + 2 <= m; i += 2) {
        const float *ai = a + (size_t)i * lda;
        float *oi = out + (size_t)i * ldo;
        int j = 0;
        for (; j + 4 <= n; j += 4) tile2x4(ai, lda, b + (size_t)j * ldb, ldb, len, oi + j, ldo);
        for (; j < n; j++) {
            oi[j] = dot1(ai, b + (size_t)j * ldb, len);
            oi[ldo + j] = dot1(ai + lda, b + (size_t)j * ldb, len);
        }
    }
    for (; i < m; i++) {
        const float *ai = a + (size_t)i * lda;
        float *oi = out + (size_t)i * ldo;
        int j = 0;
        for (; j + 4 <= n; j += 4) tile1x4(ai, b + (size_t)j * ldb, ldb, len, oi + j);
        for (; j < n; j++) oi[j] = dot1(ai, b + (size_t)j * ldb, len);
    }
}
