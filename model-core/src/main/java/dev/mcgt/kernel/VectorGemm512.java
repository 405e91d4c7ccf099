package dev.mcgt.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.nio.ByteOrder;

import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.FMA;

/**
 * The int8 GEMMs of {@link VectorKernels} on 512-bit vectors (sixteen f32 lanes), used where the CPU's preferred
 * vector width is 512 bits (AVX-512). Weights are widened once to f32 in panels of {@value #PANEL} output columns
 * ({@code [panel][k][32]}, two registers per k); register tiles of 6 (or 4, or 1) rows × 32 columns accumulate
 * broadcast(a[i][k]) · W[k][j..j+32] with f32 FMAs, exact within K blocks of {@value VectorKernels#KB} as in the
 * 256-bit path; each block's sums are then converted to int32 exactly and added ({@link VectorKernels#addExactBytes}),
 * so the result equals the scalar kernel's int sum for any K. K is walked in cache blocks of {@value #KC}.
 *
 * <p>Why this class looks as it does (JDK 17's C2): with 256-bit and 512-bit vectors in one JVM, the Vector API's
 * shared methods ({@code FloatVector.intoArray}, {@code add}, {@code reinterpretAsInts}, ...) see both classes in
 * their type profiles, and C2 then no longer knows the vector class of their receivers, misses the intrinsic
 * ("missing constant: vclass" under {@code -XX:+PrintIntrinsics}) and boxes every vector, which makes both paths
 * many times slower. So this class uses only what the 256-bit operations do not: static factories with a constant
 * species, {@code lanewise} (overridden by the concrete class, called at this class's own call sites) and
 * {@code intoByteArray}/{@code fromByteArray} for its f32 partial sums, kept in a byte array; the conversion to
 * int32 and the float epilogue run on 256-bit vectors ({@link VectorKernels#epilogue}).
 * {@code VectorKernelsAllocationTest} checks that nothing allocates once both widths have run.
 */
final class VectorGemm512 {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_512;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final int L = 16;
    /** Output columns per weight panel: two 512-bit f32 vectors. */
    static final int PANEL = 32;
    /** K cache block: a KC × 32 panel slice (32 KiB) stays in L1. */
    static final int KC = 256;
    /** Key of this path's prepared weights in {@link QuantizedMatrix}. */
    private static final Object KEY = VectorGemm512.class;

    private VectorGemm512() { }

    /** True when the 512-bit species are the preferred width of this JVM on this CPU. */
    static boolean supported() {
        return FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 512;
    }


    static void prepare(QuantizedMatrix w) {
        prepared(w);
    }

    private static PanelWeights prepared(QuantizedMatrix w) {
        return PanelWeights.of(w, KEY, PANEL);
    }

    /** {@link Kernels#gemm} after the argument checks, m &gt; 0. */
    static void gemm(int m, byte[] a, int aOff, float[] aScales, int sOff, QuantizedMatrix w, float[] out,
                     int outOff, VectorKernels.Scratch s) {
        PanelWeights pw = prepared(w);
        int k = w.cols();
        int n = w.rows();
        float[] af = s.a(Math.multiplyExact(m, k));
        for (int i = 0; i < m; i++) VectorKernels.toBlocks(a, aOff + i * k, af, m, i, k, KC);
        int panels = pw.panelCount();
        int len = Math.multiplyExact(panels * PANEL, m);
        int[] c = s.acc(len);
        sums(m, af, k, pw.panels(), panels, s.cb(Math.multiplyExact(4, len)), c);
        int half = PANEL / 2;
        for (int p = 0; p < panels; p++) {
            int j0 = p * PANEL;
            int valid = Math.min(PANEL, n - j0);
            for (int i = 0; i < m; i++) {
                int t = (p * m + i) * PANEL;
                int o = outOff + i * n + j0;
                float as = aScales[sOff + i];
                VectorKernels.epilogue(null, c, t, as, pw.scales(), pw.bias(), j0, Math.min(half, valid), out, o,
                        s.row);
                if (valid > half) {
                    VectorKernels.epilogue(null, c, t + half, as, pw.scales(), pw.bias(), j0 + half, valid - half,
                            out, o + half, s.row);
                }
            }
        }
    }

