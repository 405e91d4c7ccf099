package dev.mcgt.kernel;

import dev.mcgt.config.Activation;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.Objects;

/**
 * {@link Kernels} on the incubating Vector API with 256-bit species (eight f32 / i32 lanes), its GEMMs on 512-bit
 * ones ({@link VectorGemm512}) where the CPU prefers them ({@code vector-512}). With {@link VectorGemm512} the only
 * classes that import {@code jdk.incubator.vector}; loaded by reflection from {@link KernelProvider}.
 *
 * <p>GEMM: weights are widened once to f32 and re-laid out in panels of 16 output columns ({@code [panel][k][16]},
 * see {@link #prepare}); the int8 activations of a call are widened to f32 in a per-thread scratch buffer.
 * Register tiles of 6 (or 4, or 1) rows × 16 columns accumulate broadcast(a[i][k]) · W[k][j..j+16] with
 * {@link FloatVector#fma}. Every product of two int8 values and every partial sum of at most {@value #KB} of them
 * is an integer of magnitude at most 2²⁴, so this f32 arithmetic is exact and equals the int32 sum of the scalar
 * kernel; longer K is split in blocks of {@value #KB} whose sums are converted to i32 exactly (with adds and bit
 * moves: the F2I cast is not intrinsified on JDK 17) and added in i32. K is further walked in cache blocks of
 * {@value #KC}, outermost, so that an m × KC activation slice stays in L2 while every panel uses it and a
 * KC × 16 panel slice stays in L1 while every row tile uses it.
 *
 * <p>No vector value crosses a method boundary (C2 does not reliably inline vector helpers, and a vector passed to a
 * method that is not inlined is boxed): register tiles are written to a per-thread scratch array and the lane-wise
 * exp is written out in each of the three loops that need it (softmax, both GELU forms). One shared helper for it
 * was tried: on JDK 17 it was not inlined, and {@code VectorKernelsAllocationTest} measured 6.5 MB allocated over
 * its 200 rounds (boxed vectors) against none with the copies, so the copies stay. Once compiled, calls do not
 * allocate; the prepared weights take 4 bytes per weight, and each thread keeps scratch of about m·K + 2·m·N
 * floats.
 *
 * <p>Float reductions use the canonical 8-lane order: vector lane l holds elements i ≡ l (mod 8), the remaining
 * tail elements are added to the extracted lane sums in scalar code, and the lanes are combined with
 * {@link FloatMath#combine8} — exactly what {@link ScalarKernels} does. Elementwise functions repeat the bodies
 * of {@link FloatMath} lane-wise.
 */
final class VectorKernels implements Kernels {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
    private static final VectorSpecies<Byte> B = ByteVector.SPECIES_64;
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_256;
    private static final int DL = 4;
    private static final int L = 8;
    /** Output columns per weight panel: two f32 vectors. */
    static final int PANEL = 16;
    /** K block within which f32 accumulation of int8 products is exact: 1024 · 128² = 2²⁴. */
    static final int KB = 1024;
    /** K cache block: a KC × 16 panel slice (16 KiB) stays in L1, an m × KC activation slice in L2. */
    static final int KC = 256;
    /** Key of this kernel's prepared weights in {@link QuantizedMatrix}. */
    private static final Object KEY = VectorKernels.class;
    /** 1.5·2³¹: adding it to |v| ≤ 2²⁴ rounds v to a multiple of 256, readable from the low bits. */
    private static final float MAGIC_256 = 3221225472f;
    private static final int MAGIC_256_BITS = Float.floatToRawIntBits(MAGIC_256);

    static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** True when the GEMMs run on 512-bit vectors ({@link VectorGemm512}). */
    private final boolean wide;
    /** Why this width, for the provider's log. */
    private final String widthReason;

    VectorKernels() {
        this(WIDTH_AUTO);
    }

    /** Width {@code auto} (512 when the CPU's preferred vectors are 512 bits wide), {@code 256} or {@code 512}. */
    VectorKernels(String width) {
        if (F.length() != L || FloatVector.SPECIES_PREFERRED.vectorBitSize() < 256
                || IntVector.SPECIES_PREFERRED.vectorBitSize() < 256) {
            throw new UnsupportedOperationException("256-bit float and int vectors (AVX2) are not supported here");
        }
        wide = switch (width) {
            case WIDTH_AUTO -> VectorGemm512.supported();
            case "256" -> false;
            case "512" -> {
                if (!VectorGemm512.supported()) {
                    throw new UnsupportedOperationException("512-bit vectors are not the preferred width here (preferred "
                            + FloatVector.SPECIES_PREFERRED.vectorBitSize() + " bits)");
                }
                yield true;
            }
            default -> throw new IllegalArgumentException("vector width must be auto, 256 or 512, got '" + width + "'");
        };
        int preferred = FloatVector.SPECIES_PREFERRED.vectorBitSize();
        widthReason = (wide ? "512-bit" : "256-bit") + " GEMM, " + (width.equals(WIDTH_AUTO)
                ? "the CPU's preferred vector width is " + preferred + " bits"
                : "width forced to " + width + " bits (preferred " + preferred + ")");
    }

    /** Why the GEMMs run at this width (the CPU's preferred width, or a forced one). */
    String widthReason() {
        return widthReason;
    }

    /** The width argument that picks 512 bits when the CPU prefers them. */
    static final String WIDTH_AUTO = "auto";

    /**
     * Per-thread buffers, grown on demand: widened activations (a), the packed B operand of gemmI32 (b), the f32
     * partial sums of all panels (c; cb for the 512-bit path), their i32 sums (acc) and one output row of a
     * partial panel (row).
     */
    static final class Scratch {
        float[] a = new float[0];
        float[] b = new float[0];
        float[] c = new float[0];
        int[] acc = new int[0];
        final float[] row = new float[VectorGemm512.PANEL];

        float[] c(int n) {
            if (c.length < n) c = new float[n];
            return c;
        }

        int[] acc(int n) {
            if (acc.length < n) acc = new int[n];
            return acc;
        }

        float[] a(int n) {
            if (a.length < n) a = new float[n];
            return a;
        }

        float[] b(int n) {
            if (b.length < n) b = new float[n];
            return b;
        }

        /** f32 partial sums of {@link VectorGemm512} as little-endian bytes. */
        byte[] cb = new byte[0];

        byte[] cb(int n) {
            if (cb.length < n) cb = new byte[n];
            return cb;
        }
    }


    @Override
    public String name() {
        return wide ? "vector-512" : "vector-256";
    }

    @Override
    public String toString() {
        return name();
    }

    @Override
    public void prepare(QuantizedMatrix w) {
        if (wide) VectorGemm512.prepare(w);
        else prepared(w);
    }

    private static PanelWeights prepared(QuantizedMatrix w) {
        return PanelWeights.of(w, KEY, PANEL);
    }

