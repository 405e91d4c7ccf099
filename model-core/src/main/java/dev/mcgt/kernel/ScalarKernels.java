package dev.mcgt.kernel;

import dev.mcgt.config.Activation;

import java.util.Objects;

/**
 * Plain-Java reference implementation of {@link Kernels}: the whole contract written out literally, float
 * reductions in the canonical 8-lane order. Runs everywhere; every other kernel must match it bit for bit.
 */
public final class ScalarKernels implements Kernels {
    /** The one instance (the class is stateless). */
    public static final ScalarKernels INSTANCE = new ScalarKernels();

    private ScalarKernels() { }

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public void gemm(int m, byte[] a, int aOff, float[] aScales, int sOff, QuantizedMatrix w, float[] out,
                     int outOff) {
        int kLen = w.cols();
        int n = w.rows();
        KernelChecks.checkGemm(m, a, aOff, aScales, sOff, w, out, outOff);
        byte[] wb = w.weights();
        float[] ws = w.scales();
        float[] bias = w.bias();
        for (int i = 0; i < m; i++) {
            int ai = aOff + i * kLen;
            float as = aScales[sOff + i];
            int oi = outOff + i * n;
            for (int j = 0; j < n; j++) {
                int wj = j * kLen;
                int acc = 0;
                for (int k = 0; k < kLen; k++) {
                    acc += a[ai + k] * wb[wj + k];
                }
                float v = (float) acc * (as * ws[j]);
                if (bias != null) v += bias[j];
                out[oi + j] = v;
            }
        }
    }

    @Override
    public void gemmI32(int m, int n, int kLen, byte[] a, int aOff, int lda, byte[] b, int bOff, int ldb,
                        int[] out, int oOff, int ldo) {
        KernelChecks.checkGemmI32(m, n, kLen, a, aOff, lda, b, bOff, ldb, out, oOff, ldo);
        for (int i = 0; i < m; i++) {
            int ai = aOff + i * lda;
            int oi = oOff + i * ldo;
            for (int j = 0; j < n; j++) {
                int bj = bOff + j * ldb;
                int acc = 0;
                for (int k = 0; k < kLen; k++) {
                    acc += a[ai + k] * b[bj + k];
                }
                out[oi + j] = acc;
            }
        }
    }

    @Override
    public void quantizeRows(float[] x, int xOff, int rows, int cols, byte[] q, int qOff, float[] scales,
                             int sOff) {
        Quantization.quantizeRows(x, xOff, rows, cols, q, qOff, scales, sOff);
    }

    @Override
    public float sum(float[] x, int off, int len) {
        Objects.checkFromIndexSize(off, len, x.length);
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f, s4 = 0f, s5 = 0f, s6 = 0f, s7 = 0f;
        int i = 0;
        for (; i <= len - 8; i += 8) {
            int p = off + i;
            s0 += x[p];
            s1 += x[p + 1];
            s2 += x[p + 2];
            s3 += x[p + 3];
            s4 += x[p + 4];
            s5 += x[p + 5];
            s6 += x[p + 6];
            s7 += x[p + 7];
        }
        int r = len - i;
        int p = off + i;
        if (r > 0) s0 += x[p];
        if (r > 1) s1 += x[p + 1];
        if (r > 2) s2 += x[p + 2];
        if (r > 3) s3 += x[p + 3];
        if (r > 4) s4 += x[p + 4];
        if (r > 5) s5 += x[p + 5];
        if (r > 6) s6 += x[p + 6];
        return FloatMath.combine8(s0, s1, s2, s3, s4, s5, s6, s7);
    }

    /** Canonical-order sum of (x[i] − mean)². */
    private static float sumSquaredDeviations(float[] x, int off, int len, float mean) {
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f, s4 = 0f, s5 = 0f, s6 = 0f, s7 = 0f;
        int i = 0;
        for (; i <= len - 8; i += 8) {
            int p = off + i;
            float d0 = x[p] - mean;
            float d1 = x[p + 1] - mean;
            float d2 = x[p + 2] - mean;
            float d3 = x[p + 3] - mean;
            float d4 = x[p + 4] - mean;
            float d5 = x[p + 5] - mean;
            float d6 = x[p + 6] - mean;
            float d7 = x[p + 7] - mean;
            s0 += d0 * d0;
            s1 += d1 * d1;
            s2 += d2 * d2;
            s3 += d3 * d3;
            s4 += d4 * d4;
            s5 += d5 * d5;
            s6 += d6 * d6;
            s7 += d7 * d7;
        }
        int p = off + i;
        int r = len - i;
        if (r > 0) { float d = x[p] - mean; s0 += d * d; }
        if (r > 1) { float d = x[p + 1] - mean; s1 += d * d; }
        if (r > 2) { float d = x[p + 2] - mean; s2 += d * d; }
        if (r > 3) { float d = x[p + 3] - mean; s3 += d * d; }
        if (r > 4) { float d = x[p + 4] - mean; s4 += d * d; }
        if (r > 5) { float d = x[p + 5] - mean; s5 += d * d; }
        if (r > 6) { float d = x[p + 6] - mean; s6 += d * d; }
        return FloatMath.combine8(s0, s1, s2, s3, s4, s5, s6, s7);
    }

