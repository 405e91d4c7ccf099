package dev.mcgt.runtime;

import dev.mcgt.config.GatePolicy;
import dev.mcgt.config.TransformerConfig;
import dev.mcgt.gate.GatePacket;
import dev.mcgt.kernel.KernelProvider;
import dev.mcgt.kernel.Kernels;
import dev.mcgt.model.ModelWeights;
import dev.mcgt.model.SyntheticWeights;
import java.util.SplittableRandom;

/** Shared test models and inputs (weights generated once per JVM). */
final class Fixtures {
    private Fixtures() { }

    static final ModelWeights MICRO = SyntheticWeights.generate(TransformerConfig.micro(), 42);
    static final ModelWeights BASELINE = SyntheticWeights.generate(TransformerConfig.baseline(), 7);

    /** The reference's "normal" packet: Allow, tier 0. */
    static final GatePacket NORMAL = new GatePacket(100, 95, 5, 8192, 3, 0);
    /** 30 boundary edges: ReduceScope, tier 1. */
    static final GatePacket REDUCED = new GatePacket(100, 95, 30, 8192, 3, 0);
    /** λ below min: QuarantineUpdates, tier 2. */
    static final GatePacket SAFE = new GatePacket(20, 100, 5, 8192, 3, 0);
    /** λ dropped fast: FlushKv, tier 1. */
    static final GatePacket FLUSH = new GatePacket(40, 100, 5, 8192, 3, 0);
    /** Force-safe flag: FreezeWrites, tier 2. */
    static final GatePacket FORCE_SAFE = NORMAL.withFlags(GatePacket.FLAG_FORCE_SAFE);
    /** Skip flag: tier 3. */
    static final GatePacket SKIP = NORMAL.withFlags(GatePacket.FLAG_SKIP);

    static Kernels scalar() { return KernelProvider.scalar(); }

    static GatedTransformer model(ModelWeights w) {
        return new GatedTransformer(w, GatePolicy.defaults(), RuntimeOptions.defaults(), scalar());
    }

    static GatedTransformer model(ModelWeights w, RuntimeOptions o) {
        return new GatedTransformer(w, GatePolicy.defaults(), o, scalar());
    }

    /** {@code n} seeded token ids below {@code vocab}. */
    static int[] tokens(int n, int vocab, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] t = new int[n];
        for (int i = 0; i < n; i++) t[i] = r.nextInt(vocab);
        return t;
    }

    /** Runs one inference on a fresh output and returns it. */
    static InferOutput run(GatedTransformer m, InferInput in, InferState s) {
        InferOutput out = m.newOutput();
        m.infer(in, s, m.newBuffers(), out);
        return out;
    }

    /** Cosine of two vectors: {@link dev.mcgt.scoring.Evaluation#cosine}, the one the reports use. */
    static double cosine(float[] a, float[] b) {
        return dev.mcgt.scoring.Evaluation.cosine(a, b);
    }

    static double cosine(float[] a, double[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}