    /** {@link Kernels#gemmI32} after the argument checks and the trivial cases (m, n, kLen &gt; 0). */
    static void gemmI32(int m, int n, int kLen, byte[] a, int aOff, int lda, byte[] b, int bOff, int ldb,
                        int[] out, int oOff, int ldo, VectorKernels.Scratch s) {
        int panels = (n + PANEL - 1) / PANEL;
        float[] af = s.a(Math.multiplyExact(m, kLen));
        for (int i = 0; i < m; i++) VectorKernels.toBlocks(a, aOff + i * lda, af, m, i, kLen, KC);
        float[] bp = VectorKernels.packPanels(b, bOff, kLen, n, ldb, PANEL,
                s.b(Math.multiplyExact(panels * PANEL, kLen)));
        int len = Math.multiplyExact(panels * PANEL, m);
        int[] c = s.acc(len);
        sums(m, af, kLen, bp, panels, s.cb(Math.multiplyExact(4, len)), c);
        for (int p = 0; p < panels; p++) {
            int j0 = p * PANEL;
            int valid = Math.min(PANEL, n - j0);
            for (int i = 0; i < m; i++) {
                System.arraycopy(c, (p * m + i) * PANEL, out, oOff + i * ldo + j0, valid);
            }
        }
    }

    /**
     * c[(p·m + i)·32 + j] = Σ_k a[i][k] · W[k][p·32 + j] (int32), af in the K-block-major layout of
     * {@link VectorKernels#toBlocks} with blocks of {@value #KC}; cb holds the f32 sums of the current exactness
     * block (little-endian bytes at 4 · the same index). The cache block is the outer loop, so the m × KC slice of
     * activations is reused by every panel and each KC × 32 panel slice (L1) by every row tile.
     */
    private static void sums(int m, float[] af, int k, float[] wp, int panels, byte[] cb, int[] c) {
        int len = panels * m * PANEL;
        int n6 = VectorKernels.sixRowTiles(m);
        int n4 = VectorKernels.fourRowTiles(m);
        for (int e0 = 0; e0 < k; e0 += VectorKernels.KB) {
            int e1 = Math.min(k, e0 + VectorKernels.KB);
            for (int k0 = e0; k0 < e1; k0 += KC) {
                int k1 = Math.min(e1, k0 + KC);
                int kw = k1 - k0;
                boolean first = k0 == e0;
                // row i of this block starts at m·k0 + i·kw; the tiles index it with kk in [k0, k1)
                int aBase = m * k0 - k0;
                for (int p = 0; p < panels; p++) {
                    int wBase = p * PANEL * k;
                    int cBase = p * m * PANEL;
                    int i = 0;
                    for (int t = 0; t < n6; t++, i += 6) {
                        block6(af, aBase + i * kw, kw, wp, wBase, k0, k1, cb, cBase + i * PANEL, first);
                    }
                    for (int t = 0; t < n4; t++, i += 4) {
                        block4(af, aBase + i * kw, kw, wp, wBase, k0, k1, cb, cBase + i * PANEL, first);
                    }
                    for (; i < m; i++) block1(af, aBase + i * kw, wp, wBase, k0, k1, cb, cBase + i * PANEL, first);
                }
            }
            VectorKernels.addExactBytes(cb, c, len, e0 == 0);
        }
    }

