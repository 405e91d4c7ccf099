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
