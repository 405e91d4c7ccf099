package dev.mcgt.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mcgt.config.GatePolicy;
import dev.mcgt.gate.GatePacket;
import dev.mcgt.gate.SpikePacket;
import dev.mcgt.kernel.KernelProvider;
import dev.mcgt.kernel.Kernels;
import dev.mcgt.model.ModelWeights;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Bit-identical results: repeated calls, scalar vs vector kernels, threads sharing one model. */
class DeterminismTest {

    /** One recorded call: output bits, witness, stats, and the stream's state after it. */
    record Result(float[] output, Witness witness, InferStats stats, byte[] state) {
        void assertSameAs(Result o) {
            assertThat(output).isEqualTo(o.output);
            assertThat(witness).isEqualTo(o.witness);
            assertThat(stats).isEqualTo(o.stats);
            assertThat(state).isEqualTo(o.state);
        }
    }

    /** A stream of chunks through every tier, routing, spikes, partitions, cache hits and early exit. */
    private static List<InferInput> script(ModelWeights w) {
        int v = w.config().vocabSize();
        int s = w.config().seqLenMax();
        SpikePacket spikes = new SpikePacket(1, 20000, 15000, new int[] {5, 10, 15, 20}, new int[] {16384, 12288, 8192, 4096},
                SpikePacket.FLAG_SPARSE_MASK);
        int[] parts = new int[s];
        for (int i = s / 2; i < s; i++) parts[i] = 1;
        List<InferInput> in = new ArrayList<>();
        in.add(InferInput.of(Fixtures.tokens(s, v, 1), Fixtures.NORMAL));
        in.add(InferInput.of(Fixtures.tokens(s / 2, v, 2), Fixtures.REDUCED).withSpikes(spikes));
        in.add(InferInput.of(Fixtures.tokens(s, v, 3), Fixtures.SAFE));
        in.add(InferInput.of(Fixtures.tokens(7, v, 4), Fixtures.NORMAL).withSignature(99));
        in.add(InferInput.of(Fixtures.tokens(7, v, 4), Fixtures.SKIP).withSignature(99));
        in.add(InferInput.of(Fixtures.tokens(s, v, 5), Fixtures.SKIP));
        in.add(InferInput.of(Fixtures.tokens(s, v, 6), new GatePacket(100, 98, 5, 10000, 3, 0))
                .withPartitionOf(parts).withBoundaryTokens(new int[] {0, s - 1}).withSpikes(spikes));
        in.add(InferInput.of(Fixtures.tokens(s, v, 7), Fixtures.FLUSH));
        in.add(InferInput.of(Fixtures.tokens(3, v, 8), Fixtures.NORMAL));
        return in;
    }

    private static List<Result> play(GatedTransformer m, List<InferInput> inputs) {
        InferState state = m.newState();
        InferBuffers buf = m.newBuffers();
        InferOutput out = m.newOutput();
        List<Result> r = new ArrayList<>();
        for (InferInput in : inputs) {
            m.infer(in, state, buf, out);
            r.add(new Result(out.output().clone(), out.witness().copy(), out.stats().copy(), state.toBytes()));
        }
        return r;
    }

    private static RuntimeOptions everything() {
        return RuntimeOptions.defaults().withModRouting(ModRoutingConfig.defaults()).withSparseAttention(true)
                .withEarlyExit(EarlyExitConfig.defaults());
    }

    private static void assertSame(List<Result> a, List<Result> b) {
        assertThat(a).hasSameSizeAs(b);
        for (int i = 0; i < a.size(); i++) a.get(i).assertSameAs(b.get(i));
    }

    @Test
    void repeatedRunsAreIdentical() {
        GatedTransformer m = Fixtures.model(Fixtures.BASELINE, everything());
        List<InferInput> s = script(Fixtures.BASELINE);
        assertSame(play(m, s), play(m, s));
        GatedTransformer micro = Fixtures.model(Fixtures.MICRO);
        assertSame(play(micro, script(Fixtures.MICRO)), play(micro, script(Fixtures.MICRO)));
    }

    @Test
    void scalarAndVectorKernelsAgreeBitForBit() {
        Optional<Kernels> vector = KernelProvider.vector();
        assumeTrue(vector.isPresent(), "vector kernel unavailable");
        // Micro only: the vector kernel runs interpreted (slowly) until the JIT compiles it.
        ModelWeights w = Fixtures.MICRO;
        for (RuntimeOptions o : new RuntimeOptions[] {RuntimeOptions.defaults(), everything().withEarlyExit(null)
                .withRepresentationExitThreshold(0.05f)}) {
            GatedTransformer s = new GatedTransformer(w, GatePolicy.defaults(), o, KernelProvider.scalar());
            GatedTransformer v = new GatedTransformer(w, GatePolicy.defaults(), o, vector.get());
            assertSame(play(s, script(w)), play(v, script(w)));
        }
    }

    @Test
    void threadsSharingOneModelAgree() throws Exception {
        GatedTransformer m = Fixtures.model(Fixtures.MICRO, everything().withEarlyExit(null));
        List<InferInput> s = script(Fixtures.MICRO);
        List<Result> expected = play(m, s);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<List<List<Result>>>> futures = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                futures.add(pool.submit(() -> {
                    List<List<Result>> runs = new ArrayList<>();
                    for (int i = 0; i < 20; i++) runs.add(play(m, s));
                    return runs;
                }));
            }
            for (Future<List<List<Result>>> f : futures) {
                for (List<Result> r : f.get()) assertSame(r, expected);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
