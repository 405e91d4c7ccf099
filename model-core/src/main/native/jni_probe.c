/* JNI entry points of the coherence probe's kernels (NativeKernels.nMinCut), registered by jni.c. Java checks every
 * length first (KernelChecks.checkMinCut); this only pins the arrays (critical regions, no JNI calls while held)
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

double mcgt_min_cut_for(int rung, double *g, int n, double *key, int32_t *owner, uint8_t *side) {
    if (rung == MCGT_RUNG_AVX512VNNI || rung == MCGT_RUNG_AMX) return mcgt_min_cut_512(g, n, key, owner, side);
    return mcgt_min_cut_256(g, n, key, owner, side);
}