    /**
     * The 6 × 32 register tile: c[r][0..32] (+)= Σ_{k0 ≤ k < k1} a[r][k] · W[k][0..32] (f32 in c's bytes; the first
     * block of an exactness block starts from zero), activation rows a0 + r·lda (named accumulators: the JIT keeps
     * a tile in registers only then).
     */
    private static void block6(float[] af, int a0, int lda, float[] wp, int wBase, int k0, int k1, byte[] c,
                               int co, boolean first) {
        int a1 = a0 + lda;
        int a2 = a1 + lda;
        int a3 = a2 + lda;
        int a4 = a3 + lda;
        int a5 = a4 + lda;
        FloatVector z = FloatVector.zero(F);
        FloatVector c00 = first ? z : FloatVector.fromByteArray(F, c, 4 * co, LE);
        FloatVector c01 = first ? z : FloatVector.fromByteArray(F, c, 4 * (co + L), LE);
        FloatVector c10 = first ? z : FloatVector.fromByteArray(F, c, 4 * (co + PANEL), LE);
        FloatVector c11 = first ? z : FloatVector.fromByteArray(F, c, 4 * (co + PANEL + L), LE);
        FloatVector c20 = first ? z : FloatVector.fromByteArray(F, c, 4 * (co + 2 * PANEL), LE);
        FloatVector c21 = first ? z : FloatVector.fromByteArray(F, c, 4 * (co + 2 * PANEL + L), LE);
        FloatVector c30 = first ? z : FloatVector.fromByteArray(F, c, 4 * (co + 3 * PANEL), LE);
        FloatVector c31 = first ? z : FloatVector.fromByteArray(F, c, 4 * (co + 3 * PANEL + L), LE);
        FloatVector c40 = first ? z : FloatVector.fromByteArray(F, c, 4 * (co + 4 * PANEL), LE);
        FloatVector c41 = first ? z : FloatVector.fromByteArray(F, c, 4 * (co + 4 * PANEL + L), LE);
        FloatVector c50 = first ? z : FloatVector.fromByteArray(F, c, 4 * (co + 5 * PANEL), LE);
        FloatVector c51 = first ? z : FloatVector.fromByteArray(F, c, 4 * (co + 5 * PANEL + L), LE);
        for (int kk = k0, wi = wBase + k0 * PANEL; kk < k1; kk++, wi += PANEL) {
            FloatVector w0 = FloatVector.fromArray(F, wp, wi);
            FloatVector w1 = FloatVector.fromArray(F, wp, wi + L);
            FloatVector x = FloatVector.broadcast(F, af[a0 + kk]);
            c00 = x.lanewise(FMA, w0, c00);
            c01 = x.lanewise(FMA, w1, c01);
            x = FloatVector.broadcast(F, af[a1 + kk]);
            c10 = x.lanewise(FMA, w0, c10);
            c11 = x.lanewise(FMA, w1, c11);
            x = FloatVector.broadcast(F, af[a2 + kk]);
            c20 = x.lanewise(FMA, w0, c20);
            c21 = x.lanewise(FMA, w1, c21);
            x = FloatVector.broadcast(F, af[a3 + kk]);
            c30 = x.lanewise(FMA, w0, c30);
            c31 = x.lanewise(FMA, w1, c31);
            x = FloatVector.broadcast(F, af[a4 + kk]);
            c40 = x.lanewise(FMA, w0, c40);
            c41 = x.lanewise(FMA, w1, c41);
            x = FloatVector.broadcast(F, af[a5 + kk]);
            c50 = x.lanewise(FMA, w0, c50);
            c51 = x.lanewise(FMA, w1, c51);
        }
        c00.intoByteArray(c, 4 * co, LE);
        c01.intoByteArray(c, 4 * (co + L), LE);
        c10.intoByteArray(c, 4 * (co + PANEL), LE);
        c11.intoByteArray(c, 4 * (co + PANEL + L), LE);
        c20.intoByteArray(c, 4 * (co + 2 * PANEL), LE);
        c21.intoByteArray(c, 4 * (co + 2 * PANEL + L), LE);
        c30.intoByteArray(c, 4 * (co + 3 * PANEL), LE);
        c31.intoByteArray(c, 4 * (co + 3 * PANEL + L), LE);
        c40.intoByteArray(c, 4 * (co + 4 * PANEL), LE);
        c41.intoByteArray(c, 4 * (co + 4 * PANEL + L), LE);
        c50.intoByteArray(c, 4 * (co + 5 * PANEL), LE);
        c51.intoByteArray(c, 4 * (co + 5 * PANEL + L), LE);
    }

