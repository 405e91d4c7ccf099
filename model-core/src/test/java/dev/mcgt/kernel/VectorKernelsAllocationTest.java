package dev.mcgt.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mcgt.config.Activation;
import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The Vector API kernel this JVM runs allocates nothing once compiled: a vector that crossed a method boundary
 * without being inlined (the shared lane-wise exp of softmax and GELU), or whose class C2 lost because the 512-bit
 * GEMM and the 256-bit float operations share the Vector API's type profiles ({@link VectorGemm512}), would be
 * boxed on every call and show up here as allocated bytes. Runs in a JVM of its own (model-core/pom.xml), once
 * at the default width and once with {@code -Dmcgt.vector.width=256}: a JVM that ran both widths' GEMMs (as the
 * equivalence tests do) is not what production runs and does box.
 */
class VectorKernelsAllocationTest {

    @Test
    void gemmsAndFloatOpsDoNotBoxVectors() {
        assumeTrue(KernelProvider.vector().isPresent(), "skipped: Vector API kernel unavailable");
        Kernels k = KernelProvider.vector().orElseThrow();
        SplittableRandom rnd = new SplittableRandom(11);
        int m = 32, kLen = 384, n = 96;
        byte[] a = new byte[m * kLen];
        for (int i = 0; i < a.length; i++) a[i] = (byte) (rnd.nextInt(255) - 127);
        float[] as = new float[m];
        java.util.Arrays.fill(as, 0.01f);
        float[] wf = new float[n * kLen];
        for (int i = 0; i < wf.length; i++) wf[i] = (float) rnd.nextGaussian();
        QuantizedMatrix w = QuantizedMatrix.quantize(n, kLen, wf, new float[n]);
        k.prepare(w);
        float[] out = new float[m * n];
        int[] scores = new int[m * m];
        float[] x = new float[4096];
        for (int i = 0; i < x.length; i++) x[i] = (float) Math.sin(i) * 4;
        float[] work = new float[x.length];
        byte[] q = new byte[x.length];
        float[] qs = new float[32];
        Runnable body = () -> {
            k.gemm(m, a, 0, as, 0, w, out, 0);
            k.gemmI32(m, m, 32, a, 0, kLen, a, 64, kLen, scores, 0, m);
            System.arraycopy(x, 0, work, 0, x.length);
            k.gelu(work, 0, 2048, Activation.GELU_ERF);
            k.gelu(work, 2048, 2048, Activation.GELU_TANH);
            for (int r = 0; r < 32; r++) k.softmax(work, r * 128, 128);
            k.quantizeRows(x, 0, 32, 128, q, 0, qs, 0);
        };
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        // C2 compiles in the background: on a loaded machine the loops may still run interpreted or in C1 code
        // (which boxes) after the first warm-up, so warm up again until the compiled code is in (at most 20 times);
        // code that boxes once compiled allocates on every attempt and fails.
        long allocated = Long.MAX_VALUE;
        for (int attempt = 0; attempt < 20 && allocated >= 4096; attempt++) {
            for (int i = 0; i < 10_000; i++) body.run();
            long before = mx.getThreadAllocatedBytes(tid);
            for (int i = 0; i < 200; i++) body.run();
            allocated = Math.min(allocated, mx.getThreadAllocatedBytes(tid) - before);
        }
        assertThat(allocated).as("bytes allocated by 200 rounds of GEMMs, GELU, softmax and quantization on "
                + k.name()).isLessThan(4096);
    }
}
