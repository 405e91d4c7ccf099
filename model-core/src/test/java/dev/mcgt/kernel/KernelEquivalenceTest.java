package dev.mcgt.kernel;

import dev.mcgt.config.Activation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every kernel but the scalar one (the Vector API kernel, and each rung of the native kernel this machine runs)
 * against the scalar kernel, bit for bit ({@link Float#floatToRawIntBits}) for every method, on random data, odd
 * lengths and offsets, extreme values and signed zeros. Kernels that cannot run here are absent from the list, and
 * {@link KernelAvailabilityTest} reports them as skipped with the reason.
 */
@ParameterizedClass(name = "{0}", allowZeroInvocations = true)
@MethodSource("candidates")
class KernelEquivalenceTest {
    private static final int[] LENGTHS = {0, 1, 2, 7, 8, 9, 15, 16, 17, 31, 33, 64, 100, 384, 1000, 1001};

    /** The kernels to compare with the scalar one: what runs on this machine. */
    static List<Kernels> candidates() {
        List<Kernels> k = new ArrayList<>();
        k.addAll(KernelProvider.vectorWidths());
        k.addAll(KernelProvider.nativeRungs());
        return k;
    }

    @Parameter
    Kernels candidate;

    private final Kernels scalar = KernelProvider.scalar();
    private final SplittableRandom rnd = new SplittableRandom(0xC0FFEE);

    private float[] floats(int n, float lo, float hi) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) f[i] = lo + (hi - lo) * (float) rnd.nextDouble();
        return f;
    }

    /** Random values of every magnitude, with signed zeros, tiny and huge numbers sprinkled in. */
    private float[] wild(int n) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = switch (rnd.nextInt(10)) {
                case 0 -> 0f;
                case 1 -> -0f;
                case 2 -> (float) (rnd.nextDouble() * 1e-30);
                case 3 -> (float) ((rnd.nextDouble() - 0.5) * 1e30);
                case 4 -> (float) ((rnd.nextDouble() - 0.5) * 400);
                default -> (float) ((rnd.nextDouble() - 0.5) * 20);
            };
        }
        return f;
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (rnd.nextInt(256) - 128);
        return b;
    }

    private static void assertSameBits(float[] actual, float[] expected, String what) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < actual.length; i++) {
            if (Float.isNaN(expected[i])) {
                assertThat(actual[i]).as("%s[%d]", what, i).isNaN();
            } else {
                assertThat(Float.floatToRawIntBits(actual[i])).as("%s[%d]: %s vs %s", what, i, actual[i], expected[i])
                        .isEqualTo(Float.floatToRawIntBits(expected[i]));
            }
        }
    }

    @Test
    void gemmIsBitIdenticalOnRandomAndOddShapes() {
        int[] ms = {1, 2, 3, 4, 5, 8, 13, 67};
        int[] ks = {1, 7, 8, 9, 33, 384, 1024, 1040, 1041, 1100};
        int[] ns = {1, 7, 15, 16, 17, 33, 70};
        for (int t = 0; t < 60; t++) {
            int m = ms[rnd.nextInt(ms.length)];
            int k = ks[rnd.nextInt(ks.length)];
            int n = ns[rnd.nextInt(ns.length)];
            byte[] a = bytes(3 + m * k);
            float[] as = floats(1 + m, -0.05f, 0.05f);
            QuantizedMatrix w = new QuantizedMatrix(n, k, bytes(n * k), floats(n, -0.02f, 0.02f),
                    rnd.nextBoolean() ? wild(n) : null);
            float[] o1 = new float[2 + m * n];
            float[] o2 = new float[2 + m * n];
            candidate.gemm(m, a, 3, as, 1, w, o1, 2);
            scalar.gemm(m, a, 3, as, 1, w, o2, 2);
            assertSameBits(o1, o2, "gemm " + m + "x" + k + "x" + n);
        }
    }

    /**
     * Shapes at the edges of the Java kernels' register tiles (6, 4 and 1 rows; 16- and 32-column panels) and of
     * their K cache blocks (256 for vector-512) and exactness blocks (1024), with all-(-128) operands in some.
     */
    @Test
    void gemmIsBitIdenticalAroundTileAndBlockEdges() {
        int[] ms = {6, 7, 9, 10, 11, 12, 14, 32};
        int[] ks = {255, 256, 257, 513, 1023, 1025};
        int[] ns = {31, 32, 33, 48, 63, 65};
        for (int t = 0; t < 40; t++) {
            int m = ms[rnd.nextInt(ms.length)];
            int k = ks[rnd.nextInt(ks.length)];
            int n = ns[rnd.nextInt(ns.length)];
            boolean extreme = t % 4 == 0;
            byte[] a = bytes(m * k);
            byte[] wb = bytes(n * k);
            if (extreme) {
                java.util.Arrays.fill(a, (byte) -128);
                java.util.Arrays.fill(wb, (byte) -128);
            }
            QuantizedMatrix w = new QuantizedMatrix(n, k, wb, floats(n, -0.02f, 0.02f), t % 2 == 0 ? wild(n) : null);
            float[] as = floats(m, -0.05f, 0.05f);
            float[] o1 = new float[m * n];
            float[] o2 = new float[m * n];
            candidate.gemm(m, a, 0, as, 0, w, o1, 0);
            scalar.gemm(m, a, 0, as, 0, w, o2, 0);
            assertSameBits(o1, o2, "gemm " + m + "x" + k + "x" + n + (extreme ? " all -128" : ""));
            int[] i1 = new int[m * n];
            int[] i2 = new int[m * n];
            candidate.gemmI32(m, n, k, a, 0, k, wb, 0, k, i1, 0, n);
            scalar.gemmI32(m, n, k, a, 0, k, wb, 0, k, i2, 0, n);
            assertThat(i1).as("gemmI32 " + m + "x" + k + "x" + n).isEqualTo(i2);
        }
    }

    /** Outputs 1024 columns or wider: the AMX rung writes them through a band strip (docs/NATIVE-KERNELS.md). */
    @Test
    void gemmIsBitIdenticalOnWideOutputs() {
        int[][] shapes = {{17, 64, 1024}, {33, 100, 1100}, {128, 384, 1536}, {40, 16, 1030}, {16, 64, 1024}};
        for (int[] s : shapes) {
            int m = s[0], k = s[1], n = s[2];
            byte[] a = bytes(m * k);
            float[] as = floats(m, -0.05f, 0.05f);
            QuantizedMatrix w = new QuantizedMatrix(n, k, bytes(n * k), floats(n, -0.02f, 0.02f),
                    rnd.nextBoolean() ? wild(n) : null);
            float[] o1 = new float[m * n + 1];
            float[] o2 = new float[m * n + 1];
            candidate.gemm(m, a, 0, as, 0, w, o1, 1);
            scalar.gemm(m, a, 0, as, 0, w, o2, 1);
            assertSameBits(o1, o2, "gemm " + m + "x" + k + "x" + n);
        }
    }

    @Test
    void gemmIsBitIdenticalWithExtremeOperands() {
        for (byte fill : new byte[] {127, -127, -128}) {
            int m = 6, k = 2100, n = 19;
            byte[] a = new byte[m * k];
            byte[] wb = new byte[n * k];
            java.util.Arrays.fill(a, fill);
            java.util.Arrays.fill(wb, fill);
            for (int i = 0; i < wb.length; i += 3) wb[i] = (byte) -fill;
            QuantizedMatrix w = new QuantizedMatrix(n, k, wb, floats(n, 0.5f, 1f), null);
            float[] as = floats(m, 0.5f, 1f);
            float[] o1 = new float[m * n];
            float[] o2 = new float[m * n];
            candidate.gemm(m, a, 0, as, 0, w, o1, 0);
            scalar.gemm(m, a, 0, as, 0, w, o2, 0);
            assertSameBits(o1, o2, "gemm fill " + fill);
        }
    }

    @Test
    void gemmI32IsIdenticalWithStrides() {
        for (int t = 0; t < 40; t++) {
            int m = 1 + rnd.nextInt(70);
            int n = 1 + rnd.nextInt(70);
            int k = t % 10 == 0 ? 1025 + rnd.nextInt(1100) : rnd.nextInt(130);
            int lda = k + rnd.nextInt(4), ldb = k + rnd.nextInt(4), ldo = n + rnd.nextInt(4);
            byte[] a = bytes(1 + m * lda);
            byte[] b = bytes(2 + n * ldb);
            int[] o1 = new int[3 + m * ldo];
            int[] o2 = new int[3 + m * ldo];
            candidate.gemmI32(m, n, k, a, 1, lda, b, 2, ldb, o1, 3, ldo);
            scalar.gemmI32(m, n, k, a, 1, lda, b, 2, ldb, o2, 3, ldo);
            assertThat(o1).as("gemmI32 %dx%dx%d", m, n, k).isEqualTo(o2);
        }
    }

    @Test
    void gemmI32SingleRowIsIdenticalUpToTheExactnessLimit() {
        for (int k : new int[] {0, 1, 7, 8, 9, 32, 33, 64, 127, 1023, 1024, 1025, 1500}) {
            int n = 1 + rnd.nextInt(40);
            int ldb = k + rnd.nextInt(3);
            byte[] a = bytes(5 + k);
            byte[] b = bytes(2 + n * ldb);
            int[] o1 = new int[n + 1];
            int[] o2 = new int[n + 1];
            candidate.gemmI32(1, n, k, a, 5, k, b, 2, ldb, o1, 1, n);
            scalar.gemmI32(1, n, k, a, 5, k, b, 2, ldb, o2, 1, n);
            assertThat(o1).as("gemmI32 1x%dx%d", n, k).isEqualTo(o2);
            // The largest sums: every product is (-128)·(-128) = 2^14.
            java.util.Arrays.fill(a, (byte) -128);
            java.util.Arrays.fill(b, (byte) -128);
            candidate.gemmI32(1, n, k, a, 5, k, b, 2, ldb, o1, 1, n);
            scalar.gemmI32(1, n, k, a, 5, k, b, 2, ldb, o2, 1, n);
            assertThat(o1).as("gemmI32 1x%dx%d at -128", n, k).isEqualTo(o2);
            assertThat(o1[1]).isEqualTo(k * 16384);
        }
    }

    @Test
    void quantizeRowsIsIdentical() {
        for (int cols : LENGTHS) {
            int rows = 3;
            float[] x = wild(1 + rows * cols);
            if (cols > 0) {
                for (int c = 0; c < cols; c++) x[1 + cols + c] = 0f; // an all-zero row
            }
            byte[] q1 = new byte[rows * cols];
            byte[] q2 = new byte[rows * cols];
            float[] s1 = new float[rows];
            float[] s2 = new float[rows];
            candidate.quantizeRows(x, 1, rows, cols, q1, 0, s1, 0);
            scalar.quantizeRows(x, 1, rows, cols, q2, 0, s2, 0);
            assertThat(q1).isEqualTo(q2);
            assertSameBits(s1, s2, "scales");
        }
        // half-way cases, tiny and non-finite rows take the same path
        float[] specials = {0.5f, -0.5f, 1.5f, -2.5f, 126.5f, -126.5f, 127f, 3.5f, 63.5f, -63.5f,
                1e-40f, -1e-39f, 1e-39f, 0f, -0f, 1e-45f, Float.NaN, 1f, 2f, 3f, Float.POSITIVE_INFINITY, 1f, 2f, 3f};
        for (int cols : new int[] {8, 10, 12}) {
            int rows = specials.length / cols;
            byte[] q1 = new byte[rows * cols];
            byte[] q2 = new byte[rows * cols];
            float[] s1 = new float[rows];
            float[] s2 = new float[rows];
            candidate.quantizeRows(specials, 0, rows, cols, q1, 0, s1, 0);
            scalar.quantizeRows(specials, 0, rows, cols, q2, 0, s2, 0);
            assertThat(q1).isEqualTo(q2);
            assertSameBits(s1, s2, "special scales");
        }
    }

    @Test
    void sumIsBitIdentical() {
        for (int len : LENGTHS) {
            for (int rep = 0; rep < 5; rep++) {
                float[] x = rep == 0 ? wild(len + 3) : floats(len + 3, -1e3f, 1e3f);
                for (int off = 0; off < 3; off++) {
                    assertThat(Float.floatToRawIntBits(candidate.sum(x, off, len))).as("sum len %d", len)
                            .isEqualTo(Float.floatToRawIntBits(scalar.sum(x, off, len)));
                }
            }
        }
        float[] zeros = {-0f, -0f, -0f, -0f, -0f, -0f, -0f, -0f, -0f, -0f, -0f};
        for (int len = 0; len <= zeros.length; len++) {
            assertThat(Float.floatToRawIntBits(candidate.sum(zeros, 0, len)))
                    .isEqualTo(Float.floatToRawIntBits(scalar.sum(zeros, 0, len)));
        }
    }

    @Test
    void layerNormIsBitIdentical() {
        for (int n : LENGTHS) {
            for (int rep = 0; rep < 3; rep++) {
                float[] x = floats(n + 2, -4f, 6f);
                if (rep == 2) x = wild(n + 2);
                float[] g = floats(n, 0.5f, 1.5f);
                float[] b = floats(n, -1f, 1f);
                float[] o1 = new float[n + 1];
                float[] o2 = new float[n + 1];
                candidate.layerNorm(x, 2, n, g, b, 1e-12f, o1, 1);
                scalar.layerNorm(x, 2, n, g, b, 1e-12f, o2, 1);
                assertSameBits(o1, o2, "layerNorm " + n);
                float[] x1 = x.clone();
                float[] x2 = x.clone();
                candidate.layerNorm(x1, 2, n, g, b, 1e-5f, x1, 2);
                scalar.layerNorm(x2, 2, n, g, b, 1e-5f, x2, 2);
                assertSameBits(x1, x2, "layerNorm in place " + n);
            }
        }
    }

    @Test
    void geluIsBitIdenticalForBothForms() {
        for (Activation act : Activation.values()) {
            for (int len : LENGTHS) {
                float[] x = rnd.nextBoolean() ? wild(len + 1) : floats(len + 1, -12f, 12f);
                float[] x1 = x.clone();
                float[] x2 = x.clone();
                candidate.gelu(x1, 1, len, act);
                scalar.gelu(x2, 1, len, act);
                assertSameBits(x1, x2, act + " " + len);
            }
            // a dense sweep through the interesting range, and the special values
            float[] sweep = new float[40_000];
            for (int i = 0; i < sweep.length; i++) sweep[i] = -120f + 240f * i / sweep.length;
            float[] specials = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, 1e-20f, -1e-20f, 1e20f, -1e20f,
                    Float.MAX_VALUE, -Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN,
                    5.5f, -5.5f, 9.3f};
            for (float[] x : new float[][] {sweep, specials}) {
                float[] x1 = x.clone();
                float[] x2 = x.clone();
                candidate.gelu(x1, 0, x.length, act);
                scalar.gelu(x2, 0, x.length, act);
                assertSameBits(x1, x2, act + " sweep");
            }
        }
    }

    @Test
    void softmaxIsBitIdenticalIncludingMaskedEntries() {
        for (int len : LENGTHS) {
            for (int rep = 0; rep < 4; rep++) {
                float[] x = switch (rep) {
                    case 0 -> floats(len + 2, -10f, 10f);
                    case 1 -> floats(len + 2, -200f, 200f);
                    case 2 -> wild(len + 2);
                    default -> {
                        float[] f = floats(len + 2, -5f, 5f);
                        for (int i = 0; i < f.length; i += 3) f[i] = Float.NEGATIVE_INFINITY; // attention mask
                        if (f.length > 3) f[3] = 0f;
                        yield f;
                    }
                };
                float[] x1 = x.clone();
                float[] x2 = x.clone();
                candidate.softmax(x1, 2, len);
                scalar.softmax(x2, 2, len);
                assertSameBits(x1, x2, "softmax " + len + " rep " + rep);
            }
        }
        // exp over its whole range through softmax: one large entry at 0 so max = 0 and e = exp(x)
        float[] sweep = new float[20_001];
        for (int i = 0; i < sweep.length; i++) sweep[i] = -110f + 110f * i / (sweep.length - 1);
        float[] x1 = sweep.clone();
        float[] x2 = sweep.clone();
        candidate.softmax(x1, 0, sweep.length);
        scalar.softmax(x2, 0, sweep.length);
        assertSameBits(x1, x2, "softmax sweep");
    }

    @Test
    void addScaledInt8AndAddAreBitIdentical() {
        for (int len : LENGTHS) {
            byte[] v = bytes(len + 1);
            float[] y = wild(len + 3);
            float[] x = wild(len + 2);
            float alpha = (float) (rnd.nextDouble() - 0.5) * 3f;
            float[] y1 = y.clone();
            float[] y2 = y.clone();
            candidate.addScaledInt8(alpha, v, 1, y1, 3, len);
            scalar.addScaledInt8(alpha, v, 1, y2, 3, len);
            assertSameBits(y1, y2, "addScaledInt8 " + len);
            candidate.add(x, 2, y1, 1, len);
            scalar.add(x, 2, y2, 1, len);
            assertSameBits(y1, y2, "add " + len);
        }
        float[] negZero = {-0f, -0f, -0f, -0f, -0f, -0f, -0f, -0f, -0f};
        float[] y1 = negZero.clone();
        float[] y2 = negZero.clone();
        byte[] zeros = new byte[9];
        candidate.addScaledInt8(-1f, zeros, 0, y1, 0, 9);
        scalar.addScaledInt8(-1f, zeros, 0, y2, 0, 9);
        assertSameBits(y1, y2, "signed zero");
    }

    @Test
    void addScaledRowsIsBitIdenticalAndEqualsRepeatedAddScaledInt8() {
        int[] counts = {0, 1, 2, 3, 7, 33, 130};
        int[] lens = {0, 1, 7, 8, 9, 31, 32, 33, 40, 64, 65, 100};
        for (int t = 0; t < 80; t++) {
            int n = counts[rnd.nextInt(counts.length)];
            int len = lens[rnd.nextInt(lens.length)];
            int ldv = len + rnd.nextInt(5);
            int vRows = 1 + rnd.nextInt(20);
            byte[] v = bytes(3 + vRows * ldv);
            int[] rows = new int[n + 2];
            for (int i = 0; i < rows.length; i++) rows[i] = rnd.nextInt(vRows);
            float[] alpha = t % 3 == 0 ? wild(n + 1) : floats(n + 1, -0.5f, 0.5f);
            float[] y = t % 4 == 0 ? wild(len + 5) : floats(len + 5, -2f, 2f);
            float[] y1 = y.clone();
            float[] y2 = y.clone();
            float[] y3 = y.clone();
            float[] vf = new float[v.length];
            for (int i = 0; i < v.length; i++) vf[i] = v[i];
            candidate.addScaledRows(n, alpha, 1, rows, 2, vf, 3, ldv, y1, 4, len);
            scalar.addScaledRows(n, alpha, 1, rows, 2, vf, 3, ldv, y2, 4, len);
            for (int i = 0; i < n; i++) scalar.addScaledInt8(alpha[1 + i], v, 3 + rows[2 + i] * ldv, y3, 4, len);
            assertSameBits(y1, y2, "addScaledRows n=" + n + " len=" + len);
            assertSameBits(y2, y3, "addScaledRows vs addScaledInt8 n=" + n + " len=" + len);
        }
        int[] bad = {0, 5};
        float[] alpha = {1f, 1f};
        float[] v = new float[16];
        float[] y = new float[4];
        int[] negative = {1, -1};
        for (Kernels k : new Kernels[] {candidate, scalar}) {
            assertThatThrownBy(() -> k.addScaledRows(2, alpha, 0, bad, 0, v, 0, 4, y, 0, 4))
                    .isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> k.addScaledRows(2, alpha, 0, negative, 0, v, 4, 4, y, 0, 4))
                    .isInstanceOf(IndexOutOfBoundsException.class);
        }
    }

    @Test
    void dotsF32IsBitIdenticalOnOddShapes() {
        int[] ms = {1, 2, 3};
        int[] ns = {0, 1, 3, 4, 5, 8, 13};
        int[] lens = {0, 1, 7, 8, 9, 15, 17, 37, 384, 385};
        for (int t = 0; t < 80; t++) {
            int m = ms[rnd.nextInt(ms.length)];
            int n = ns[rnd.nextInt(ns.length)];
            int len = lens[rnd.nextInt(lens.length)];
            int lda = len + rnd.nextInt(3);
            int ldb = len + rnd.nextInt(3);
            float[] a = t % 3 == 0 ? wild(2 + m * lda) : floats(2 + m * lda, -3f, 3f);
            float[] b = t % 3 == 0 ? wild(1 + n * ldb) : floats(1 + n * ldb, -3f, 3f);
            int ldo = n + 2;
            float[] o1 = new float[1 + m * ldo];
            float[] o2 = new float[o1.length];
            candidate.dotsF32(m, n, len, a, 2, lda, b, 1, ldb, o1, 1, ldo);
            scalar.dotsF32(m, n, len, a, 2, lda, b, 1, ldb, o2, 1, ldo);
            assertSameBits(o1, o2, "dotsF32 " + m + "x" + n + "x" + len);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    float r = ScalarKernels.dotF32(a, 2 + i * lda, b, 1 + j * ldb, len);
                    assertThat(Float.floatToRawIntBits(o2[1 + i * ldo + j])).isEqualTo(Float.floatToRawIntBits(r));
                }
            }
        }
    }

    @Test
    void dotsF32IsBitIdenticalOnTokenGraphBlocks() {
        // the token graph's calls: a block of rows against every later row of the same array; and larger tiles
        int[] lens = {1, 8, 12, 256, 384, 391};
        for (int t = 0; t < 40; t++) {
            int len = lens[rnd.nextInt(lens.length)];
            int tokens = 1 + rnd.nextInt(70);
            float[] v = t % 4 == 0 ? wild(tokens * len) : floats(tokens * len, -2f, 2f);
            if (t % 8 == 1) v[rnd.nextInt(v.length)] = Float.NaN;
            if (t % 8 == 3) v[rnd.nextInt(v.length)] = Float.POSITIVE_INFINITY;
            int i0 = rnd.nextInt(tokens);
            int rows = Math.min(1 + rnd.nextInt(9), tokens - i0);
            int cols = tokens - i0;
            float[] o1 = new float[rows * cols];
            float[] o2 = new float[rows * cols];
            candidate.dotsF32(rows, cols, len, v, i0 * len, len, v, i0 * len, len, o1, 0, cols);
            scalar.dotsF32(rows, cols, len, v, i0 * len, len, v, i0 * len, len, o2, 0, cols);
            assertSameBits(o1, o2, "dotsF32 block " + rows + "x" + cols + "x" + len);
        }
    }

    @Test
    void addAndArgMaxPicksTheFirstMaximumLikeAStrictScan() {
        int[] lens = {0, 1, 2, 3, 4, 5, 7, 8, 9, 63, 64, 65, 128};
        double[] pool = {Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, Double.NaN, 0.0, -0.0, 0.5, 1.0, 1.0,
                Double.MAX_VALUE};
        for (int t = 0; t < 400; t++) {
            int m = lens[rnd.nextInt(lens.length)];
            double[] key = new double[m + 1];
            double[] w = new double[m + 3];
            int mode = t % 3;
            for (int u = 0; u < key.length; u++) {
                key[u] = mode == 0 ? rnd.nextDouble() : pool[rnd.nextInt(pool.length)];
            }
            for (int u = 0; u < w.length; u++) {
                w[u] = mode == 2 ? pool[rnd.nextInt(pool.length)] : rnd.nextInt(3) * 0.25;
            }
            double[] k1 = key.clone();
            double[] k2 = key.clone();
            int v = candidate.addAndArgMax(k1, w, 2, m);
            int s = scalar.addAndArgMax(k2, w, 2, m);
            // the reference: a strict scan, written out here
            int expected = -1;
            double best = Double.NEGATIVE_INFINITY;
            for (int u = 0; u < m; u++) {
                key[u] = key[u] + w[2 + u];
                if (key[u] > best) {
                    best = key[u];
                    expected = u;
                }
            }
            assertThat(s).as("scalar, m=%d", m).isEqualTo(expected);
            assertThat(v).as("candidate, m=%d", m).isEqualTo(expected);
            for (int u = 0; u < key.length; u++) {
                assertThat(Double.doubleToRawLongBits(k1[u])).isEqualTo(Double.doubleToRawLongBits(key[u]));
                assertThat(Double.doubleToRawLongBits(k2[u])).isEqualTo(Double.doubleToRawLongBits(key[u]));
            }
        }
    }

    /** A dense symmetric graph of one of the kinds minCutIsBitIdenticalOnManyGraphs covers. */
    private double[] graph(int n, int kind) {
        double[] g = new double[n * n];
        int heavyI = n > 1 ? rnd.nextInt(n - 1) : 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double x = switch (kind) {
                    case 0 -> rnd.nextDouble();                                 // random
                    case 1 -> rnd.nextInt(3) * 0.25;                            // ties everywhere
                    case 2 -> 0.0;                                              // all zero
                    case 3 -> (i % 3 == 0) == (j % 3 == 0) ? rnd.nextDouble() : 0.0; // disconnected
                    case 4 -> i == heavyI && j == i + 1 ? 1e6 : 1e-3 * rnd.nextInt(2); // one heavy edge
                    case 5 -> rnd.nextInt(4) == 0 ? -0.0 : 1.0;                 // signed zeros, equal weights
                    case 6 -> rnd.nextInt(5) == 0 ? 1e307 : rnd.nextDouble();   // sums that overflow
                    default -> Math.max(0.0, Math.cos(i * 0.7 - j * 0.3)) * (1 + (i / 8 + j / 8) % 2); // cosine-like
                };
                g[i * n + j] = x;
                g[j * n + i] = x;
            }
        }
        return g;
    }

    /**
     * The min cut as MinCut computed it before Kernels.minCut existed: one {@link Kernels#addAndArgMax} call per added
     * vertex on the scalar kernel, the merge written out; the oracle both the reference and the candidate must match.
     */
    private double minCutByAddAndArgMax(double[] g, int n, double[] key, int[] owner, boolean[] side) {
        for (int v = 0; v < n; v++) {
            owner[v] = v;
            side[v] = false;
        }
        if (n < 2) return 0.0;
        double best = Double.POSITIVE_INFINITY;
        for (int m = n; m > 1; m--) {
            key[0] = Double.NEGATIVE_INFINITY;
            System.arraycopy(g, 1, key, 1, m - 1);
            int sel = 1;
            double sk = Double.NEGATIVE_INFINITY;
            for (int u = 0; u < m; u++) {
                if (key[u] > sk) {
                    sk = key[u];
                    sel = u;
                }
            }
            int s = 0;
            for (int added = 1; added < m - 1; added++) {
                s = sel;
                key[sel] = Double.NEGATIVE_INFINITY;
                sel = scalar.addAndArgMax(key, g, sel * n, m);
                if (sel < 0) sel = 1;
            }
            int t = sel;
            if (key[t] < best) {
                best = key[t];
                for (int v = 0; v < n; v++) side[v] = owner[v] == t;
                if (best == 0.0) break;
            }
            int rs = s * n, rt = t * n;
            for (int u = 0; u < m; u++) {
                double w = g[rs + u] + g[rt + u];
                g[rs + u] = w;
                g[u * n + s] = w;
            }
            g[rs + s] = 0.0;
            int last = m - 1;
            if (t != last) {
                for (int u = 0; u < m; u++) g[rt + u] = g[last * n + u];
                for (int u = 0; u < m; u++) g[u * n + t] = g[u * n + last];
                g[rt + t] = 0.0;
            }
            int merged = s == last ? t : s;
            for (int v = 0; v < n; v++) {
                int o = owner[v];
                if (o == t || o == s) owner[v] = merged;
                else if (o == last) owner[v] = t;
            }
        }
        return best;
    }

    @Test
    void minCutIsBitIdenticalOnManyGraphs() {
        List<Integer> sizes = new ArrayList<>();
        for (int n = 0; n <= 40; n++) sizes.add(n);
        for (int n : new int[] {47, 63, 64, 65, 100, 127, 128, 129, 200, 255, 256, 300}) sizes.add(n);
        for (int n : sizes) {
            for (int kind = 0; kind < 8; kind++) {
                if (n > 130 && kind % 2 == 1) continue; // keep the test short: half the kinds at the largest sizes
                double[] g = graph(n, kind);
                double[] g1 = g.clone(), g2 = g.clone(), g3 = g.clone();
                double[] k1 = new double[n + 1], k2 = new double[n + 1], k3 = new double[n + 1];
                int[] o1 = new int[n], o2 = new int[n], o3 = new int[n];
                boolean[] s1 = new boolean[n], s2 = new boolean[n], s3 = new boolean[n];
                double c1 = candidate.minCut(g1, n, k1, o1, s1);
                double c2 = scalar.minCut(g2, n, k2, o2, s2);
                double c3 = minCutByAddAndArgMax(g3, n, k3, o3, s3);
                String what = "n=" + n + " kind=" + kind;
                assertThat(Double.doubleToRawLongBits(c2)).as("reference vs addAndArgMax, " + what)
                        .isEqualTo(Double.doubleToRawLongBits(c3));
                assertThat(s2).as("reference sides, " + what).isEqualTo(s3);
                assertThat(Double.doubleToRawLongBits(c1)).as("cut, " + what).isEqualTo(Double.doubleToRawLongBits(c2));
                assertThat(s1).as("sides, " + what).isEqualTo(s2);
                assertThat(o1).as("owners, " + what).isEqualTo(o2);
                for (int i = 0; i < g.length; i++) {
                    if (Double.doubleToRawLongBits(g1[i]) != Double.doubleToRawLongBits(g2[i])) {
                        throw new AssertionError("working matrix differs at " + i + ", " + what + ": " + g1[i] + " vs " + g2[i]);
                    }
                }
            }
        }
    }

    @Test
    void minCutChecksItsArguments() {
        assertThatThrownBy(() -> candidate.minCut(new double[3], 2, new double[2], new int[2], new boolean[2]))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> candidate.minCut(new double[4], 2, new double[1], new int[2], new boolean[2]))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> candidate.minCut(new double[4], -1, new double[2], new int[2], new boolean[2]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void gemmI32IsIdenticalOnAttentionShapes() {
        // block of queries × span of keys × head width, rows strided by the model width (as attention calls it)
        int[][] shapes = {{32, 128, 32}, {31, 77, 32}, {1, 40, 32}, {7, 9, 64}, {32, 151, 16}, {2, 1, 8}};
        for (int[] sh : shapes) {
            int m = sh[0], n = sh[1], k = sh[2];
            int ld = 3 * k + 1;
            byte[] a = bytes(5 + m * ld);
            byte[] b = bytes(7 + n * ld);
            int[] o1 = new int[2 + m * (n + 3)];
            int[] o2 = new int[o1.length];
            candidate.gemmI32(m, n, k, a, 5, ld, b, 7, ld, o1, 2, n + 3);
            scalar.gemmI32(m, n, k, a, 5, ld, b, 7, ld, o2, 2, n + 3);
            assertThat(o1).as("gemmI32 %s", java.util.Arrays.toString(sh)).isEqualTo(o2);
        }
    }

    @Test
    void preparedWeightsAreReusedAndResultsStable() {
        QuantizedMatrix w = new QuantizedMatrix(20, 40, bytes(800), floats(20, 0.01f, 0.02f), floats(20, -1f, 1f));
        candidate.prepare(w);
        Object key = candidate instanceof NativeKernels nk ? nk.rung()
                : candidate.name().equals("vector-512") ? VectorGemm512.class : VectorKernels.class;
        Object prepared = w.preparedFor(key);
        assertThat(prepared).isNotNull();
        byte[] a = bytes(5 * 40);
        float[] as = floats(5, 0.01f, 0.02f);
        float[] o1 = new float[100];
        float[] o2 = new float[100];
        candidate.gemm(5, a, 0, as, 0, w, o1, 0);
        assertThat(w.preparedFor(key)).isSameAs(prepared);
        scalar.gemm(5, a, 0, as, 0, w, o2, 0);
        assertSameBits(o1, o2, "prepared gemm");
    }

    @Test
    void layerNormRowsIsBitIdenticalAndInPlace() {
        for (int n : new int[] {1, 7, 8, 33, 384}) {
            int rows = 1 + rnd.nextInt(9);
            float[] x = wild(2 + rows * n);
            float[] gamma = floats(n, 0.5f, 1.5f);
            float[] beta = floats(n, -0.5f, 0.5f);
            float[] o1 = new float[3 + rows * n];
            float[] o2 = new float[3 + rows * n];
            candidate.layerNormRows(x, 2, rows, n, gamma, beta, 1e-12f, o1, 3);
            scalar.layerNormRows(x, 2, rows, n, gamma, beta, 1e-12f, o2, 3);
            assertSameBits(o1, o2, "layerNormRows n=" + n);
            float[] i1 = x.clone();
            float[] i2 = x.clone();
            candidate.layerNormRows(i1, 2, rows, n, gamma, beta, 1e-5f, i1, 2);
            scalar.layerNormRows(i2, 2, rows, n, gamma, beta, 1e-5f, i2, 2);
            assertSameBits(i1, i2, "layerNormRows in place n=" + n);
        }
    }

    /** Random attention blocks: shapes, offsets, every head, key lists contiguous, shared, gapped and empty. */
    @Test
    void attendBlockIsBitIdentical() {
        int[][] shapes = {{12, 32, 64, 128}, {3, 32, 17, 40}, {2, 16, 5, 9}, {1, 8, 1, 1}, {4, 20, 33, 70},
                {6, 64, 64, 160}, {12, 32, 1, 300}};
        for (int[] sh : shapes) {
            int heads = sh[0], hd = sh[1], qb = sh[2], keys = sh[3];
            int d = heads * hd;
            int qRows = qb + 3;
            byte[] q = bytes(qRows * d);
            float[] qs = floats(qRows * heads, 0.001f, 0.05f);
            byte[] k = bytes(keys * d);
            float[] ks = floats(keys * heads, 0.001f, 0.05f);
            byte[] v = bytes(keys * d);
            float[] vs = floats(keys * heads, 0.001f, 0.05f);
            int stride = keys + 2;
            for (int mode = 0; mode < 4; mode++) {
                int[] list = new int[qb * stride];
                int[] count = new int[qb];
                int lo = Integer.MAX_VALUE, hi = -1;
                int start = rnd.nextInt(Math.max(1, keys / 3));
                for (int r = 0; r < qb; r++) {
                    int n = 0;
                    for (int j = 0; j < keys; j++) {
                        boolean visible = switch (mode) {
                            case 0 -> true;                                   // every key, every query
                            case 1 -> j >= start;                             // one shared contiguous range
                            case 2 -> rnd.nextInt(3) != 0;                    // gaps
                            default -> r % 5 != 4 && Math.abs(j - r) < 6;     // sliding windows, some empty
                        };
                        if (visible) list[r * stride + n++] = j;
                    }
                    count[r] = n;
                    if (n > 0) {
                        lo = Math.min(lo, list[r * stride]);
                        hi = Math.max(hi, list[r * stride + n - 1]);
                    }
                }
                int span = hi < 0 ? 0 : hi - lo + 1;
                if (hi < 0) lo = 0;
                float[] o1 = new float[(qb + 2) * d];
                float[] o2 = new float[(qb + 2) * d];
                float scale = (float) (1.0 / Math.sqrt(hd));
                // with and without a key bias (proportional attention after token merging: log of row counts)
                float[] bias = floats(keys, 0f, 2.5f);
                for (float[] kb : new float[][] {null, bias}) {
                    java.util.Arrays.fill(o1, 7f);
                    java.util.Arrays.fill(o2, 7f);
                    AttentionBlock a1 = new AttentionBlock(heads, hd, qb, keys)
                            .operands(q, qs, k, ks, v, vs, list, stride, count, o1).scoreScale(scale).keyBias(kb)
                            .block(qb, 2 * d, 2 * heads, lo, span, d);
                    AttentionBlock a2 = new AttentionBlock(heads, hd, qb, keys)
                            .operands(q, qs, k, ks, v, vs, list, stride, count, o2).scoreScale(scale).keyBias(kb)
                            .block(qb, 2 * d, 2 * heads, lo, span, d);
                    candidate.attendBlock(a1);
                    scalar.attendBlock(a2);
                    assertSameBits(o1, o2, "attendBlock " + java.util.Arrays.toString(sh) + " mode " + mode
                            + (kb == null ? "" : " with key bias"));
                }
            }
        }
    }

    @Test
    void attendBlockRejectsKeysOutsideTheSpan() {
        AttentionBlock a = new AttentionBlock(2, 8, 2, 4).operands(new byte[2 * 16], new float[4], new byte[4 * 16],
                new float[8], new byte[4 * 16], new float[8], new int[] {0, 3, 0, 0}, 2, new int[] {2, 0},
                new float[2 * 16]).scoreScale(1f).block(2, 0, 0, 0, 2, 0);
        assertThatThrownBy(() -> candidate.attendBlock(a)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void selfTestPasses() {
        assertThat(KernelProvider.selfTest(candidate)).isNull();
    }
}