    @Override
    public void layerNorm(float[] x, int xOff, int n, float[] gamma, float[] beta, float eps, float[] out,
                          int outOff) {
        KernelChecks.checkLayerNorm(x, xOff, n, gamma, beta, out, outOff);
        float fn = (float) n;
        float mean = sum(x, xOff, n) / fn;
        float var = sumSquaredDeviations(x, xOff, n, mean) / fn;
        float inv = 1f / (float) Math.sqrt(var + eps);
        for (int i = 0; i < n; i++) {
            out[outOff + i] = (gamma[i] * (x[xOff + i] - mean)) * inv + beta[i];
        }
    }

    @Override
    public void gelu(float[] x, int off, int len, Activation kind) {
        Objects.checkFromIndexSize(off, len, x.length);
        if (kind == Activation.GELU_ERF) {
            for (int i = off; i < off + len; i++) x[i] = FloatMath.geluErf(x[i]);
        } else {
            for (int i = off; i < off + len; i++) x[i] = FloatMath.geluTanh(x[i]);
        }
    }

    @Override
    public void softmax(float[] x, int off, int len) {
        Objects.checkFromIndexSize(off, len, x.length);
        if (len == 0) return;
        float max = max(x, off, len);
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f, s4 = 0f, s5 = 0f, s6 = 0f, s7 = 0f;
        int i = 0;
        for (; i <= len - 8; i += 8) {
            int p = off + i;
            float e0 = FloatMath.exp(x[p] - max);
            float e1 = FloatMath.exp(x[p + 1] - max);
            float e2 = FloatMath.exp(x[p + 2] - max);
            float e3 = FloatMath.exp(x[p + 3] - max);
            float e4 = FloatMath.exp(x[p + 4] - max);
            float e5 = FloatMath.exp(x[p + 5] - max);
            float e6 = FloatMath.exp(x[p + 6] - max);
            float e7 = FloatMath.exp(x[p + 7] - max);
            x[p] = e0;
            x[p + 1] = e1;
            x[p + 2] = e2;
            x[p + 3] = e3;
            x[p + 4] = e4;
            x[p + 5] = e5;
            x[p + 6] = e6;
            x[p + 7] = e7;
            s0 += e0;
            s1 += e1;
            s2 += e2;
            s3 += e3;
            s4 += e4;
            s5 += e5;
            s6 += e6;
            s7 += e7;
        }
        int p = off + i;
        int r = len - i;
        if (r > 0) { float e = FloatMath.exp(x[p] - max); x[p] = e; s0 += e; }
        if (r > 1) { float e = FloatMath.exp(x[p + 1] - max); x[p + 1] = e; s1 += e; }
        if (r > 2) { float e = FloatMath.exp(x[p + 2] - max); x[p + 2] = e; s2 += e; }
        if (r > 3) { float e = FloatMath.exp(x[p + 3] - max); x[p + 3] = e; s3 += e; }
        if (r > 4) { float e = FloatMath.exp(x[p + 4] - max); x[p + 4] = e; s4 += e; }
        if (r > 5) { float e = FloatMath.exp(x[p + 5] - max); x[p + 5] = e; s5 += e; }
        if (r > 6) { float e = FloatMath.exp(x[p + 6] - max); x[p + 6] = e; s6 += e; }
        float inv = 1f / FloatMath.combine8(s0, s1, s2, s3, s4, s5, s6, s7);
        for (int k = off; k < off + len; k++) x[k] = x[k] * inv;
    }

