package dev.mcgt.kernel;

import dev.mcgt.McgtException;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Kernel selection, the {@code mcgt.kernel} property and the scalar kernel's allocation-free calls. */
class KernelProviderTest {

    private static boolean vectorModulePresent() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    @Test
    void autoPicksTheBestKernelThatRuns() {
        Kernels k = KernelProvider.choose("auto");
        if (!KernelProvider.nativeRungs().isEmpty()) {
            assertThat(k).isSameAs(KernelProvider.nativeKernel().orElseThrow());
            assertThat(k.name()).startsWith("native-");
        } else if (vectorModulePresent()) {
            assertThat(k.name()).startsWith("vector-");
        } else {
            assertThat(k).isSameAs(KernelProvider.scalar());
        }
        assertThat(KernelProvider.get()).isSameAs(KernelProvider.get());
    }

    @Test
    void propertyValuesAreHonoured() {
        assertThat(KernelProvider.choose("scalar")).isSameAs(KernelProvider.scalar());
        assertThat(KernelProvider.choose(" Scalar ")).isSameAs(KernelProvider.scalar());
        if (vectorModulePresent()) {
            assertThat(KernelProvider.choose("vector").name()).startsWith("vector-");
        } else {
            assertThatThrownBy(() -> KernelProvider.choose("vector")).isInstanceOf(McgtException.class)
                    .hasMessageContaining("jdk.incubator.vector");
        }
        if (vectorModulePresent()) {
            assertThat(KernelProvider.choose("vector-256").name()).isEqualTo("vector-256");
            if (KernelProvider.vectorWidths().stream().anyMatch(k -> k.name().equals("vector-512"))) {
                assertThat(KernelProvider.choose("vector-512").name()).isEqualTo("vector-512");
            } else {
                assertThatThrownBy(() -> KernelProvider.choose("vector-512")).isInstanceOf(McgtException.class)
                        .hasMessageContaining("vector-512 requested but unavailable");
            }
        } else {
            assertThatThrownBy(() -> KernelProvider.choose("vector-256")).isInstanceOf(McgtException.class)
                    .hasMessageContaining("jdk.incubator.vector");
        }
        if (KernelProvider.nativeRungs().isEmpty()) {
            assertThatThrownBy(() -> KernelProvider.choose("native")).isInstanceOf(McgtException.class)
                    .hasMessageContaining("native kernel requested");
        } else {
            assertThat(KernelProvider.choose("native").name()).startsWith("native-");
        }
        assertThatThrownBy(() -> KernelProvider.choose("simd"))
                .isInstanceOfSatisfying(McgtException.class, e -> assertThat(e.kind())
                        .isEqualTo(McgtException.Kind.BAD_CONFIG))
                .hasMessageContaining("mcgt.kernel");
    }

    @Test
    void theRungPropertyPicksARungOrSaysWhyNot() {
        org.junit.jupiter.api.Assumptions.assumeTrue(!KernelProvider.nativeRungs().isEmpty(),
                "skipped: native kernel not built");
        String old = System.getProperty(KernelProvider.RUNG_PROPERTY);
        try {
            System.setProperty(KernelProvider.RUNG_PROPERTY, "avx2");
            assertThat(KernelProvider.nativeKernel().orElseThrow().name()).isEqualTo("native-avx2");
            System.setProperty(KernelProvider.RUNG_PROPERTY, "avx9000");
            assertThat(KernelProvider.nativeKernel()).isEmpty();
            assertThat(KernelProvider.nativeProblem()).contains("must be auto, amx, avx512-vnni, avx-vnni or avx2");
            assertThatThrownBy(() -> KernelProvider.choose("native")).isInstanceOf(McgtException.class)
                    .hasMessageContaining("avx9000");
            assertThat(KernelProvider.choose("auto").name()).doesNotStartWith("native-");
        } finally {
            if (old == null) System.clearProperty(KernelProvider.RUNG_PROPERTY);
            else System.setProperty(KernelProvider.RUNG_PROPERTY, old);
        }
    }

