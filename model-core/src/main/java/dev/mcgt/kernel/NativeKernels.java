package dev.mcgt.kernel;

import dev.mcgt.config.Activation;

import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Objects;

/**
 * {@link Kernels} on the optional native library ({@link NativeLibrary}: C, through JNI) at one rung of its ladder
 * of x86-64 instruction sets. The GEMMs (weights packed once per matrix in the rung's layout, in native memory freed
 * when the matrix is collected), attention blocks, quantization, LayerNorm, GELU and softmax run in C; the methods
 * off the inference hot path (sums, single min-cut steps, single-row adds) run on the {@code fallback} kernel; the
 * probe's whole minimum cut ({@link #minCut}) and its graph's dot products ({@link #dotsF32}) run in C. Every method gives the same bits as {@link ScalarKernels}: integer sums are exact, and
 * the C float code performs the scalar reference's (ScalarKernels) operations in its order (the design is in docs/NATIVE-KERNELS.md).
 * Arguments are checked here, in Java, before any native call.
 */
final class NativeKernels implements Kernels {
    /** The rungs of the ladder, slowest first; the codes are shared with the C library. */
    enum Rung {
        /** vpmaddwd on int16-widened operands (Haswell, Zen 1 and later). */
        AVX2(1, "avx2"),
        /** vpdpbusd on 256-bit registers: AVX-VNNI, or AVX512-VL VNNI where only that exists. */
        AVX_VNNI(2, "avx-vnni"),
        /** vpdpbusd on 512-bit registers (Ice Lake, Zen 4 and later). */
        AVX512_VNNI(3, "avx512-vnni"),
        /** AMX-INT8 tiles (Sapphire Rapids and later). */
        AMX(4, "amx");

        final int code;
        final String label;

        Rung(int code, String label) {
            this.code = code;
            this.label = label;
        }

        /** The rung named by {@code s} (its label, case-insensitive), or null. */
        static Rung parse(String s) {
            for (Rung r : values()) {
                if (r.label.equals(s.trim().toLowerCase(Locale.ROOT))) return r;
            }
            return null;
        }
    }

    // CPU feature bits reported by features(), as in mcgt_native.h
    private static final int CPU_AVX2 = 1;
    private static final int CPU_AVXVNNI = 1 << 1;
    private static final int CPU_AVX512VNNI = 1 << 3;
    private static final int CPU_AMXINT8 = 1 << 4;

    private static final Cleaner CLEANER = Cleaner.create();

    private final Rung rung;
    private final Kernels fallback;

    NativeKernels(Rung rung, Kernels fallback) {
        this.rung = Objects.requireNonNull(rung);
        this.fallback = Objects.requireNonNull(fallback);
    }

    /** The rungs this CPU (and operating system) can run; loads nothing, call after {@link NativeLibrary#load}. */
    static EnumSet<Rung> supportedRungs() {
        int f = nFeatures();
        EnumSet<Rung> s = EnumSet.noneOf(Rung.class);
        if ((f & CPU_AVX2) == 0) return s;
        s.add(Rung.AVX2);
        if ((f & (CPU_AVXVNNI | CPU_AVX512VNNI)) != 0) s.add(Rung.AVX_VNNI);
        if ((f & CPU_AVX512VNNI) != 0) s.add(Rung.AVX512_VNNI);
        if ((f & CPU_AMXINT8) != 0 && nAmxRequest()) s.add(Rung.AMX);
        return s;
    }

    Rung rung() {
        return rung;
    }

    @Override
    public String name() {
        return "native-" + rung.label;
    }

    @Override
    public String toString() {
        return name();
    }

    // ------------------------------------------------------------------------------------------ GEMM

    /** Packed weights in native memory, freed by the cleaner once the matrix that holds them is unreachable. */
    private static final class Packed {
        final long handle;

        Packed(long handle) {
            this.handle = handle;
            CLEANER.register(this, new Free(handle));
        }
    }

    private record Free(long handle) implements Runnable {
        @Override
        public void run() {
            nFree(handle);
        }
    }

    @Override
    public void prepare(QuantizedMatrix w) {
        packed(w);
    }

