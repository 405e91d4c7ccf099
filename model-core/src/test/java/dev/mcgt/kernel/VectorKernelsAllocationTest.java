package dev.mcgt.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mcgt.config.Activation;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * The Vector API kernel's float operations allocate nothing once compiled: a vector that crossed a method boundary
 * without being inlined (the shared lane-wise exp of softmax and GELU) would be boxed on every call and show up
 * here as allocated bytes.
 */
class VectorKernelsAllocationTest {

    @Test
    void softmaxAndGeluDoNotBoxVectors() {
        assumeTrue(KernelProvider.vector().isPresent(), "skipped: Vector API kernel unavailable");
        Kernels k = KernelProvider.vector().orElseThrow();
        float[] x = new float[4096];
        for (int i = 0; i < x.length; i++) x[i] = (float) Math.sin(i) * 4;
        float[] work = new float[x.length];
        Runnable body = () -> {
            System.arraycopy(x, 0, work, 0, x.length);
            k.gelu(work, 0, 2048, Activation.GELU_ERF);
            k.gelu(work, 2048, 2048, Activation.GELU_TANH);
            for (int r = 0; r < 32; r++) k.softmax(work, r * 128, 128);
        };
        for (int i = 0; i < 20_000; i++) body.run(); // long enough for C2 to compile the loops
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 200; i++) body.run();
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        assertThat(allocated).as("bytes allocated by 200 rounds of GELU and softmax").isLessThan(4096);
    }
}