    @Test
    void selfTestRejectsAWrongKernel() {
        Kernels broken = new Kernels() {
            private final Kernels s = KernelProvider.scalar();

            @Override public String name() { return "broken"; }

            @Override
            public void gemm(int m, byte[] a, int aOff, float[] aScales, int sOff, QuantizedMatrix w, float[] out,
                             int outOff) {
                s.gemm(m, a, aOff, aScales, sOff, w, out, outOff);
            }

            @Override
            public void gemmI32(int m, int n, int kLen, byte[] a, int aOff, int lda, byte[] b, int bOff, int ldb,
                                int[] out, int oOff, int ldo) {
                s.gemmI32(m, n, kLen, a, aOff, lda, b, bOff, ldb, out, oOff, ldo);
            }

            @Override
            public void quantizeRows(float[] x, int xOff, int rows, int cols, byte[] q, int qOff, float[] sc,
                                     int sOff) {
                s.quantizeRows(x, xOff, rows, cols, q, qOff, sc, sOff);
            }

            @Override public float sum(float[] x, int off, int len) {
                float t = 0f; // sequential order: differs from the canonical one
                for (int i = 0; i < len; i++) t += x[off + i];
                return t;
            }

            @Override
            public void layerNorm(float[] x, int xOff, int n, float[] g, float[] b, float eps, float[] out, int o) {
                s.layerNorm(x, xOff, n, g, b, eps, out, o);
            }

            @Override public void gelu(float[] x, int off, int len, dev.mcgt.config.Activation kind) {
                s.gelu(x, off, len, kind);
            }

            @Override public void softmax(float[] x, int off, int len) { s.softmax(x, off, len); }

            @Override public void addScaledInt8(float alpha, byte[] v, int vOff, float[] y, int yOff, int len) {
                s.addScaledInt8(alpha, v, vOff, y, yOff, len);
            }

            @Override public void add(float[] x, int xOff, float[] y, int yOff, int len) {
                s.add(x, xOff, y, yOff, len);
            }

            @Override
            public void addScaledRows(int n, float[] alpha, int aOff, int[] rows, int rOff, float[] v, int vOff, int ldv,
                                      float[] y, int yOff, int len) {
                s.addScaledRows(n, alpha, aOff, rows, rOff, v, vOff, ldv, y, yOff, len);
            }

            @Override
            public void dotsF32(int m, int n, int len, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                float[] out, int oOff, int ldo) {
                s.dotsF32(m, n, len, a, aOff, lda, b, bOff, ldb, out, oOff, ldo);
            }

            @Override public int addAndArgMax(double[] key, double[] w, int wOff, int m) {
                return s.addAndArgMax(key, w, wOff, m);
            }

            @Override
            public void layerNormRows(float[] x, int xOff, int rows, int n, float[] g, float[] b, float eps, float[] out,
                                      int o) {
                s.layerNormRows(x, xOff, rows, n, g, b, eps, out, o);
            }

            @Override public void attendBlock(AttentionBlock at) { s.attendBlock(at); }
        };
        assertThat(KernelProvider.selfTest(broken)).contains("sum");
        assertThat(KernelProvider.selfTest(KernelProvider.scalar())).isNull();
    }

    @Test
    void scalarKernelDoesNotAllocate() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Kernels k = KernelProvider.scalar();
        QuantizedMatrix w = QuantizedMatrix.quantize(16, 32, new float[16 * 32], null);
        byte[] a = new byte[4 * 32];
        float[] as = {1f, 1f, 1f, 1f};
        float[] out = new float[64];
        float[] x = new float[64];
        byte[] q = new byte[64];
        float[] sc = new float[2];
        Runnable body = () -> {
            k.gemm(4, a, 0, as, 0, w, out, 0);
            k.quantizeRows(out, 0, 2, 32, q, 0, sc, 0);
            k.layerNorm(out, 0, 64, x, x, 1e-5f, out, 0);
            k.softmax(out, 0, 64);
            k.gelu(out, 0, 64, dev.mcgt.config.Activation.GELU_ERF);
            k.addScaledInt8(0.5f, q, 0, x, 0, 64);
            k.add(out, 0, x, 0, 64);
            k.sum(x, 0, 64);
        };
        body.run();
        long tid = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 10; i++) body.run();
        long after = mx.getThreadAllocatedBytes(tid);
        assertThat(after - before).isLessThan(1024); // the measurement itself may allocate a little
    }
}
