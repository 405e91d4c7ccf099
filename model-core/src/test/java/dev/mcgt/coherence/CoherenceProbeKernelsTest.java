package dev.mcgt.coherence;

import dev.mcgt.config.TransformerConfig;
import dev.mcgt.kernel.KernelProvider;
import dev.mcgt.kernel.Kernels;
import dev.mcgt.model.ModelWeights;
import dev.mcgt.model.SyntheticWeights;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole probe (graph, global cut, boundary figures, recursive cuts) on every kernel this machine runs against the
 * scalar kernel: the same report, bit for bit in the cut weight, on real chunks of a synthetic model and on random
 * and clustered vectors of many sizes. Kernels that cannot run here (no native library, no Vector API) are absent.
 */
class CoherenceProbeKernelsTest {
    private static List<Kernels> candidates() {
        List<Kernels> k = new ArrayList<>();
        KernelProvider.vector().ifPresent(k::add);
        k.addAll(KernelProvider.nativeRungs());
        return k;
    }

    private static void assertSameReport(CoherenceReport got, CoherenceReport want, String what) {
        assertThat(Double.doubleToRawLongBits(got.cutWeight())).as("cut weight, " + what)
                .isEqualTo(Double.doubleToRawLongBits(want.cutWeight()));
        assertThat(got).as(what).isEqualTo(want);
    }

    @Test
    void modelChunksGiveTheScalarReportOnEveryKernel() {
        ModelWeights model = SyntheticWeights.generate(TransformerConfig.baseline(), 7);
        int max = model.config().seqLenMax();
        SplittableRandom rnd = new SplittableRandom(11);
        CoherenceProbe ref = new CoherenceProbe(CoherenceProbeConfig.defaults(), max, KernelProvider.scalar());
        List<CoherenceProbe> probes = new ArrayList<>();
        for (Kernels k : candidates()) probes.add(new CoherenceProbe(CoherenceProbeConfig.defaults(), max, k));
        for (int t = 0; t < 12; t++) {
            int len = t == 0 ? max : 1 + rnd.nextInt(max);
            int[] ids = new int[len];
            for (int i = 0; i < len; i++) ids[i] = rnd.nextInt(model.config().vocabSize());
            if (t % 3 == 1) for (int i = 0; i < len; i++) ids[i] = ids[i % 4]; // repeated tokens: tied weights
            CoherenceReport want = ref.probe(model, ids);
            for (CoherenceProbe p : probes) assertSameReport(p.probe(model, ids), want, "chunk " + t + " of " + len);
        }
    }

    @Test
    void vectorsOfManySizesGiveTheScalarReportOnEveryKernel() {
        SplittableRandom rnd = new SplittableRandom(5);
        int max = 200;
        CoherenceProbe ref = new CoherenceProbe(CoherenceProbeConfig.defaults(), max, KernelProvider.scalar());
        List<CoherenceProbe> probes = new ArrayList<>();
        for (Kernels k : candidates()) probes.add(new CoherenceProbe(CoherenceProbeConfig.defaults(), max, k));
        int[] sizes = {0, 1, 2, 3, 5, 8, 9, 17, 33, 64, 100, 128, 129, 200};
        for (int n : sizes) {
            for (int kind = 0; kind < 3; kind++) {
                int dim = kind == 2 ? 37 : 64;
                float[][] topics = new float[4][dim];
                for (float[] tp : topics) for (int c = 0; c < dim; c++) tp[c] = (float) rnd.nextGaussian();
                float[] v = new float[Math.max(1, n * dim)];
                for (int i = 0; i < n; i++) {
                    float[] tp = topics[rnd.nextInt(4)];
                    for (int c = 0; c < dim; c++) {
                        float noise = (float) rnd.nextGaussian();
                        v[i * dim + c] = kind == 0 ? noise : tp[c] + 0.3f * noise;
                    }
                }
                CoherenceReport want = ref.probe(v, n, dim);
                for (CoherenceProbe p : probes) assertSameReport(p.probe(v, n, dim), want, "n=" + n + " kind=" + kind);
            }
        }
    }
}