    /** The 4 × 32 register tile (rows left over by the 6-row tiles), written out like {@link #block6}. */
    private static void block4(float[] af, int a0, int lda, float[] wp, int wBase, int k0, int k1, byte[] c,
                               int co, boolean first) {
        int a1 = a0 + lda;
        int a2 = a1 + lda;
        int a3 = a2 + lda;
        FloatVector z = FloatVector.zero(F);
        FloatVector c00 = first ? z : FloatVector.fromByteArray(F, c, 4 * co, LE);
        FloatVector c01 = first ? z : FloatVector.fromByteArray(F, c, 4 * (co + L), LE);
        FloatVector c10 = first ? z : FloatVector.fromByteArray(F, c, 4 * (co + PANEL), LE);
        FloatVector c11 = first ? z : FloatVector.fromByteArray(F, c, 4 * (co + PANEL + L), LE);
        FloatVector c20 = first ? z : FloatVector.fromByteArray(F, c, 4 * (co + 2 * PANEL), LE);
        FloatVector c21 = first ? z : FloatVector.fromByteArray(F, c, 4 * (co + 2 * PANEL + L), LE);
        FloatVector c30 = first ? z : FloatVector.fromByteArray(F, c, 4 * (co + 3 * PANEL), LE);
        FloatVector c31 = first ? z : FloatVector.fromByteArray(F, c, 4 * (co + 3 * PANEL + L), LE);
        for (int kk = k0, wi = wBase + k0 * PANEL; kk < k1; kk++, wi += PANEL) {
            FloatVector w0 = FloatVector.fromArray(F, wp, wi);
            FloatVector w1 = FloatVector.fromArray(F, wp, wi + L);
            FloatVector x = FloatVector.broadcast(F, af[a0 + kk]);
            c00 = x.lanewise(FMA, w0, c00);
            c01 = x.lanewise(FMA, w1, c01);
            x = FloatVector.broadcast(F, af[a1 + kk]);
            c10 = x.lanewise(FMA, w0, c10);
            c11 = x.lanewise(FMA, w1, c11);
            x = FloatVector.broadcast(F, af[a2 + kk]);
            c20 = x.lanewise(FMA, w0, c20);
            c21 = x.lanewise(FMA, w1, c21);
            x = FloatVector.broadcast(F, af[a3 + kk]);
            c30 = x.lanewise(FMA, w0, c30);
            c31 = x.lanewise(FMA, w1, c31);
        }
        c00.intoByteArray(c, 4 * co, LE);
        c01.intoByteArray(c, 4 * (co + L), LE);
        c10.intoByteArray(c, 4 * (co + PANEL), LE);
        c11.intoByteArray(c, 4 * (co + PANEL + L), LE);
        c20.intoByteArray(c, 4 * (co + 2 * PANEL), LE);
        c21.intoByteArray(c, 4 * (co + 2 * PANEL + L), LE);
        c30.intoByteArray(c, 4 * (co + 3 * PANEL), LE);
        c31.intoByteArray(c, 4 * (co + 3 * PANEL + L), LE);
    }

    /** One activation row × 32 columns; even and odd k in separate accumulators (exact, so order is free). */
    private static void block1(float[] af, int a0, float[] wp, int wBase, int k0, int k1, byte[] c, int co,
                               boolean first) {
        FloatVector z = FloatVector.zero(F);
        FloatVector c0 = first ? z : FloatVector.fromByteArray(F, c, 4 * co, LE);
        FloatVector c1 = first ? z : FloatVector.fromByteArray(F, c, 4 * (co + L), LE);
        FloatVector d0 = z, d1 = z;
        int kk = k0;
        int wi = wBase + k0 * PANEL;
        for (; kk <= k1 - 2; kk += 2, wi += 2 * PANEL) {
            FloatVector x = FloatVector.broadcast(F, af[a0 + kk]);
            c0 = x.lanewise(FMA, FloatVector.fromArray(F, wp, wi), c0);
            c1 = x.lanewise(FMA, FloatVector.fromArray(F, wp, wi + L), c1);
            FloatVector y = FloatVector.broadcast(F, af[a0 + kk + 1]);
            d0 = y.lanewise(FMA, FloatVector.fromArray(F, wp, wi + PANEL), d0);
            d1 = y.lanewise(FMA, FloatVector.fromArray(F, wp, wi + PANEL + L), d1);
        }
        if (kk < k1) {
            FloatVector x = FloatVector.broadcast(F, af[a0 + kk]);
            c0 = x.lanewise(FMA, FloatVector.fromArray(F, wp, wi), c0);
            c1 = x.lanewise(FMA, FloatVector.fromArray(F, wp, wi + L), c1);
        }
        c0.lanewise(ADD, d0).intoByteArray(c, 4 * co, LE);
        c1.lanewise(ADD, d1).intoByteArray(c, 4 * (co + L), LE);
    }
}