    private Packed packed(QuantizedMatrix w) {
        Object p = w.preparedFor(rung);
        if (p == null) p = w.prepare(rung, m -> new Packed(nPack(rung.code, m.weights(), m.rows(), m.cols(), m.scales(), m.bias())));
        return (Packed) p;
    }

    @Override
    public void gemm(int m, byte[] a, int aOff, float[] aScales, int sOff, QuantizedMatrix w, float[] out, int outOff) {
        KernelChecks.checkGemm(m, a, aOff, aScales, sOff, w, out, outOff);
        if (m == 0) return;
        Packed p = packed(w);
        nGemm(p.handle, m, a, aOff, aScales, sOff, out, outOff);
        Reference.reachabilityFence(p);
    }

    @Override
    public void gemmI32(int m, int n, int kLen, byte[] a, int aOff, int lda, byte[] b, int bOff, int ldb, int[] out,
                        int oOff, int ldo) {
        KernelChecks.checkGemmI32(m, n, kLen, a, aOff, lda, b, bOff, ldb, out, oOff, ldo);
        if (m == 0 || n == 0) return;
        if (kLen == 0) {
            for (int i = 0; i < m; i++) java.util.Arrays.fill(out, oOff + i * ldo, oOff + i * ldo + n, 0);
            return;
        }
        nGemmI32(rung.code, m, n, kLen, a, aOff, lda, b, bOff, ldb, out, oOff, ldo);
    }

    @Override
    public void attendBlock(AttentionBlock at) {
        at.check();
        nAttendBlock(rung.code, at.qb, at.heads, at.headDim, at.d, at.q, at.qOff, at.qScale, at.qsOff, at.keys,
                at.keyScale, at.values, at.valueScale, at.keyList, at.stride, at.keyCount, at.lo, at.span,
                at.scoreScale, at.keyBias, at.out, at.outOff);
    }

    // ------------------------------------------------------------------------------------------ float operations

    @Override
    public void quantizeRows(float[] x, int xOff, int rows, int cols, byte[] q, int qOff, float[] scales, int sOff) {
        KernelChecks.checkQuantizeRows(x, xOff, rows, cols, q, qOff, scales, sOff);
        if (rows == 0) return;
        nQuantizeRows(rung.code, x, xOff, rows, cols, q, qOff, scales, sOff);
    }

    @Override
    public void layerNorm(float[] x, int xOff, int n, float[] gamma, float[] beta, float eps, float[] out, int outOff) {
        KernelChecks.checkLayerNorm(x, xOff, n, gamma, beta, out, outOff);
        nLayerNormRows(x, xOff, 1, n, gamma, beta, eps, out, outOff);
    }

    @Override
    public void layerNormRows(float[] x, int xOff, int rows, int n, float[] gamma, float[] beta, float eps,
                              float[] out, int outOff) {
        KernelChecks.checkLayerNormRows(x, xOff, rows, n, gamma, beta, out, outOff);
        if (rows == 0) return;
        if (out == x && outOff != xOff) {
            // rows would overlap in a way the scalar reference's row-by-row order defines: keep that order
            for (int r = 0; r < rows; r++) layerNorm(x, xOff + r * n, n, gamma, beta, eps, out, outOff + r * n);
            return;
        }
        nLayerNormRows(x, xOff, rows, n, gamma, beta, eps, out, outOff);
    }

    @Override
    public void gelu(float[] x, int off, int len, Activation kind) {
        Objects.checkFromIndexSize(off, len, x.length);
        if (len == 0) return;
        nGelu(rung.code, x, off, len, kind == Activation.GELU_ERF);
    }

    @Override
    public void softmax(float[] x, int off, int len) {
        Objects.checkFromIndexSize(off, len, x.length);
        if (len == 0) return;
        nSoftmax(rung.code, x, off, len);
    }

    @Override
    public void add(float[] x, int xOff, float[] y, int yOff, int len) {
        Objects.checkFromIndexSize(xOff, len, x.length);
        Objects.checkFromIndexSize(yOff, len, y.length);
        if (len == 0) return;
        if (x == y) {
            fallback.add(x, xOff, y, yOff, len); // overlapping ranges: the scalar reference's element order
            return;
        }
        nAdd(x, xOff, y, yOff, len);
    }