    /**
     * Packs n rows of k int8 values (row stride ld) as f32 panels [p][k][panel], zero-padded to whole panels.
     */
    static float[] packPanels(byte[] b, int off, int k, int n, int ld, int panel, float[] dst) {
        int panels = (n + panel - 1) / panel;
        for (int p = 0; p < panels; p++) {
            int base = p * panel * k;
            for (int c = 0; c < panel; c++) {
                int j = p * panel + c;
                if (j < n) {
                    int src = off + j * ld;
                    for (int kk = 0; kk < k; kk++) dst[base + kk * panel + c] = b[src + kk];
                } else {
                    for (int kk = 0; kk < k; kk++) dst[base + kk * panel + c] = 0f;
                }
            }
        }
        return dst;
    }

    /** Widens {@code len} int8 values to f32. */
    private static void toFloats(byte[] src, int so, float[] dst, int d0, int len) {
        int i = 0;
        for (; i <= len - L; i += L) {
            ByteVector.fromArray(B, src, so + i).convertShape(VectorOperators.B2F, F, 0)
                    .reinterpretAsFloats().intoArray(dst, d0 + i);
        }
        for (; i < len; i++) dst[d0 + i] = src[so + i];
    }

    /**
     * Widens row i (k int8 values) of an m-row activation matrix into the K-block-major layout of {@link #sums}:
     * for each cache block [k0, k1) of kc columns, the m rows of that block lie contiguously, row i at
     * {@code m·k0 + i·(k1 − k0)}. A block's working set is then m·KC·4 contiguous bytes (a handful of pages)
     * instead of one page per row, which keeps L2 and TLB use independent of where the scratch array lands.
     */
    static void toBlocks(byte[] src, int so, float[] dst, int m, int i, int k, int kc) {
        for (int k0 = 0; k0 < k; k0 += kc) {
            int kw = Math.min(k, k0 + kc) - k0;
            toFloats(src, so + k0, dst, m * k0 + i * kw, kw);
        }
    }

    // ------------------------------------------------------------------------------------------ GEMM

    @Override
    public void gemm(int m, byte[] a, int aOff, float[] aScales, int sOff, QuantizedMatrix w, float[] out,
                     int outOff) {
        KernelChecks.checkGemm(m, a, aOff, aScales, sOff, w, out, outOff);
        if (m == 0) return;
        if (wide) {
            VectorGemm512.gemm(m, a, aOff, aScales, sOff, w, out, outOff, SCRATCH.get());
            return;
        }
        PanelWeights pw = prepared(w);
        int k = w.cols();
        int n = w.rows();
        Scratch s = SCRATCH.get();
        float[] af = s.a(Math.multiplyExact(m, k));
        for (int i = 0; i < m; i++) toBlocks(a, aOff + i * k, af, m, i, k, KC);
        int panels = pw.panelCount();
        int len = Math.multiplyExact(panels * PANEL, m);
        float[] c = s.c(len);
        sums(m, af, k, pw.panels(), panels, c, s.acc(len));
        for (int p = 0; p < panels; p++) {
            int j0 = p * PANEL;
            int valid = Math.min(PANEL, n - j0);
            for (int i = 0; i < m; i++) {
                epilogue(c, null, (p * m + i) * PANEL, aScales[sOff + i], pw.scales(), pw.bias(), j0, valid, out,
                        outOff + i * n + j0, s.row);
            }
        }
    }

    /**
     * The integer sums of all m rows against all weight panels: c[(p·m + i)·16 + j] = Σ_k a[i][k] · W[k][p·16 + j]
     * as f32 (exact up to 2²⁴, rounded like {@code (float) int} beyond), af in the layout of {@link #toBlocks}.
     * K is walked in exactness blocks of {@value #KB}, each in cache blocks of {@value #KC}; the cache block is the
     * outer loop, so the m × KC slice of activations (contiguous, L2) is reused by every panel and each KC × 16
     * panel slice (L1) by every row tile.
     * f32 partial tiles live in c between cache blocks; exactness blocks are summed in i32 in acc when K exceeds
     * one block.
     */
    private static void sums(int m, float[] af, int k, float[] wp, int panels, float[] c, int[] acc) {
        int len = panels * m * PANEL;
        int n6 = sixRowTiles(m);
        int n4 = fourRowTiles(m);
        for (int e0 = 0; e0 < k; e0 += KB) {
            int e1 = Math.min(k, e0 + KB);
            java.util.Arrays.fill(c, 0, len, 0f);
            for (int k0 = e0; k0 < e1; k0 += KC) {
                int k1 = Math.min(e1, k0 + KC);
                int kw = k1 - k0;
                // row i of this block starts at m·k0 + i·kw; the kernels index it with kk in [k0, k1)
                int aBase = m * k0 - k0;
                for (int p = 0; p < panels; p++) {
                    int wBase = p * PANEL * k;
                    int cBase = p * m * PANEL;
                    int i = 0;
                    for (int t = 0; t < n6; t++, i += 6) {
                        block6(af, aBase + i * kw, kw, wp, wBase, k0, k1, c, cBase + i * PANEL);
                    }
                    for (int t = 0; t < n4; t++, i += 4) {
                        block4(af, aBase + i * kw, kw, wp, wBase, k0, k1, c, cBase + i * PANEL);
                    }
                    for (; i < m; i++) block1(af, aBase + i * kw, wp, wBase, k0, k1, c, cBase + i * PANEL);
                }
            }
            if (k > KB) addExact(c, null, acc, len, e0 == 0);
        }
        if (k > KB) toFloat(acc, c, len);
    }

    /**
     * Row tiles of the GEMMs: as many 6-row tiles as possible, the rest in 4-row tiles (one 6 becomes 4 + 4 when
     * that avoids 2 or 3 single rows), then single rows. The number of 6-row tiles for m rows.
     */
    static int sixRowTiles(int m) {
        int rest = m % 6;
        return (rest == 2 || rest == 3) && m >= 6 ? m / 6 - 1 : m / 6;
    }

    /** The number of 4-row tiles for m rows after {@link #sixRowTiles}. */
    static int fourRowTiles(int m) {
        return (m - 6 * sixRowTiles(m)) / 4;
    }