    /** Canonical-order maximum (eight lane maxima from −∞ with {@link FloatMath#max2}, then the tree). */
    private static float max(float[] x, int off, int len) {
        float n = Float.NEGATIVE_INFINITY;
        float m0 = n, m1 = n, m2 = n, m3 = n, m4 = n, m5 = n, m6 = n, m7 = n;
        int i = 0;
        for (; i <= len - 8; i += 8) {
            int p = off + i;
            m0 = FloatMath.max2(m0, x[p]);
            m1 = FloatMath.max2(m1, x[p + 1]);
            m2 = FloatMath.max2(m2, x[p + 2]);
            m3 = FloatMath.max2(m3, x[p + 3]);
            m4 = FloatMath.max2(m4, x[p + 4]);
            m5 = FloatMath.max2(m5, x[p + 5]);
            m6 = FloatMath.max2(m6, x[p + 6]);
            m7 = FloatMath.max2(m7, x[p + 7]);
        }
        int p = off + i;
        int r = len - i;
        if (r > 0) m0 = FloatMath.max2(m0, x[p]);
        if (r > 1) m1 = FloatMath.max2(m1, x[p + 1]);
        if (r > 2) m2 = FloatMath.max2(m2, x[p + 2]);
        if (r > 3) m3 = FloatMath.max2(m3, x[p + 3]);
        if (r > 4) m4 = FloatMath.max2(m4, x[p + 4]);
        if (r > 5) m5 = FloatMath.max2(m5, x[p + 5]);
        if (r > 6) m6 = FloatMath.max2(m6, x[p + 6]);
        return FloatMath.max8(m0, m1, m2, m3, m4, m5, m6, m7);
    }

    @Override
    public void addScaledInt8(float alpha, byte[] v, int vOff, float[] y, int yOff, int len) {
        Objects.checkFromIndexSize(vOff, len, v.length);
        Objects.checkFromIndexSize(yOff, len, y.length);
        for (int d = 0; d < len; d++) {
            y[yOff + d] = y[yOff + d] + alpha * (float) v[vOff + d];
        }
    }

    @Override
    public void add(float[] x, int xOff, float[] y, int yOff, int len) {
        Objects.checkFromIndexSize(xOff, len, x.length);
        Objects.checkFromIndexSize(yOff, len, y.length);
        for (int d = 0; d < len; d++) {
            y[yOff + d] = y[yOff + d] + x[xOff + d];
        }
    }

    @Override
    public void layerNormRows(float[] x, int xOff, int rows, int n, float[] gamma, float[] beta, float eps,
                              float[] out, int outOff) {
        KernelChecks.checkLayerNormRows(x, xOff, rows, n, gamma, beta, out, outOff);
        for (int r = 0; r < rows; r++) layerNorm(x, xOff + r * n, n, gamma, beta, eps, out, outOff + r * n);
    }

    @Override
    public void addScaledRows(int n, float[] alpha, int aOff, int[] rows, int rOff, float[] v, int vOff, int ldv,
                              float[] y, int yOff, int len) {
        KernelChecks.checkScaledRows(n, alpha, aOff, rows, rOff, v.length, vOff, ldv, y, yOff, len);
        for (int i = 0; i < n; i++) {
            float a = alpha[aOff + i];
            int row = vOff + rows[rOff + i] * ldv;
            for (int d = 0; d < len; d++) y[yOff + d] = y[yOff + d] + a * v[row + d];
        }
    }

    @Override
    public void dotsF32(int m, int n, int len, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                        float[] out, int oOff, int ldo) {
        KernelChecks.checkDots(m, n, len, a, aOff, lda, b, bOff, ldb, out, oOff, ldo);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                out[oOff + i * ldo + j] = dotF32(a, aOff + i * lda, b, bOff + j * ldb, len);
            }
        }
    }

    @Override
    public int addAndArgMax(double[] key, double[] w, int wOff, int m) {
        KernelChecks.checkArgMax(key, w, wOff, m);
        return StoerWagner.SCALAR.addAndArgMax(key, w, wOff, m, -1);
    }

    @Override
    public double minCut(double[] g, int n, double[] key, int[] owner, boolean[] side) {
        KernelChecks.checkMinCut(g, n, key, owner, side);
        return StoerWagner.reference(g, n, key, owner, side);
    }

    @Override
    public void attendBlock(AttentionBlock at) {
        at.computeWith(this);
    }

    @Override
    public String toString() {
        return name();
    }

    /** One dot product in the order of {@link Kernels#dotsF32}. */
    static float dotF32(float[] a, int ao, float[] b, int bo, int len) {
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f, s4 = 0f, s5 = 0f, s6 = 0f, s7 = 0f;
        int k = 0;
        for (; k <= len - 8; k += 8) {
            s0 += a[ao + k] * b[bo + k];
            s1 += a[ao + k + 1] * b[bo + k + 1];
            s2 += a[ao + k + 2] * b[bo + k + 2];
            s3 += a[ao + k + 3] * b[bo + k + 3];
            s4 += a[ao + k + 4] * b[bo + k + 4];
            s5 += a[ao + k + 5] * b[bo + k + 5];
            s6 += a[ao + k + 6] * b[bo + k + 6];
            s7 += a[ao + k + 7] * b[bo + k + 7];
        }
        for (; k < len; k++) s0 += a[ao + k] * b[bo + k];
        return FloatMath.combine8(s0, s1, s2, s3, s4, s5, s6, s7);
    }

}
