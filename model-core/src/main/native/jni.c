/* JNI entry points of dev.mcgt.kernel.NativeKernels, bound by RegisterNatives in JNI_OnLoad. Java checks every
 * index and length before calling, so these functions only translate arrays into pointers (critical regions:
 * no copies, no JNI calls while held) and run the kernels. Scratch is reserved before a critical region is
 * entered, so an allocation failure can still raise OutOfMemoryError. */
#include "mcgt_native.h"

#include <jni.h>
#include <stdlib.h>
#include <string.h>

#define CLASS_NAME "dev/mcgt/kernel/NativeKernels"

static void throw_oom(JNIEnv *env, const char *what) {
    jclass c = (*env)->FindClass(env, "java/lang/OutOfMemoryError");
    if (c) (*env)->ThrowNew(env, c, what);
}

typedef struct {
    jarray arr[8];
    void *ptr[8];
    int n;
} pins;

static void *pin(JNIEnv *env, pins *p, jarray a) {
    if (!a) return NULL;
    for (int i = 0; i < p->n; i++) {
        if ((*env)->IsSameObject(env, p->arr[i], a)) return p->ptr[i];
    }
    void *ptr = (*env)->GetPrimitiveArrayCritical(env, a, NULL);
    p->arr[p->n] = a;
    p->ptr[p->n] = ptr;
    p->n++;
    return ptr;
}

static void unpin(JNIEnv *env, pins *p) {
    for (int i = p->n - 1; i >= 0; i--) {
        if (p->ptr[i]) (*env)->ReleasePrimitiveArrayCritical(env, p->arr[i], p->ptr[i], 0);
    }
    p->n = 0;
}

static int pinned_ok(pins *p) {
    for (int i = 0; i < p->n; i++) {
        if (!p->ptr[i]) return 0;
    }
    return 1;
}

static jint JNICALL n_features(JNIEnv *env, jclass cls) {
    (void)env;
    (void)cls;
    return mcgt_cpu_features();
}

static jboolean JNICALL n_amx_request(JNIEnv *env, jclass cls) {
    (void)env;
    (void)cls;
    return mcgt_amx_request() ? JNI_TRUE : JNI_FALSE;
}

static jlong JNICALL n_pack(JNIEnv *env, jclass cls, jint rung, jbyteArray w, jint rows, jint cols, jfloatArray scales,
                            jfloatArray bias) {
    (void)cls;
    pins p = {0};
    const int8_t *wp = (const int8_t *)pin(env, &p, w);
    const float *sp = (const float *)pin(env, &p, scales);
    const float *bp = bias ? (const float *)pin(env, &p, bias) : NULL;
    mcgt_weights *packed = NULL;
    if (pinned_ok(&p)) packed = mcgt_pack(rung, wp, rows, cols, sp, bp);
    unpin(env, &p);
    if (!packed) throw_oom(env, "native kernel: cannot allocate packed weights");
    return (jlong)(intptr_t)packed;
}

static void JNICALL n_free(JNIEnv *env, jclass cls, jlong handle) {
    (void)env;
    (void)cls;
    mcgt_free_weights((mcgt_weights *)(intptr_t)handle);
}

static jint JNICALL n_packed_bytes(JNIEnv *env, jclass cls, jlong handle) {
    (void)env;
    (void)cls;
    const mcgt_weights *w = (const mcgt_weights *)(intptr_t)handle;
    size_t width = (size_t)w->panels * w->pw;
    size_t bytes = width * w->groups * w->kg * (w->rung == MCGT_RUNG_AVX2 ? 2 : 1) + width * 4 * (w->bias ? 2 : 1)
                   + (w->corr ? width * 4 : 0);
    return bytes > 0x7fffffff ? 0x7fffffff : (jint)bytes;
}

/* activation rows for a GEMM of m rows: AMX tiles read 32 rows at a time */
static int act_rows(int rung, int m) { return rung == MCGT_RUNG_AMX ? (m + 31) / 32 * 32 : m; }

static void JNICALL n_gemm(JNIEnv *env, jclass cls, jlong handle, jint m, jbyteArray a, jint aOff,
                           jfloatArray aScales, jint sOff, jfloatArray out, jint outOff) {
    (void)cls;
    const mcgt_weights *w = (const mcgt_weights *)(intptr_t)handle;
    size_t row = mcgt_act_row_bytes(w->rung, w->cols);
    int rows = act_rows(w->rung, m);
    void *act = mcgt_scratch(0, (size_t)rows * row + 64);
    if (!act) {
        throw_oom(env, "native kernel: cannot allocate GEMM scratch");
        return;
    }
    pins p = {0};
    const int8_t *ap = (const int8_t *)pin(env, &p, a);
    const float *sp = (const float *)pin(env, &p, aScales);
    float *op = (float *)pin(env, &p, out);
    if (pinned_ok(&p)) {
        mcgt_prepare_act(w->rung, m, ap + aOff, (size_t)w->cols, w->cols, act);
        if (rows > m) memset((uint8_t *)act + (size_t)m * row, 0, (size_t)(rows - m) * row);
        mcgt_epilogue e;
        memset(&e, 0, sizeof e);
        e.out = op + outOff;
        e.ldo = w->rows;
        e.n = w->rows;
        e.as = sp + sOff;
        e.scales = w->scales;
        e.bias = w->bias;
        e.corr = w->corr;
        mcgt_gemm(w, m, act, row, &e);
    }
    unpin(env, &p);
}