    /**
     * The 6 × 16 register tile: c[r][0..16] += Σ_k broadcast(a[r][k]) · W[k][0..16] with exact FMAs, activation
     * rows a0 + r·lda.
     */
    private static void block6(float[] af, int a0, int lda, float[] wp, int wBase, int k0, int k1, float[] c,
                               int co) {
        int a1 = a0 + lda;
        int a2 = a1 + lda;
        int a3 = a2 + lda;
        int a4 = a3 + lda;
        int a5 = a4 + lda;
        FloatVector c00 = FloatVector.fromArray(F, c, co), c01 = FloatVector.fromArray(F, c, co + L);
        FloatVector c10 = FloatVector.fromArray(F, c, co + PANEL), c11 = FloatVector.fromArray(F, c, co + PANEL + L);
        FloatVector c20 = FloatVector.fromArray(F, c, co + 2 * PANEL);
        FloatVector c21 = FloatVector.fromArray(F, c, co + 2 * PANEL + L);
        FloatVector c30 = FloatVector.fromArray(F, c, co + 3 * PANEL);
        FloatVector c31 = FloatVector.fromArray(F, c, co + 3 * PANEL + L);
        FloatVector c40 = FloatVector.fromArray(F, c, co + 4 * PANEL);
        FloatVector c41 = FloatVector.fromArray(F, c, co + 4 * PANEL + L);
        FloatVector c50 = FloatVector.fromArray(F, c, co + 5 * PANEL);
        FloatVector c51 = FloatVector.fromArray(F, c, co + 5 * PANEL + L);
        for (int kk = k0, wi = wBase + k0 * PANEL; kk < k1; kk++, wi += PANEL) {
            FloatVector w0 = FloatVector.fromArray(F, wp, wi);
            FloatVector w1 = FloatVector.fromArray(F, wp, wi + L);
            FloatVector x = FloatVector.broadcast(F, af[a0 + kk]);
            c00 = x.fma(w0, c00);
            c01 = x.fma(w1, c01);
            x = FloatVector.broadcast(F, af[a1 + kk]);
            c10 = x.fma(w0, c10);
            c11 = x.fma(w1, c11);
            x = FloatVector.broadcast(F, af[a2 + kk]);
            c20 = x.fma(w0, c20);
            c21 = x.fma(w1, c21);
            x = FloatVector.broadcast(F, af[a3 + kk]);
            c30 = x.fma(w0, c30);
            c31 = x.fma(w1, c31);
            x = FloatVector.broadcast(F, af[a4 + kk]);
            c40 = x.fma(w0, c40);
            c41 = x.fma(w1, c41);
            x = FloatVector.broadcast(F, af[a5 + kk]);
            c50 = x.fma(w0, c50);
            c51 = x.fma(w1, c51);
        }
        c00.intoArray(c, co);
        c01.intoArray(c, co + L);
        c10.intoArray(c, co + PANEL);
        c11.intoArray(c, co + PANEL + L);
        c20.intoArray(c, co + 2 * PANEL);
        c21.intoArray(c, co + 2 * PANEL + L);
        c30.intoArray(c, co + 3 * PANEL);
        c31.intoArray(c, co + 3 * PANEL + L);
        c40.intoArray(c, co + 4 * PANEL);
        c41.intoArray(c, co + 4 * PANEL + L);
        c50.intoArray(c, co + 5 * PANEL);
        c51.intoArray(c, co + 5 * PANEL + L);
    }

    /**
     * The 4 × 16 register tile (rows left over by the 6-row tiles), activation rows a0 + r·lda. Written out like
     * {@link #block6} on purpose: the JIT keeps a tile in registers only when its accumulators are named locals.
     */
    private static void block4(float[] af, int a0, int lda, float[] wp, int wBase, int k0, int k1, float[] c,
                               int co) {
        int a1 = a0 + lda;
        int a2 = a1 + lda;
        int a3 = a2 + lda;
        FloatVector c00 = FloatVector.fromArray(F, c, co), c01 = FloatVector.fromArray(F, c, co + L);
        FloatVector c10 = FloatVector.fromArray(F, c, co + PANEL), c11 = FloatVector.fromArray(F, c, co + PANEL + L);
        FloatVector c20 = FloatVector.fromArray(F, c, co + 2 * PANEL);
        FloatVector c21 = FloatVector.fromArray(F, c, co + 2 * PANEL + L);
        FloatVector c30 = FloatVector.fromArray(F, c, co + 3 * PANEL);
        FloatVector c31 = FloatVector.fromArray(F, c, co + 3 * PANEL + L);
        for (int kk = k0, wi = wBase + k0 * PANEL; kk < k1; kk++, wi += PANEL) {
            FloatVector w0 = FloatVector.fromArray(F, wp, wi);
            FloatVector w1 = FloatVector.fromArray(F, wp, wi + L);
            FloatVector x = FloatVector.broadcast(F, af[a0 + kk]);
            c00 = x.fma(w0, c00);
            c01 = x.fma(w1, c01);
            x = FloatVector.broadcast(F, af[a1 + kk]);
            c10 = x.fma(w0, c10);
            c11 = x.fma(w1, c11);
            x = FloatVector.broadcast(F, af[a2 + kk]);
            c20 = x.fma(w0, c20);
            c21 = x.fma(w1, c21);
            x = FloatVector.broadcast(F, af[a3 + kk]);
            c30 = x.fma(w0, c30);
            c31 = x.fma(w1, c31);
        }
        c00.intoArray(c, co);
        c01.intoArray(c, co + L);
        c10.intoArray(c, co + PANEL);
        c11.intoArray(c, co + PANEL + L);
        c20.intoArray(c, co + 2 * PANEL);
        c21.intoArray(c, co + 2 * PANEL + L);
        c30.intoArray(c, co + 3 * PANEL);
        c31.intoArray(c, co + 3 * PANEL + L);
    }

    /** One activation row × 16 columns; even and odd k in separate accumulators (exact, so order is free). */
    private static void block1(float[] af, int a0, float[] wp, int wBase, int k0, int k1, float[] c, int co) {
        FloatVector c0 = FloatVector.fromArray(F, c, co), c1 = FloatVector.fromArray(F, c, co + L);
        FloatVector d0 = FloatVector.zero(F), d1 = d0;
        int kk = k0;
        int wi = wBase + k0 * PANEL;
        for (; kk <= k1 - 2; kk += 2, wi += 2 * PANEL) {
            FloatVector x = FloatVector.broadcast(F, af[a0 + kk]);
            c0 = x.fma(FloatVector.fromArray(F, wp, wi), c0);
            c1 = x.fma(FloatVector.fromArray(F, wp, wi + L), c1);
            FloatVector y = FloatVector.broadcast(F, af[a0 + kk + 1]);
            d0 = y.fma(FloatVector.fromArray(F, wp, wi + PANEL), d0);
            d1 = y.fma(FloatVector.fromArray(F, wp, wi + PANEL + L), d1);
        }
        if (kk < k1) {
            FloatVector x = FloatVector.broadcast(F, af[a0 + kk]);
            c0 = x.fma(FloatVector.fromArray(F, wp, wi), c0);
            c1 = x.fma(FloatVector.fromArray(F, wp, wi + L), c1);
        }
        c0.add(d0).intoArray(c, co);
        c1.add(d1).intoArray(c, co + L);
    }

