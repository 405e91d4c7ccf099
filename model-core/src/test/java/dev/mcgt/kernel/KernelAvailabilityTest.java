package dev.mcgt.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/**
 * Says which kernels this machine runs, so that a kernel the equivalence tests cannot cover shows up as a skipped
 * test with its reason instead of silently disappearing.
 */
class KernelAvailabilityTest {

    @Test
    void vectorKernelIsAvailable() {
        assumeTrue(KernelProvider.vector().isPresent(), "skipped: Vector API kernel unavailable "
                + "(run with --add-modules jdk.incubator.vector)");
        assertThat(KernelProvider.vector().orElseThrow().name()).startsWith("vector-");
    }

    @Test
    void vectorKernelRunsAtEveryWidthThisCpuPrefers() {
        assumeTrue(KernelProvider.vector().isPresent(), "skipped: Vector API kernel unavailable");
        java.util.List<String> names = KernelProvider.vectorWidths().stream().map(Kernels::name).toList();
        assertThat(names).startsWith("vector-256");
        assumeTrue(names.contains("vector-512"), () -> "skipped: vector-512 not run here, 512-bit vectors are not "
                + "the JVM's preferred width (" + CpuInfo.summary() + ")");
        if ("auto".equals(System.getProperty(KernelProvider.VECTOR_WIDTH_PROPERTY, "auto"))) {
            assertThat(KernelProvider.vector().orElseThrow().name()).isEqualTo("vector-512");
        }
    }

    @Test
    void nativeKernelIsAvailable() {
        assumeTrue(!KernelProvider.nativeRungs().isEmpty(), () -> "skipped: native kernel not built or not loadable: "
                + KernelProvider.nativeProblem());
        assertThat(KernelProvider.nativeRungs()).allSatisfy(k -> assertThat(k.name()).startsWith("native-"));
        System.out.println("native kernel rungs on " + CpuInfo.summary() + ": " + KernelProvider.nativeRungs());
    }

    @Test
    void everyNativeRungOfThisCpuIsLoaded() {
        assumeTrue(!KernelProvider.nativeRungs().isEmpty(), "skipped: native kernel not built");
        assertThat(KernelProvider.nativeRungs()).extracting(Kernels::name)
                .containsExactlyElementsOf(NativeKernels.supportedRungs().stream().map(r -> "native-" + r.label).toList());
    }
}