static void JNICALL n_gemm_i32(JNIEnv *env, jclass cls, jint rung, jint m, jint n, jint k, jbyteArray a, jint aOff,
                               jint lda, jbyteArray b, jint bOff, jint ldb, jintArray out, jint oOff, jint ldo) {
    (void)cls;
    if (rung == MCGT_RUNG_AMX) rung = MCGT_RUNG_AVX512VNNI; /* small products: AMX's padding does not pay */
    mcgt_weights kw;
    memset(&kw, 0, sizeof kw);
    kw.rung = rung;
    kw.rows = n;
    kw.cols = k;
    kw.kg = rung == MCGT_RUNG_AVX2 ? 2 : 4;
    kw.pw = rung == MCGT_RUNG_AVX512VNNI ? 16 : 8;
    kw.groups = (k + kw.kg - 1) / kw.kg;
    int panels = (n + kw.pw - 1) / kw.pw;
    kw.panels = panels + (panels & 1);
    size_t width = (size_t)kw.panels * kw.pw;
    size_t packed = width * kw.groups * kw.kg * (rung == MCGT_RUNG_AVX2 ? 2 : 1);
    size_t row = mcgt_act_row_bytes(rung, k);
    kw.w = mcgt_scratch(0, packed + 64);
    int offset = rung != MCGT_RUNG_AVX2;
    kw.corr = offset ? (int32_t *)mcgt_scratch(1, width * 4 + 64) : NULL;
    void *act = mcgt_scratch(2, (size_t)m * row + 64);
    if (!kw.w || (offset && !kw.corr) || !act) {
        throw_oom(env, "native kernel: cannot allocate GEMM scratch");
        return;
    }
    pins p = {0};
    const int8_t *ap = (const int8_t *)pin(env, &p, a);
    const int8_t *bp = (const int8_t *)pin(env, &p, b);
    int32_t *op = (int32_t *)pin(env, &p, out);
    if (pinned_ok(&p)) {
        mcgt_pack_into(rung, bp + bOff, (size_t)ldb, n, k, kw.kg, kw.pw, kw.groups, kw.panels, kw.w, kw.corr);
        mcgt_prepare_act(rung, m, ap + aOff, (size_t)lda, k, act);
        mcgt_epilogue e;
        memset(&e, 0, sizeof e);
        e.iout = op + oOff;
        e.ldo = ldo;
        e.n = n;
        e.corr = kw.corr;
        mcgt_gemm(&kw, m, act, row, &e);
    }
    unpin(env, &p);
}

static void JNICALL n_quantize_rows(JNIEnv *env, jclass cls, jint rung, jfloatArray x, jint xOff, jint rows, jint cols,
                                    jbyteArray q, jint qOff, jfloatArray scales, jint sOff) {
    (void)cls;
    pins p = {0};
    const float *xp = (const float *)pin(env, &p, x);
    int8_t *qp = (int8_t *)pin(env, &p, q);
    float *sp = (float *)pin(env, &p, scales);
    if (pinned_ok(&p)) mcgt_quantize_rows_for(rung, xp + xOff, rows, cols, qp + qOff, sp + sOff);
    unpin(env, &p);
}

static void JNICALL n_layer_norm_rows(JNIEnv *env, jclass cls, jfloatArray x, jint xOff, jint rows, jint n,
                                      jfloatArray gamma, jfloatArray beta, jfloat eps, jfloatArray out, jint outOff) {
    (void)cls;
    pins p = {0};
    const float *xp = (const float *)pin(env, &p, x);
    const float *gp = (const float *)pin(env, &p, gamma);
    const float *bp = (const float *)pin(env, &p, beta);
    float *op = (float *)pin(env, &p, out);
    if (pinned_ok(&p)) mcgt_layer_norm_rows(xp + xOff, rows, n, gp, bp, eps, op + outOff);
    unpin(env, &p);
}

static void JNICALL n_gelu(JNIEnv *env, jclass cls, jint rung, jfloatArray x, jint off, jint len, jboolean erf) {
    (void)cls;
    pins p = {0};
    float *xp = (float *)pin(env, &p, x);
    if (pinned_ok(&p)) mcgt_gelu_for(rung, xp + off, len, erf == JNI_TRUE);
    unpin(env, &p);
}