    /**
     * out[o + c] = t[c] · (as · scales[j0 + c]) + bias[j0 + c] for c &lt; valid ≤ 16, t the integer sums of the
     * tile: tile[tOff..tOff+16] as f32 (exact up to 2²⁴, rounded like {@code (float) int} beyond), or, when sums is
     * not null, (float) sums[tOff..tOff+16] (the 512-bit path, which never stores a float vector itself: see
     * {@link VectorGemm512}).
     */
    static void epilogue(float[] tile, int[] sums, int tOff, float as, float[] scales, float[] bias, int j0,
                         int valid, float[] out, int o, float[] row) {
        FloatVector asv = FloatVector.broadcast(F, as);
        FloatVector t0 = sums == null ? FloatVector.fromArray(F, tile, tOff)
                : (FloatVector) IntVector.fromArray(I, sums, tOff).convert(VectorOperators.I2F, 0);
        FloatVector t1 = sums == null ? FloatVector.fromArray(F, tile, tOff + L)
                : (FloatVector) IntVector.fromArray(I, sums, tOff + L).convert(VectorOperators.I2F, 0);
        FloatVector r0 = t0.mul(asv.mul(FloatVector.fromArray(F, scales, j0)));
        FloatVector r1 = t1.mul(asv.mul(FloatVector.fromArray(F, scales, j0 + L)));
        if (bias != null) {
            r0 = r0.add(FloatVector.fromArray(F, bias, j0));
            r1 = r1.add(FloatVector.fromArray(F, bias, j0 + L));
        }
        if (valid == PANEL) {
            r0.intoArray(out, o);
            r1.intoArray(out, o + L);
        } else {
            r0.intoArray(row, 0);
            r1.intoArray(row, L);
            System.arraycopy(row, 0, out, o, valid);
        }
    }

    /**
     * acc[0..len] (+)= the exact integers held in tile[0..len] (or in bytes, as little-endian f32, when bytes is
     * not null; |v| ≤ 2²⁴), converted with adds and bit moves
     * only (the F2I cast is not intrinsified on JDK 17): v + 1.5·2³¹ rounds v to hi, a multiple of 256 whose
     * quotient sits in the low bits; the remainder v − hi (|·| ≤ 128) is read the same way with 1.5·2²³.
     */
    private static void addExact(float[] tile, byte[] bytes, int[] acc, int len, boolean first) {
        for (int i = 0; i < len; i += L) {
            FloatVector v = bytes == null ? FloatVector.fromArray(F, tile, i)
                    : FloatVector.fromByteArray(F, bytes, 4 * i, java.nio.ByteOrder.LITTLE_ENDIAN);
            FloatVector t = v.add(MAGIC_256);
            IntVector hiQ = t.reinterpretAsInts().sub(MAGIC_256_BITS);
            FloatVector lo = v.sub(t.sub(MAGIC_256));
            IntVector loI = lo.add(FloatMath.ROUND_MAGIC).reinterpretAsInts().sub(FloatMath.ROUND_MAGIC_BITS);
            IntVector iv = hiQ.lanewise(VectorOperators.LSHL, 8).add(loI);
            if (!first) iv = iv.add(IntVector.fromArray(I, acc, i));
            iv.intoArray(acc, i);
        }
    }

    /** {@link #addExact} for f32 sums stored as little-endian bytes (the 512-bit path, see {@link VectorGemm512}). */
    static void addExactBytes(byte[] tile, int[] acc, int len, boolean first) {
        addExact(null, tile, acc, len, first);
    }

    /** tile[0..len] = (float) acc[0..len]. */
    private static void toFloat(int[] acc, float[] tile, int len) {
        for (int i = 0; i < len; i += L) {
            ((FloatVector) IntVector.fromArray(I, acc, i).convert(VectorOperators.I2F, 0)).intoArray(tile, i);
        }
    }

    @Override
    public void gemmI32(int m, int n, int kLen, byte[] a, int aOff, int lda, byte[] b, int bOff, int ldb,
                        int[] out, int oOff, int ldo) {
        KernelChecks.checkGemmI32(m, n, kLen, a, aOff, lda, b, bOff, ldb, out, oOff, ldo);
        if (m == 0 || n == 0) return;
        if (kLen == 0) {
            for (int i = 0; i < m; i++) java.util.Arrays.fill(out, oOff + i * ldo, oOff + i * ldo + n, 0);
            return;
        }
        if (m == 1 && kLen <= KB) {
            dotsOneRow(a, aOff, kLen, b, bOff, ldb, n, out, oOff);
            return;
        }
        Scratch s = SCRATCH.get();
        if (wide) {
            VectorGemm512.gemmI32(m, n, kLen, a, aOff, lda, b, bOff, ldb, out, oOff, ldo, s);
            return;
        }
        int panels = (n + PANEL - 1) / PANEL;
        float[] af = s.a(Math.multiplyExact(m, kLen));
        for (int i = 0; i < m; i++) toBlocks(a, aOff + i * lda, af, m, i, kLen, KC);
        float[] bp = packPanels(b, bOff, kLen, n, ldb, PANEL, s.b(Math.multiplyExact(panels * PANEL, kLen)));
        int len = Math.multiplyExact(panels * PANEL, m);
        float[] c = s.c(len);
        int[] acc = s.acc(len);
        sums(m, af, kLen, bp, panels, c, acc);
        if (kLen <= KB) addExact(c, null, acc, len, true); // otherwise sums() left the i32 sums in acc
        for (int p = 0; p < panels; p++) {
            int j0 = p * PANEL;
            int valid = Math.min(PANEL, n - j0);
            for (int i = 0; i < m; i++) {
                System.arraycopy(acc, (p * m + i) * PANEL, out, oOff + i * ldo + j0, valid);
            }
        }
    }

    /**
     * One activation row against n weight rows without packing (attention asks for one query at a time): f32 FMA
     * of int8 values, exact because every partial and the lane total stay at or below 2²⁴ for kLen ≤ {@value #KB}
     * (|a·b| ≤ 2¹⁴), so the result equals the integer dot product bit for bit.
     */
    private static void dotsOneRow(byte[] a, int aOff, int kLen, byte[] b, int bOff, int ldb, int n, int[] out,
                                   int oOff) {
        int kv = kLen - kLen % L;
        for (int j = 0; j < n; j++) {
            int row = bOff + j * ldb;
            FloatVector acc = FloatVector.zero(F);
            for (int k = 0; k < kv; k += L) {
                FloatVector av = (FloatVector) ByteVector.fromArray(B, a, aOff + k).convertShape(VectorOperators.B2F, F, 0);
                FloatVector bv = (FloatVector) ByteVector.fromArray(B, b, row + k).convertShape(VectorOperators.B2F, F, 0);
                acc = av.fma(bv, acc);
            }
            int sum = (int) acc.reduceLanes(VectorOperators.ADD);
            for (int k = kv; k < kLen; k++) sum += a[aOff + k] * b[row + k];
            out[oOff + j] = sum;
        }
    }

