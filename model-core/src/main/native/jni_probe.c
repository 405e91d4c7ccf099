/* JNI entry points of the coherence probe's kernels (NativeKernels.nMinCut, nDotsF32), registered by jni.c. Java checks every
 * length first (KernelChecks.checkMinCut, checkDots); this only pins the arrays (critical regions, no JNI calls while held)
 * and runs the rung's Stoer–Wagner. */
#include "mcgt_native.h"

#include <jni.h>

jdouble JNICALL mcgt_jni_min_cut(JNIEnv *env, jclass cls, jint rung, jdoubleArray g, jint n, jdoubleArray key,
                                 jintArray owner, jbooleanArray side) {
    (void)cls;
    jdouble result = 0.0;
    double *gp = (double *)(*env)->GetPrimitiveArrayCritical(env, g, NULL);
    double *kp = gp ? (double *)(*env)->GetPrimitiveArrayCritical(env, key, NULL) : NULL;
    int32_t *op = kp ? (int32_t *)(*env)->GetPrimitiveArrayCritical(env, owner, NULL) : NULL;
    uint8_t *sp = op ? (uint8_t *)(*env)->GetPrimitiveArrayCritical(env, side, NULL) : NULL;
    if (sp) result = mcgt_min_cut_for(rung, gp, n, kp, op, sp);
    if (sp) (*env)->ReleasePrimitiveArrayCritical(env, side, sp, 0);
    if (op) (*env)->ReleasePrimitiveArrayCritical(env, owner, op, 0);
    if (kp) (*env)->ReleasePrimitiveArrayCritical(env, key, kp, 0);
    if (gp) (*env)->ReleasePrimitiveArrayCritical(env, g, gp, 0);
    return result;
}

void JNICALL mcgt_jni_dots_f32(JNIEnv *env, jclass cls, jint m, jint n, jint len, jfloatArray a, jint aOff, jint lda,
                               jfloatArray b, jint bOff, jint ldb, jfloatArray out, jint oOff, jint ldo) {
    (void)cls;
    int same = (*env)->IsSameObject(env, a, b) == JNI_TRUE;
    float *ap = (float *)(*env)->GetPrimitiveArrayCritical(env, a, NULL);
    float *bp = ap && !same ? (float *)(*env)->GetPrimitiveArrayCritical(env, b, NULL) : ap;
    float *op = bp ? (float *)(*env)->GetPrimitiveArrayCritical(env, out, NULL) : NULL;
    if (op) mcgt_dots_f32(m, n, len, ap + aOff, (size_t)lda, bp + bOff, (size_t)ldb, op + oOff, (size_t)ldo);
    if (op) (*env)->ReleasePrimitiveArrayCritical(env, out, op, 0);
    if (bp && !same) (*env)->ReleasePrimitiveArrayCritical(env, b, bp, JNI_ABORT);
    if (ap) (*env)->ReleasePrimitiveArrayCritical(env, a, ap, JNI_ABORT);
}

double mcgt_min_cut_for(int rung, double *g, int n, double *key, int32_t *owner, uint8_t *side) {
    if (rung == MCGT_RUNG_AVX512VNNI || rung == MCGT_RUNG_AMX) return mcgt_min_cut_512(g, n, key, owner, side);
    return mcgt_min_cut_256(g, n, key, owner, side);
}