static void JNICALL n_softmax(JNIEnv *env, jclass cls, jint rung, jfloatArray x, jint off, jint len) {
    (void)cls;
    pins p = {0};
    float *xp = (float *)pin(env, &p, x);
    if (pinned_ok(&p)) mcgt_softmax_for(rung, xp + off, len);
    unpin(env, &p);
}

static void JNICALL n_add(JNIEnv *env, jclass cls, jfloatArray x, jint xOff, jfloatArray y, jint yOff, jint len) {
    (void)cls;
    pins p = {0};
    const float *xp = (const float *)pin(env, &p, x);
    float *yp = (float *)pin(env, &p, y);
    if (pinned_ok(&p)) mcgt_add(xp + xOff, yp + yOff, len);
    unpin(env, &p);
}

static void JNICALL n_attend_block(JNIEnv *env, jclass cls, jint rung, jint qb, jint heads, jint headDim, jint d,
                                   jbyteArray q, jint qOff, jfloatArray qScale, jint qsOff, jbyteArray keys,
                                   jfloatArray keyScale, jbyteArray values, jfloatArray valueScale,
                                   jintArray keyList, jint stride, jintArray keyCount, jint lo, jint span,
                                   jfloat scoreScale, jfloatArray keyBias, jfloatArray out, jint outOff) {
    (void)cls;
    if (span > 0 && !mcgt_attend_reserve(rung, qb, headDim, span)) {
        throw_oom(env, "native kernel: cannot allocate attention scratch");
        return;
    }
    pins p = {0};
    mcgt_attention at;
    at.qb = qb;
    at.heads = heads;
    at.head_dim = headDim;
    at.d = d;
    at.q = (const int8_t *)pin(env, &p, q);
    at.q_scale = (const float *)pin(env, &p, qScale);
    at.keys = (const int8_t *)pin(env, &p, keys);
    at.key_scale = (const float *)pin(env, &p, keyScale);
    at.values = (const int8_t *)pin(env, &p, values);
    at.value_scale = (const float *)pin(env, &p, valueScale);
    at.key_list = (const int32_t *)pin(env, &p, keyList);
    at.key_count = (const int32_t *)pin(env, &p, keyCount);
    at.key_bias = keyBias ? (const float *)pin(env, &p, keyBias) : NULL;
    at.out = (float *)pin(env, &p, out);
    if (pinned_ok(&p)) {
        at.q += qOff;
        at.q_scale += qsOff;
        at.out += outOff;
        at.stride = stride;
        at.lo = lo;
        at.span = span;
        at.score_scale = scoreScale;
        mcgt_attend_block(rung, &at);
    }
    unpin(env, &p);
}

/* jni_probe.c */
jdouble JNICALL mcgt_jni_min_cut(JNIEnv *env, jclass cls, jint rung, jdoubleArray g, jint n, jdoubleArray key,
                                 jintArray owner, jbooleanArray side);
void JNICALL mcgt_jni_dots_f32(JNIEnv *env, jclass cls, jint m, jint n, jint len, jfloatArray a, jint aOff, jint lda,
                               jfloatArray b, jint bOff, jint ldb, jfloatArray out, jint oOff, jint ldo);

static JNINativeMethod methods[] = {
    {"nFeatures", "()I", (void *)n_features},
    {"nAmxRequest", "()Z", (void *)n_amx_request},
    {"nPack", "(I[BII[F[F)J", (void *)n_pack},
    {"nFree", "(J)V", (void *)n_free},
    {"nPackedBytes", "(J)I", (void *)n_packed_bytes},
    {"nGemm", "(JI[BI[FI[FI)V", (void *)n_gemm},
    {"nGemmI32", "(IIII[BII[BII[III)V", (void *)n_gemm_i32},
    {"nQuantizeRows", "(I[FIII[BI[FI)V", (void *)n_quantize_rows},
    {"nLayerNormRows", "([FIII[F[FF[FI)V", (void *)n_layer_norm_rows},
    {"nGelu", "(I[FIIZ)V", (void *)n_gelu},
    {"nSoftmax", "(I[FII)V", (void *)n_softmax},
    {"nAdd", "([FI[FII)V", (void *)n_add},
    {"nAttendBlock", "(IIIII[BI[FI[B[F[B[F[II[IIIF[F[FI)V", (void *)n_attend_block},
    {"nMinCut", "(I[DI[D[I[Z)D", (void *)mcgt_jni_min_cut},
    {"nDotsF32", "(III[FII[FII[FII)V", (void *)mcgt_jni_dots_f32},
};

JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *vm, void *reserved) {
    (void)reserved;
    JNIEnv *env;
    if ((*vm)->GetEnv(vm, (void **)&env, JNI_VERSION_1_8) != JNI_OK) return JNI_ERR;
    jclass cls = (*env)->FindClass(env, CLASS_NAME);
    if (!cls) return JNI_ERR;
    if ((*env)->RegisterNatives(env, cls, methods, (jint)(sizeof methods / sizeof methods[0])) != 0) return JNI_ERR;
    return JNI_VERSION_1_8;
}