    // ------------------------------------------------------------------------------------------ quantization

    @Override
    public void quantizeRows(float[] x, int xOff, int rows, int cols, byte[] q, int qOff, float[] scales,
                             int sOff) {
        Objects.checkFromIndexSize(xOff, Math.multiplyExact(rows, cols), x.length);
        Objects.checkFromIndexSize(qOff, rows * cols, q.length);
        Objects.checkFromIndexSize(sOff, rows, scales.length);
        for (int r = 0; r < rows; r++) {
            int base = xOff + r * cols;
            int qb = qOff + r * cols;
            FloatVector mx = FloatVector.zero(F);
            FloatVector finite = FloatVector.zero(F);
            int c = 0;
            for (; c <= cols - L; c += L) {
                FloatVector v = FloatVector.fromArray(F, x, base + c);
                mx = mx.max(v.abs());
                finite = finite.add(v.mul(0f)); // becomes NaN if any value is NaN or infinite
            }
            // constant lane indices: lane(i) with a variable index is not intrinsified
            float absmax = Math.max(Math.max(Math.max(mx.lane(0), mx.lane(1)), Math.max(mx.lane(2), mx.lane(3))),
                    Math.max(Math.max(mx.lane(4), mx.lane(5)), Math.max(mx.lane(6), mx.lane(7))));
            float fin = ((finite.lane(0) + finite.lane(1)) + (finite.lane(2) + finite.lane(3)))
                    + ((finite.lane(4) + finite.lane(5)) + (finite.lane(6) + finite.lane(7)));
            for (; c < cols; c++) {
                absmax = Math.max(absmax, Math.abs(x[base + c]));
                fin += x[base + c] * 0f;
            }
            float inv = 127f / absmax;
            if (fin != 0f || absmax == 0f || !(inv < Float.POSITIVE_INFINITY)) {
                // non-finite input, zero row or subnormal absmax: the scalar reference (ScalarKernels) handles these exactly
                Quantization.quantizeRows(x, base, 1, cols, q, qb, scales, sOff + r);
                continue;
            }
            scales[sOff + r] = absmax / 127f;
            c = 0;
            for (; c <= cols - L; c += L) {
                // Quantization.roundToInt8 lane-wise without the (non-intrinsified) F2I cast, valid as |y| < 2^22:
                // |y + copySign(0.5, y)| is the f32 sum |y| + 0.5; truncation is floor of that magnitude (from the
                // 1.5·2^23 rounding trick, minus one where it rounded up), then y's sign
                FloatVector y = FloatVector.fromArray(F, x, base + c).mul(inv);
                FloatVector at = y.abs().add(0.5f);
                FloatVector rf = at.add(FloatMath.ROUND_MAGIC).sub(FloatMath.ROUND_MAGIC);
                FloatVector fl = rf.blend(rf.sub(1f), rf.compare(VectorOperators.GT, at));
                FloatVector qf = fl.blend(fl.neg(), y.compare(VectorOperators.LT, 0f));
                IntVector qi = qf.add(FloatMath.ROUND_MAGIC).reinterpretAsInts().sub(FloatMath.ROUND_MAGIC_BITS);
                qi.min(127).max(-127).convertShape(VectorOperators.I2B, B, 0).reinterpretAsBytes().intoArray(q, qb + c);
            }
            for (; c < cols; c++) q[qb + c] = Quantization.roundToInt8(x[base + c] * inv);
        }
    }

    // ------------------------------------------------------------------------------------------ reductions

    @Override
    public float sum(float[] x, int off, int len) {
        Objects.checkFromIndexSize(off, len, x.length);
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (; i <= len - L; i += L) acc = acc.add(FloatVector.fromArray(F, x, off + i));
        float s0 = acc.lane(0), s1 = acc.lane(1), s2 = acc.lane(2), s3 = acc.lane(3);
        float s4 = acc.lane(4), s5 = acc.lane(5), s6 = acc.lane(6), s7 = acc.lane(7);
        int p = off + i;
        int r = len - i;
        if (r > 0) s0 += x[p];
        if (r > 1) s1 += x[p + 1];
        if (r > 2) s2 += x[p + 2];
        if (r > 3) s3 += x[p + 3];
        if (r > 4) s4 += x[p + 4];
        if (r > 5) s5 += x[p + 5];
        if (r > 6) s6 += x[p + 6];
        return FloatMath.combine8(s0, s1, s2, s3, s4, s5, s6, s7);
    }

