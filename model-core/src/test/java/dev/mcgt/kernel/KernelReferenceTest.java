package dev.mcgt.kernel;

import dev.mcgt.config.Activation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Each kernel against independent references: gemm and gemmI32 against a naive long accumulation, exp and GELU
 * against double precision, softmax and LayerNorm properties, quantizeRows golden values.
 */
class KernelReferenceTest {

    static List<Kernels> kernels() {
        List<Kernels> list = new ArrayList<>();
        list.add(KernelProvider.scalar());
        list.addAll(KernelProvider.vectorWidths());
        return list;
    }

    private static byte[] bytes(SplittableRandom rnd, int n, int mode) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = switch (mode) {
                case 1 -> (byte) (rnd.nextBoolean() ? 127 : -127);
                case 2 -> (byte) -128;
                default -> (byte) (rnd.nextInt(256) - 128);
            };
        }
        return b;
    }

    private static float[] floats(SplittableRandom rnd, int n, float lo, float hi) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) f[i] = lo + (hi - lo) * (float) rnd.nextDouble();
        return f;
    }

    /** Naive reference of gemm: long accumulation, then the documented f32 epilogue. */
    private static float[] referenceGemm(int m, byte[] a, float[] as, QuantizedMatrix w) {
        int k = w.cols();
        int n = w.rows();
        float[] out = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                long acc = 0;
                for (int c = 0; c < k; c++) acc += (long) a[i * k + c] * w.weight(j, c);
                float v = (float) acc * (as[i] * w.scales()[j]);
                if (w.bias() != null) v += w.bias()[j];
                out[i * n + j] = v;
            }
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void gemmMatchesNaiveReferenceOnRandomAndOddShapes(Kernels kern) {
        SplittableRandom rnd = new SplittableRandom(1);
        int[][] shapes = {{1, 1, 1}, {1, 7, 3}, {2, 8, 8}, {3, 9, 17}, {4, 16, 16}, {5, 33, 1}, {7, 100, 15},
                {8, 64, 24}, {13, 129, 31}, {1, 1040, 9}, {4, 1041, 3}, {5, 1100, 17}, {67, 31, 70}, {9, 2100, 5},
                {64, 256, 40}};
        for (int[] sh : shapes) {
            for (int mode = 0; mode < 3; mode++) {
                int m = sh[0], k = sh[1], n = sh[2];
                byte[] a = bytes(rnd, m * k, mode);
                float[] as = floats(rnd, m, 0.001f, 0.05f);
                float[] bias = mode == 1 ? null : floats(rnd, n, -2f, 2f);
                QuantizedMatrix w = new QuantizedMatrix(n, k, bytes(rnd, n * k, mode), floats(rnd, n, 0.001f, 0.05f),
                        bias);
                // offsets: write into the middle of a bigger buffer and read from an offset
                int aOff = 5, sOff = 2, oOff = 3;
                byte[] aBig = new byte[aOff + a.length];
                System.arraycopy(a, 0, aBig, aOff, a.length);
                float[] asBig = new float[sOff + m];
                System.arraycopy(as, 0, asBig, sOff, m);
                float[] out = new float[oOff + m * n + 4];
                out[0] = 42f;
                out[out.length - 1] = 43f;
                kern.gemm(m, aBig, aOff, asBig, sOff, w, out, oOff);
                float[] ref = referenceGemm(m, a, as, w);
                for (int i = 0; i < m * n; i++) {
                    assertThat(Float.floatToRawIntBits(out[oOff + i]))
                            .as("%s shape %dx%dx%d mode %d index %d", kern.name(), m, k, n, mode, i)
                            .isEqualTo(Float.floatToRawIntBits(ref[i]));
                }
                assertThat(out[0]).isEqualTo(42f);
                assertThat(out[out.length - 1]).isEqualTo(43f);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void gemmI32MatchesNaiveReferenceWithStrides(Kernels kern) {
        SplittableRandom rnd = new SplittableRandom(2);
        int[][] shapes = {{1, 1, 1}, {3, 5, 7}, {4, 4, 8}, {9, 13, 33}, {64, 64, 32}, {5, 3, 1100}, {2, 3, 0}};
        for (int[] sh : shapes) {
            for (int mode = 0; mode < 3; mode++) {
                int m = sh[0], n = sh[1], k = sh[2];
                int lda = k + 3, ldb = k + 5, ldo = n + 2;
                byte[] a = bytes(rnd, 1 + m * lda, mode);
                byte[] b = bytes(rnd, 2 + n * ldb, mode);
                int[] out = new int[4 + m * ldo];
                kern.gemmI32(m, n, k, a, 1, lda, b, 2, ldb, out, 4, ldo);
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        long acc = 0;
                        for (int c = 0; c < k; c++) acc += (long) a[1 + i * lda + c] * b[2 + j * ldb + c];
                        assertThat(out[4 + i * ldo + j]).isEqualTo((int) acc);
                    }
                    for (int j = n; j < ldo && 4 + i * ldo + j < out.length; j++) {
                        assertThat(out[4 + i * ldo + j]).as("gap untouched").isZero();
                    }
                }
            }
        }
    }

    @Test
    void expIsWithinTwoUlpOfMathExp() {
        int worst = 0;
        for (int i = 0; i <= 2_000_000; i++) {
            float x = -87f + (88f + 87f) * i / 2_000_000f;
            float got = FloatMath.exp(x);
            float want = (float) Math.exp(x);
            int ulps = Math.abs(Float.floatToRawIntBits(got) - Float.floatToRawIntBits(want));
            worst = Math.max(worst, ulps);
        }
        assertThat(worst).isLessThanOrEqualTo(2);
    }

    @Test
    void expHandlesExtremesAndSubnormals() {
        assertThat(FloatMath.exp(0f)).isEqualTo(1f);
        assertThat(FloatMath.exp(-0f)).isEqualTo(1f);
        assertThat(FloatMath.exp(-1000f)).isEqualTo(0f);
        assertThat(FloatMath.exp(Float.NEGATIVE_INFINITY)).isEqualTo(0f);
        assertThat(FloatMath.exp(1000f)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(FloatMath.exp(Float.POSITIVE_INFINITY)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(FloatMath.exp(Float.NaN)).isNaN();
        assertThat(FloatMath.exp(88.72f)).isCloseTo((float) Math.exp(88.72f), within(Math.ulp(3.3e38f) * 2));
        assertThat(FloatMath.exp(88.73f)).isEqualTo(Float.POSITIVE_INFINITY);
        // subnormal results: within a couple of subnormal steps of the exact value
        for (float x = -103.9f; x < -87f; x += 0.37f) {
            double want = Math.exp(x);
            assertThat((double) FloatMath.exp(x)).isCloseTo(want, within(Math.max(want * 3e-7, 3 * Float.MIN_VALUE)));
        }
    }

    @Test
    void geluFormsMatchDoublePrecisionWithin1em5() {
        double maxTanh = 0, maxErf = 0;
        for (int i = 0; i <= 400_000; i++) {
            float x = -10f + 20f * i / 400_000f;
            double xd = x;
            double refTanh = 0.5 * xd * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (xd + 0.044715 * xd * xd * xd)));
            double refErf = 0.5 * xd * (1 + erf(xd / Math.sqrt(2)));
            maxTanh = Math.max(maxTanh, Math.abs(FloatMath.geluTanh(x) - refTanh));
            maxErf = Math.max(maxErf, Math.abs(FloatMath.geluErf(x) - refErf));
        }
        assertThat(maxTanh).isLessThan(1e-5);
        assertThat(maxErf).isLessThan(1e-5);
        assertThat(FloatMath.geluTanh(-100f)).isEqualTo(-0f);
        assertThat(FloatMath.geluTanh(100f)).isEqualTo(100f);
        assertThat(FloatMath.geluErf(-100f)).isEqualTo(-0f);
        assertThat(FloatMath.geluErf(100f)).isEqualTo(100f);
        assertThat(FloatMath.geluTanh(Float.NaN)).isNaN();
        assertThat(FloatMath.geluErf(Float.NaN)).isNaN();
    }

    /** erf in double by its Taylor series (small |x|) or continued fraction for erfc (large |x|). */
    static double erf(double x) {
        double ax = Math.abs(x);
        double r;
        if (ax < 3) {
            double term = ax, sum = ax;
            for (int n = 1; n < 200; n++) {
                term *= -ax * ax / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.abs(add) < 1e-17) break;
            }
            r = 2 / Math.sqrt(Math.PI) * sum;
        } else {
            // erfc(x) = exp(-x²)/√π · 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...)))) evaluated bottom-up
            double f = ax;
            for (int n = 60; n >= 1; n--) f = ax + (n / 2.0) / f;
            r = 1 - Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
        }
        return x < 0 ? -r : r;
    }

    @Test
    void erfReferenceIsSane() {
        assertThat(erf(0.5)).isCloseTo(0.5204998778130465, within(1e-14));
        assertThat(erf(2.0)).isCloseTo(0.9953222650189527, within(1e-14));
        assertThat(erf(3.5)).isCloseTo(0.9999992569016276, within(1e-14));
        assertThat(erf(-1.0)).isCloseTo(-0.8427007929497149, within(1e-14));
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void softmaxSumsToOneAndIsStableForLargeInputs(Kernels kern) {
        SplittableRandom rnd = new SplittableRandom(3);
        for (int len : new int[] {1, 2, 7, 8, 9, 33, 64, 1000}) {
            float[] x = floats(rnd, len, -20f, 20f);
            float[] big = new float[len];
            for (int i = 0; i < len; i++) big[i] = x[i] + 1e4f;
            double[] ref = new double[len];
            double max = Double.NEGATIVE_INFINITY;
            for (float v : x) max = Math.max(max, v);
            double z = 0;
            for (int i = 0; i < len; i++) z += ref[i] = Math.exp(x[i] - max);
            kern.softmax(x, 0, len);
            kern.softmax(big, 0, len);
            double s = 0;
            for (int i = 0; i < len; i++) {
                s += x[i];
                assertThat((double) x[i]).isCloseTo(ref[i] / z, within(1e-6));
                assertThat(big[i]).isFinite().isBetween(0f, 1f);
            }
            assertThat(s).isCloseTo(1.0, within(1e-5));
        }
        float[] one = {123456f};
        kern.softmax(one, 0, 1);
        assertThat(one[0]).isEqualTo(1f);
        float[] huge = {3e38f, -3e38f, 3e38f};
        kern.softmax(huge, 0, 3);
        assertThat(huge).containsExactly(0.5f, 0f, 0.5f);
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void layerNormMatchesDoubleReference(Kernels kern) {
        SplittableRandom rnd = new SplittableRandom(4);
        for (int n : new int[] {1, 7, 8, 9, 384, 1001}) {
            float[] x = floats(rnd, n, -3f, 5f);
            float[] g = floats(rnd, n, 0.5f, 1.5f);
            float[] b = floats(rnd, n, -1f, 1f);
            double mean = 0;
            for (float v : x) mean += v;
            mean /= n;
            double var = 0;
            for (float v : x) var += (v - mean) * (v - mean);
            var /= n;
            float[] out = new float[n];
            kern.layerNorm(x, 0, n, g, b, 1e-5f, out, 0);
            for (int i = 0; i < n; i++) {
                double want = g[i] * (x[i] - mean) / Math.sqrt(var + 1e-5) + b[i];
                assertThat((double) out[i]).isCloseTo(want, within(2e-4));
            }
            float[] inPlace = x.clone();
            kern.layerNorm(inPlace, 0, n, g, b, 1e-5f, inPlace, 0);
            assertThat(inPlace).isEqualTo(out);
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void quantizeRowsGoldenValues(Kernels kern) {
        float[] x = {0f, 0f, 0f, 0f, /* row 1 */ 1f, -0.5f, 0.25f, -1f, /* row 2 */ 2f, -1f, 0.0078125f, 0.015625f};
        byte[] q = new byte[12];
        float[] s = new float[3];
        kern.quantizeRows(x, 0, 3, 4, q, 0, s, 0);
        assertThat(s[0]).isEqualTo(1f);
        assertThat(s[1]).isEqualTo(1f / 127f);
        assertThat(s[2]).isEqualTo(2f / 127f);
        assertThat(q).containsExactly(0, 0, 0, 0, 127, -64, 32, -127, 127, -64, 0, 1);
                float[] halves = {127f, 0.5f, -0.5f, 1.5f, -1.5f};
        byte[] hq = new byte[5];
        float[] hs = new float[1];
        kern.quantizeRows(halves, 0, 1, 5, hq, 0, hs, 0);
        assertThat(hs[0]).isEqualTo(1f);
        assertThat(hq).containsExactly(127, 1, -1, 2, -2);
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void elementwiseOpsFollowTheirFormulas(Kernels kern) {
        float[] y = {1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f};
        byte[] v = {1, -1, 127, -128, 0, 2, 3, 4, 5, 6};
        kern.addScaledInt8(0.5f, v, 0, y, 0, 10);
        assertThat(y).containsExactly(1.5f, 1.5f, 66.5f, -60f, 5f, 7f, 8.5f, 10f, 11.5f, 13f);
        kern.add(new float[] {9f, 1f, 1f}, 1, y, 8, 2);
        assertThat(y[8]).isEqualTo(12.5f);
        assertThat(y[9]).isEqualTo(14f);
        float[] s = new float[17];
        for (int i = 0; i < 17; i++) s[i] = i;
        assertThat(kern.sum(s, 0, 17)).isEqualTo(136f);
        assertThat(kern.sum(s, 3, 0)).isEqualTo(0f);
        float[] g = {-1f, 0f, 1f};
        kern.gelu(g, 0, 3, Activation.GELU_ERF);
        assertThat(g[1]).isEqualTo(0f);
        assertThat((double) g[2]).isCloseTo(0.8413447460685429, within(1e-6));
        assertThat((double) g[0]).isCloseTo(-0.15865525393145707, within(1e-6));
    }
}
