package dev.mcgt.kernel;

import java.util.Objects;

/**
 * The argument checks of the {@link Kernels} contract, in one place: every implementation calls them before it
 * touches an array, so none reads or writes out of bounds (the native kernel relies on them: its C code has no
 * checks of its own). Each throws {@link IndexOutOfBoundsException} or {@link IllegalArgumentException}.
 */
final class KernelChecks {
    private KernelChecks() { }

    static void checkGemm(int m, byte[] a, int aOff, float[] aScales, int sOff, QuantizedMatrix w, float[] out,
                          int outOff) {
        int kLen = w.cols();
        int n = w.rows();
        if (m < 0) throw new IllegalArgumentException("m < 0: " + m);
        Objects.checkFromIndexSize(aOff, Math.multiplyExact(m, kLen), a.length);
        Objects.checkFromIndexSize(sOff, m, aScales.length);
        Objects.checkFromIndexSize(outOff, Math.multiplyExact(m, n), out.length);
    }

    static void checkGemmI32(int m, int n, int kLen, byte[] a, int aOff, int lda, byte[] b, int bOff, int ldb,
                             int[] out, int oOff, int ldo) {
        if (m < 0 || n < 0 || kLen < 0) throw new IllegalArgumentException("negative dimension");
        if (m == 0 || n == 0) return;
        if (lda < kLen || ldb < kLen || ldo < n) throw new IllegalArgumentException("leading dimension too small");
        Objects.checkFromIndexSize(aOff, Math.addExact(Math.multiplyExact(m - 1, lda), kLen), a.length);
        Objects.checkFromIndexSize(bOff, Math.addExact(Math.multiplyExact(n - 1, ldb), kLen), b.length);
        Objects.checkFromIndexSize(oOff, Math.addExact(Math.multiplyExact(m - 1, ldo), n), out.length);
    }

    static void checkScaledRows(int n, float[] alpha, int aOff, int[] rows, int rOff, int vLength, int vOff, int ldv,
                                float[] y, int yOff, int len) {
        if (n < 0 || len < 0 || ldv < 0 || vOff < 0) throw new IllegalArgumentException("negative dimension or offset");
        Objects.checkFromIndexSize(aOff, n, alpha.length);
        Objects.checkFromIndexSize(rOff, n, rows.length);
        Objects.checkFromIndexSize(yOff, len, y.length);
        if (n == 0) return;
        int lo = Integer.MAX_VALUE;
        int hi = Integer.MIN_VALUE;
        for (int i = rOff; i < rOff + n; i++) {
            int r = rows[i];
            lo = Math.min(lo, r);
            hi = Math.max(hi, r);
        }
        if (lo < 0) throw new IndexOutOfBoundsException("row index " + lo + " is negative");
        Objects.checkFromIndexSize(Math.addExact(vOff, Math.multiplyExact(hi, ldv)), len, vLength);
    }

    static void checkDots(int m, int n, int len, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                          float[] out, int oOff, int ldo) {
        if (m < 0 || n < 0 || len < 0) throw new IllegalArgumentException("negative dimension");
        if (m == 0 || n == 0) return;
        if (lda < 0 || ldb < 0 || ldo < n) throw new IllegalArgumentException("leading dimension too small");
        Objects.checkFromIndexSize(aOff, Math.addExact(Math.multiplyExact(m - 1, lda), len), a.length);
        Objects.checkFromIndexSize(bOff, Math.addExact(Math.multiplyExact(n - 1, ldb), len), b.length);
        Objects.checkFromIndexSize(oOff, Math.addExact(Math.multiplyExact(m - 1, ldo), n), out.length);
    }

    static void checkArgMax(double[] key, double[] w, int wOff, int m) {
        if (m < 0) throw new IllegalArgumentException("negative length");
        Objects.checkFromIndexSize(0, m, key.length);
        Objects.checkFromIndexSize(wOff, m, w.length);
    }

    static void checkMinCut(double[] g, int n, double[] key, int[] owner, boolean[] side) {
        if (n < 0 || n > 46340) throw new IllegalArgumentException("min-cut size " + n + " outside 0..46340");
        Objects.checkFromIndexSize(0, n * n, g.length);
        Objects.checkFromIndexSize(0, n, key.length);
        Objects.checkFromIndexSize(0, n, owner.length);
        Objects.checkFromIndexSize(0, n, side.length);
    }

    static void checkLayerNorm(float[] x, int xOff, int n, float[] gamma, float[] beta, float[] out, int outOff) {
        Objects.checkFromIndexSize(xOff, n, x.length);
        Objects.checkFromIndexSize(0, n, gamma.length);
        Objects.checkFromIndexSize(0, n, beta.length);
        Objects.checkFromIndexSize(outOff, n, out.length);
    }

    static void checkLayerNormRows(float[] x, int xOff, int rows, int n, float[] gamma, float[] beta, float[] out,
                                   int outOff) {
        if (rows < 0 || n < 0) throw new IllegalArgumentException("negative dimension");
        Objects.checkFromIndexSize(xOff, Math.multiplyExact(rows, n), x.length);
        Objects.checkFromIndexSize(outOff, rows * n, out.length);
        Objects.checkFromIndexSize(0, n, gamma.length);
        Objects.checkFromIndexSize(0, n, beta.length);
    }

    static void checkQuantizeRows(float[] x, int xOff, int rows, int cols, byte[] q, int qOff, float[] scales,
                                  int sOff) {
        if (rows < 0 || cols < 0) throw new IllegalArgumentException("negative dimension");
        Objects.checkFromIndexSize(xOff, Math.multiplyExact(rows, cols), x.length);
        Objects.checkFromIndexSize(qOff, rows * cols, q.length);
        Objects.checkFromIndexSize(sOff, rows, scales.length);
    }

    static void checkRange(int off, int len, int length) {
        Objects.checkFromIndexSize(off, len, length);
    }
}