    @Override
    public void layerNorm(float[] x, int xOff, int n, float[] gamma, float[] beta, float eps, float[] out,
                          int outOff) {
        KernelChecks.checkLayerNorm(x, xOff, n, gamma, beta, out, outOff);
        float fn = (float) n;
        float mean = sum(x, xOff, n) / fn;
        FloatVector mv = FloatVector.broadcast(F, mean);
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector d = FloatVector.fromArray(F, x, xOff + i).sub(mv);
            acc = acc.add(d.mul(d));
        }
        float s0 = acc.lane(0), s1 = acc.lane(1), s2 = acc.lane(2), s3 = acc.lane(3);
        float s4 = acc.lane(4), s5 = acc.lane(5), s6 = acc.lane(6), s7 = acc.lane(7);
        int p = xOff + i;
        int r = n - i;
        if (r > 0) { float d = x[p] - mean; s0 += d * d; }
        if (r > 1) { float d = x[p + 1] - mean; s1 += d * d; }
        if (r > 2) { float d = x[p + 2] - mean; s2 += d * d; }
        if (r > 3) { float d = x[p + 3] - mean; s3 += d * d; }
        if (r > 4) { float d = x[p + 4] - mean; s4 += d * d; }
        if (r > 5) { float d = x[p + 5] - mean; s5 += d * d; }
        if (r > 6) { float d = x[p + 6] - mean; s6 += d * d; }
        float var = FloatMath.combine8(s0, s1, s2, s3, s4, s5, s6, s7) / fn;
        float inv = 1f / (float) Math.sqrt(var + eps);
        FloatVector iv = FloatVector.broadcast(F, inv);
        i = 0;
        for (; i <= n - L; i += L) {
            FloatVector v = FloatVector.fromArray(F, x, xOff + i);
            FloatVector g = FloatVector.fromArray(F, gamma, i);
            FloatVector b = FloatVector.fromArray(F, beta, i);
            g.mul(v.sub(mv)).mul(iv).add(b).intoArray(out, outOff + i);
        }
        for (; i < n; i++) out[outOff + i] = (gamma[i] * (x[xOff + i] - mean)) * inv + beta[i];
    }

    /**
     * {@link FloatMath#exp} lane-wise: the one vector copy of the polynomial (softmax and both GELU forms call it;
     * C2 inlines it into each loop, so no vector is boxed: {@code VectorKernelsAllocationTest} checks it).
     */
    private static FloatVector exp(FloatVector z) {
        FloatVector t = z.mul(FloatMath.LOG2E).add(FloatMath.ROUND_MAGIC);
        IntVector ki = t.reinterpretAsInts().sub(FloatMath.ROUND_MAGIC_BITS);
        FloatVector kf = t.sub(FloatMath.ROUND_MAGIC);
        FloatVector r = z.sub(kf.mul(FloatMath.LN2_HI)).sub(kf.mul(FloatMath.LN2_LO));
        FloatVector p = r.mul(FloatMath.P7).add(FloatMath.P6);
        p = r.mul(p).add(FloatMath.P5);
        p = r.mul(p).add(FloatMath.P4);
        p = r.mul(p).add(FloatMath.P3);
        p = r.mul(p).add(FloatMath.P2);
        p = r.mul(p).add(1f);
        p = r.mul(p).add(1f);
        IntVector k1 = ki.lanewise(VectorOperators.ASHR, 1);
        FloatVector s1 = k1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector s2 = ki.sub(k1).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(s1).mul(s2)
                .blend(Float.POSITIVE_INFINITY, z.compare(VectorOperators.GT, FloatMath.EXP_HI))
                .blend(0f, z.compare(VectorOperators.LT, FloatMath.EXP_LO));
    }

    @Override
    public void softmax(float[] x, int off, int len) {
        Objects.checkFromIndexSize(off, len, x.length);
        if (len == 0) return;
        FloatVector mx = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        int i = 0;
        for (; i <= len - L; i += L) {
            FloatVector v = FloatVector.fromArray(F, x, off + i);
            mx = v.blend(mx, v.compare(VectorOperators.GT, mx).not());
        }
        float m0 = mx.lane(0), m1 = mx.lane(1), m2 = mx.lane(2), m3 = mx.lane(3);
        float m4 = mx.lane(4), m5 = mx.lane(5), m6 = mx.lane(6), m7 = mx.lane(7);
        int tp = off + i;
        int tr = len - i;
        if (tr > 0) m0 = FloatMath.max2(m0, x[tp]);
        if (tr > 1) m1 = FloatMath.max2(m1, x[tp + 1]);
        if (tr > 2) m2 = FloatMath.max2(m2, x[tp + 2]);
        if (tr > 3) m3 = FloatMath.max2(m3, x[tp + 3]);
        if (tr > 4) m4 = FloatMath.max2(m4, x[tp + 4]);
        if (tr > 5) m5 = FloatMath.max2(m5, x[tp + 5]);
        if (tr > 6) m6 = FloatMath.max2(m6, x[tp + 6]);
        float max = FloatMath.max8(m0, m1, m2, m3, m4, m5, m6, m7);

        FloatVector maxv = FloatVector.broadcast(F, max);
        FloatVector acc = FloatVector.zero(F);
        i = 0;
        for (; i <= len - L; i += L) {
            FloatVector z = FloatVector.fromArray(F, x, off + i).sub(maxv);
            // FloatMath.exp lane-wise (kept inline: a vector-typed helper may not be inlined and would box)
            FloatVector t = z.mul(FloatMath.LOG2E).add(FloatMath.ROUND_MAGIC);
            IntVector ki = t.reinterpretAsInts().sub(FloatMath.ROUND_MAGIC_BITS);
            FloatVector kf = t.sub(FloatMath.ROUND_MAGIC);
            FloatVector r = z.sub(kf.mul(FloatMath.LN2_HI)).sub(kf.mul(FloatMath.LN2_LO));
            FloatVector p = r.mul(FloatMath.P7).add(FloatMath.P6);
            p = r.mul(p).add(FloatMath.P5);
            p = r.mul(p).add(FloatMath.P4);
            p = r.mul(p).add(FloatMath.P3);
            p = r.mul(p).add(FloatMath.P2);
            p = r.mul(p).add(1f);
            p = r.mul(p).add(1f);
            IntVector k1 = ki.lanewise(VectorOperators.ASHR, 1);
            FloatVector s1 = k1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector s2 = ki.sub(k1).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector e = p.mul(s1).mul(s2)
                    .blend(Float.POSITIVE_INFINITY, z.compare(VectorOperators.GT, FloatMath.EXP_HI))
                    .blend(0f, z.compare(VectorOperators.LT, FloatMath.EXP_LO));
            e.intoArray(x, off + i);
            acc = acc.add(e);
        }
        float s0 = acc.lane(0), s1 = acc.lane(1), s2 = acc.lane(2), s3 = acc.lane(3);
        float s4 = acc.lane(4), s5 = acc.lane(5), s6 = acc.lane(6), s7 = acc.lane(7);
        if (tr > 0) { float e = FloatMath.exp(x[tp] - max); x[tp] = e; s0 += e; }
        if (tr > 1) { float e = FloatMath.exp(x[tp + 1] - max); x[tp + 1] = e; s1 += e; }
        if (tr > 2) { float e = FloatMath.exp(x[tp + 2] - max); x[tp + 2] = e; s2 += e; }
        if (tr > 3) { float e = FloatMath.exp(x[tp + 3] - max); x[tp + 3] = e; s3 += e; }
        if (tr > 4) { float e = FloatMath.exp(x[tp + 4] - max); x[tp + 4] = e; s4 += e; }
        if (tr > 5) { float e = FloatMath.exp(x[tp + 5] - max); x[tp + 5] = e; s5 += e; }
        if (tr > 6) { float e = FloatMath.exp(x[tp + 6] - max); x[tp + 6] = e; s6 += e; }
        float inv = 1f / FloatMath.combine8(s0, s1, s2, s3, s4, s5, s6, s7);
        i = 0;
        for (; i <= len - L; i += L) FloatVector.fromArray(F, x, off + i).mul(inv).intoArray(x, off + i);
        for (; i < len; i++) x[off + i] = x[off + i] * inv;
    }

    // ------------------------------------------------------------------------------------------ elementwise

    @Override
    public void gelu(float[] x, int off, int len, Activation kind) {
        Objects.checkFromIndexSize(off, len, x.length);
        // each form in a method of its own: one loop per C2 compilation unit, small enough that C2 inlines every
        // Vector API call in it (with both loops in one method, some JVMs boxed every vector: VectorKernelsAllocationTest)
        if (kind == Activation.GELU_ERF) geluErf(x, off, len);
        else geluTanh(x, off, len);
    }

    private static void geluErf(float[] x, int off, int len) {
        int i = 0;
        {
            FloatVector one = FloatVector.broadcast(F, 1f);
            for (; i <= len - L; i += L) {
                // FloatMath.geluErf lane-wise
                FloatVector v = FloatVector.fromArray(F, x, off + i);
                FloatVector y = v.abs().mul(FloatMath.INV_SQRT2);
                FloatVector tt = one.div(y.mul(FloatMath.ERF_P).add(1f));
                FloatVector poly = tt.mul(FloatMath.ERF_A5).add(FloatMath.ERF_A4);
                poly = tt.mul(poly).add(FloatMath.ERF_A3);
                poly = tt.mul(poly).add(FloatMath.ERF_A2);
                poly = tt.mul(poly).add(FloatMath.ERF_A1);
                poly = tt.mul(poly);
                FloatVector z = y.mul(y).neg();
                // FloatMath.exp lane-wise (kept inline: a vector-typed helper may not be inlined and would box)
                FloatVector t = z.mul(FloatMath.LOG2E).add(FloatMath.ROUND_MAGIC);
                IntVector ki = t.reinterpretAsInts().sub(FloatMath.ROUND_MAGIC_BITS);
                FloatVector kf = t.sub(FloatMath.ROUND_MAGIC);
                FloatVector r = z.sub(kf.mul(FloatMath.LN2_HI)).sub(kf.mul(FloatMath.LN2_LO));
                FloatVector p = r.mul(FloatMath.P7).add(FloatMath.P6);
                p = r.mul(p).add(FloatMath.P5);
                p = r.mul(p).add(FloatMath.P4);
                p = r.mul(p).add(FloatMath.P3);
                p = r.mul(p).add(FloatMath.P2);
                p = r.mul(p).add(1f);
                p = r.mul(p).add(1f);
                IntVector k1 = ki.lanewise(VectorOperators.ASHR, 1);
                FloatVector s1 = k1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
                FloatVector s2 = ki.sub(k1).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
                FloatVector e = p.mul(s1).mul(s2)
                        .blend(Float.POSITIVE_INFINITY, z.compare(VectorOperators.GT, FloatMath.EXP_HI))
                        .blend(0f, z.compare(VectorOperators.LT, FloatMath.EXP_LO));
                FloatVector h = poly.mul(0.5f).mul(e);
                v.mul(h.blend(one.sub(h), v.compare(VectorOperators.GE, 0f))).intoArray(x, off + i);
            }
            for (; i < len; i++) x[off + i] = FloatMath.geluErf(x[off + i]);
        }
    }

    private static void geluTanh(float[] x, int off, int len) {
        int i = 0;
        {
            for (; i <= len - L; i += L) {
                // FloatMath.geluTanh lane-wise
                FloatVector v = FloatVector.fromArray(F, x, off + i);
                FloatVector z = v.mul(v.mul(v).mul(FloatMath.GELU_C2).add(FloatMath.GELU_C1));
                // FloatMath.exp lane-wise (kept inline: a vector-typed helper may not be inlined and would box)
                FloatVector t = z.mul(FloatMath.LOG2E).add(FloatMath.ROUND_MAGIC);
                IntVector ki = t.reinterpretAsInts().sub(FloatMath.ROUND_MAGIC_BITS);
                FloatVector kf = t.sub(FloatMath.ROUND_MAGIC);
                FloatVector r = z.sub(kf.mul(FloatMath.LN2_HI)).sub(kf.mul(FloatMath.LN2_LO));
                FloatVector p = r.mul(FloatMath.P7).add(FloatMath.P6);
                p = r.mul(p).add(FloatMath.P5);
                p = r.mul(p).add(FloatMath.P4);
                p = r.mul(p).add(FloatMath.P3);
                p = r.mul(p).add(FloatMath.P2);
                p = r.mul(p).add(1f);
                p = r.mul(p).add(1f);
                IntVector k1 = ki.lanewise(VectorOperators.ASHR, 1);
                FloatVector s1 = k1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
                FloatVector s2 = ki.sub(k1).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
                FloatVector e = p.mul(s1).mul(s2)
                        .blend(Float.POSITIVE_INFINITY, z.compare(VectorOperators.GT, FloatMath.EXP_HI))
                        .blend(0f, z.compare(VectorOperators.LT, FloatMath.EXP_LO));
                v.div(e.add(1f)).intoArray(x, off + i);
            }
            for (; i < len; i++) x[off + i] = FloatMath.geluTanh(x[off + i]);
        }
    }

    @Override
    public void addScaledInt8(float alpha, byte[] v, int vOff, float[] y, int yOff, int len) {
        Objects.checkFromIndexSize(vOff, len, v.length);
        Objects.checkFromIndexSize(yOff, len, y.length);
        int d = 0;
        for (; d <= len - L; d += L) {
            FloatVector bv = (FloatVector) ByteVector.fromArray(B, v, vOff + d).convertShape(VectorOperators.B2F, F, 0);
            FloatVector.fromArray(F, y, yOff + d).add(bv.mul(alpha)).intoArray(y, yOff + d);
        }
        for (; d < len; d++) y[yOff + d] = y[yOff + d] + alpha * (float) v[vOff + d];
    }

    @Override
    public void addScaledRows(int n, float[] alpha, int aOff, int[] rows, int rOff, float[] v, int vOff, int ldv,
                              float[] y, int yOff, int len) {
        KernelChecks.checkScaledRows(n, alpha, aOff, rows, rOff, v.length, vOff, ldv, y, yOff, len);
        // y stays in registers across all n rows, 32 (then 8) columns at a time; per column the adds happen in
        // row order, exactly as the scalar loop
        int d = 0;
        for (; d <= len - 4 * L; d += 4 * L) {
            int yo = yOff + d;
            FloatVector y0 = FloatVector.fromArray(F, y, yo), y1 = FloatVector.fromArray(F, y, yo + L);
            FloatVector y2 = FloatVector.fromArray(F, y, yo + 2 * L), y3 = FloatVector.fromArray(F, y, yo + 3 * L);
            for (int i = 0; i < n; i++) {
                FloatVector a = FloatVector.broadcast(F, alpha[aOff + i]);
                int row = vOff + rows[rOff + i] * ldv + d;
                y0 = y0.add(FloatVector.fromArray(F, v, row).mul(a));
                y1 = y1.add(FloatVector.fromArray(F, v, row + L).mul(a));
                y2 = y2.add(FloatVector.fromArray(F, v, row + 2 * L).mul(a));
                y3 = y3.add(FloatVector.fromArray(F, v, row + 3 * L).mul(a));
            }
            y0.intoArray(y, yo);
            y1.intoArray(y, yo + L);
            y2.intoArray(y, yo + 2 * L);
            y3.intoArray(y, yo + 3 * L);
        }
        for (; d <= len - L; d += L) {
            int yo = yOff + d;
            FloatVector y0 = FloatVector.fromArray(F, y, yo);
            for (int i = 0; i < n; i++) {
                int row = vOff + rows[rOff + i] * ldv + d;
                y0 = y0.add(FloatVector.fromArray(F, v, row).mul(alpha[aOff + i]));
            }
            y0.intoArray(y, yo);
        }
        if (d < len) {
            for (int i = 0; i < n; i++) {
                float a = alpha[aOff + i];
                int row = vOff + rows[rOff + i] * ldv;
                for (int c = d; c < len; c++) y[yOff + c] = y[yOff + c] + a * v[row + c];
            }
        }
    }

    @Override
    public void dotsF32(int m, int n, int len, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                        float[] out, int oOff, int ldo) {
        KernelChecks.checkDots(m, n, len, a, aOff, lda, b, bOff, ldb, out, oOff, ldo);
        if (m == 0 || n == 0) return;
        int kv = len - len % L;
        for (int i = 0; i < m; i++) {
            int ai = aOff + i * lda;
            int oi = oOff + i * ldo;
            int j = 0;
            // four b rows at a time share each load of a; lane l of accumulator r is partial sum l of dot (i, j + r)
            for (; j <= n - 4; j += 4) {
                int b0 = bOff + j * ldb;
                int b1 = b0 + ldb;
                int b2 = b1 + ldb;
                int b3 = b2 + ldb;
                FloatVector c0 = FloatVector.zero(F), c1 = c0, c2 = c0, c3 = c0;
                for (int k = 0; k < kv; k += L) {
                    FloatVector av = FloatVector.fromArray(F, a, ai + k);
                    c0 = c0.add(av.mul(FloatVector.fromArray(F, b, b0 + k)));
                    c1 = c1.add(av.mul(FloatVector.fromArray(F, b, b1 + k)));
                    c2 = c2.add(av.mul(FloatVector.fromArray(F, b, b2 + k)));
                    c3 = c3.add(av.mul(FloatVector.fromArray(F, b, b3 + k)));
                }
                out[oi + j] = finishDot(c0.lane(0), c0.lane(1), c0.lane(2), c0.lane(3), c0.lane(4), c0.lane(5),
                        c0.lane(6), c0.lane(7), a, ai, b, b0, kv, len);
                out[oi + j + 1] = finishDot(c1.lane(0), c1.lane(1), c1.lane(2), c1.lane(3), c1.lane(4), c1.lane(5),
                        c1.lane(6), c1.lane(7), a, ai, b, b1, kv, len);
                out[oi + j + 2] = finishDot(c2.lane(0), c2.lane(1), c2.lane(2), c2.lane(3), c2.lane(4), c2.lane(5),
                        c2.lane(6), c2.lane(7), a, ai, b, b2, kv, len);
                out[oi + j + 3] = finishDot(c3.lane(0), c3.lane(1), c3.lane(2), c3.lane(3), c3.lane(4), c3.lane(5),
                        c3.lane(6), c3.lane(7), a, ai, b, b3, kv, len);
            }
            for (; j < n; j++) {
                int b0 = bOff + j * ldb;
                FloatVector c0 = FloatVector.zero(F);
                for (int k = 0; k < kv; k += L) {
                    c0 = c0.add(FloatVector.fromArray(F, a, ai + k).mul(FloatVector.fromArray(F, b, b0 + k)));
                }
                out[oi + j] = finishDot(c0.lane(0), c0.lane(1), c0.lane(2), c0.lane(3), c0.lane(4), c0.lane(5),
                        c0.lane(6), c0.lane(7), a, ai, b, b0, kv, len);
            }
        }
    }

    /** Adds the tail products k in [kv, len) to lane 0 in order, then the canonical combine. */
    private static float finishDot(float s0, float s1, float s2, float s3, float s4, float s5, float s6, float s7,
                                   float[] a, int ai, float[] b, int bj, int kv, int len) {
        for (int k = kv; k < len; k++) s0 += a[ai + k] * b[bj + k];
        return FloatMath.combine8(s0, s1, s2, s3, s4, s5, s6, s7);
    }

    @Override
    public int addAndArgMax(double[] key, double[] w, int wOff, int m) {
        KernelChecks.checkArgMax(key, w, wOff, m);
        return argMaxStep(key, w, wOff, m);
    }

    /** {@link #addAndArgMax} after its checks (also the Vector API min cut's step, {@link VectorStoerWagner}). */
    static int argMaxStep(double[] key, double[] w, int wOff, int m) {
        // the adds with a running maximum per lane (a strict comparison: NaN never enters), the largest value,
        // then the first slot holding a key equal to it: the slot of a strict scan in slot order
        DoubleVector mx = DoubleVector.broadcast(D, Double.NEGATIVE_INFINITY);
        int u = 0;
        for (; u <= m - DL; u += DL) {
            DoubleVector k = DoubleVector.fromArray(D, key, u).add(DoubleVector.fromArray(D, w, wOff + u));
            k.intoArray(key, u);
            mx = mx.blend(k, k.compare(VectorOperators.GT, mx));
        }
        double best = mx.lane(0);
        double l1 = mx.lane(1), l2 = mx.lane(2), l3 = mx.lane(3);
        if (l1 > best) best = l1;
        if (l2 > best) best = l2;
        if (l3 > best) best = l3;
        for (; u < m; u++) {
            double k = key[u] + w[wOff + u];
            key[u] = k;
            if (k > best) best = k;
        }
        if (!(best > Double.NEGATIVE_INFINITY)) return -1;
        int v = 0;
        for (; v <= m - DL; v += DL) {
            var eq = DoubleVector.fromArray(D, key, v).compare(VectorOperators.EQ, best);
            if (eq.anyTrue()) return v + eq.firstTrue();
        }
        for (; v < m; v++) {
            if (key[v] == best) return v;
        }
        throw new IllegalStateException("maximum key not found"); // unreachable: best is one of the keys
    }

    @Override
    public double minCut(double[] g, int n, double[] key, int[] owner, boolean[] side) {
        KernelChecks.checkMinCut(g, n, key, owner, side);
        return VectorStoerWagner.run(g, n, key, owner, side);
    }

    @Override
    public void layerNormRows(float[] x, int xOff, int rows, int n, float[] gamma, float[] beta, float eps,
                              float[] out, int outOff) {
        KernelChecks.checkLayerNormRows(x, xOff, rows, n, gamma, beta, out, outOff);
        for (int r = 0; r < rows; r++) layerNorm(x, xOff + r * n, n, gamma, beta, eps, out, outOff + r * n);
    }

    @Override
    public void attendBlock(AttentionBlock at) {
        at.computeWith(this);
    }

    @Override
    public void add(float[] x, int xOff, float[] y, int yOff, int len) {
        Objects.checkFromIndexSize(xOff, len, x.length);
        Objects.checkFromIndexSize(yOff, len, y.length);
        int d = 0;
        for (; d <= len - L; d += L) {
            FloatVector.fromArray(F, y, yOff + d).add(FloatVector.fromArray(F, x, xOff + d)).intoArray(y, yOff + d);
        }
        for (; d < len; d++) y[yOff + d] = y[yOff + d] + x[xOff + d];
    }
}