    // ------------------------------------------------------------------------------------------ on the fallback

    @Override
    public float sum(float[] x, int off, int len) {
        return fallback.sum(x, off, len);
    }

    @Override
    public void addScaledInt8(float alpha, byte[] v, int vOff, float[] y, int yOff, int len) {
        fallback.addScaledInt8(alpha, v, vOff, y, yOff, len);
    }

    @Override
    public void addScaledRows(int n, float[] alpha, int aOff, int[] rows, int rOff, float[] v, int vOff, int ldv,
                              float[] y, int yOff, int len) {
        fallback.addScaledRows(n, alpha, aOff, rows, rOff, v, vOff, ldv, y, yOff, len);
    }

    /**
     * In C (dots.c: 2 × 4 register tiles of 256-bit accumulators) from 8 dot products on; fewer, and outputs in an
     * input array (whose order of writes the reference defines), on the fallback.
     */
    @Override
    public void dotsF32(int m, int n, int len, float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] out,
                        int oOff, int ldo) {
        KernelChecks.checkDots(m, n, len, a, aOff, lda, b, bOff, ldb, out, oOff, ldo);
        if ((long) m * n < 8 || out == a || out == b) {
            fallback.dotsF32(m, n, len, a, aOff, lda, b, bOff, ldb, out, oOff, ldo);
            return;
        }
        nDotsF32(m, n, len, a, aOff, lda, b, bOff, ldb, out, oOff, ldo);
    }

    @Override
    public int addAndArgMax(double[] key, double[] w, int wOff, int m) {
        return fallback.addAndArgMax(key, w, wOff, m);
    }

    /** One native call per cut (mincut.c: 512-bit vectors on the AVX-512 rungs, 256-bit ones below). */
    @Override
    public double minCut(double[] g, int n, double[] key, int[] owner, boolean[] side) {
        KernelChecks.checkMinCut(g, n, key, owner, side);
        return nMinCut(rung.code, g, n, key, owner, side);
    }

    // ------------------------------------------------------------------------------------------ JNI (jni.c)

    /** CPU feature bits (mcgt_native.h). */
    static native int nFeatures();

    /** Asks Linux for the AMX tile data state; true when granted. */
    static native boolean nAmxRequest();

    private static native long nPack(int rung, byte[] w, int rows, int cols, float[] scales, float[] bias);

    private static native void nFree(long handle);

    /** Bytes of native memory a packed matrix holds. */
    static native int nPackedBytes(long handle);

    private static native void nGemm(long handle, int m, byte[] a, int aOff, float[] aScales, int sOff, float[] out,
                                    int outOff);

    private static native void nGemmI32(int rung, int m, int n, int k, byte[] a, int aOff, int lda, byte[] b, int bOff,
                                       int ldb, int[] out, int oOff, int ldo);

    private static native void nQuantizeRows(int rung, float[] x, int xOff, int rows, int cols, byte[] q, int qOff,
                                            float[] scales, int sOff);

    private static native void nLayerNormRows(float[] x, int xOff, int rows, int n, float[] gamma, float[] beta,
                                             float eps, float[] out, int outOff);

    private static native void nGelu(int rung, float[] x, int off, int len, boolean erf);

    private static native void nSoftmax(int rung, float[] x, int off, int len);

    private static native void nAdd(float[] x, int xOff, float[] y, int yOff, int len);

    private static native void nDotsF32(int m, int n, int len, float[] a, int aOff, int lda, float[] b, int bOff,
                                        int ldb, float[] out, int oOff, int ldo);

    private static native double nMinCut(int rung, double[] g, int n, double[] key, int[] owner, boolean[] side);

    private static native void nAttendBlock(int rung, int qb, int heads, int headDim, int d, byte[] q, int qOff,
                                           float[] qScale, int qsOff, byte[] keys, float[] keyScale, byte[] values,
                                           float[] valueScale, int[] keyList, int stride, int[] keyCount, int lo,
                                           int span, float scoreScale, float[] keyBias, float[] out, int outOff);
}
