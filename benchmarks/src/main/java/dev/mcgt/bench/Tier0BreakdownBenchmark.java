package dev.mcgt.bench;

import dev.mcgt.config.Activation;
import dev.mcgt.config.GatePolicy;
import dev.mcgt.gate.GatePacket;
import dev.mcgt.kernel.AttentionBlock;
import dev.mcgt.kernel.KernelProvider;
import dev.mcgt.kernel.Kernels;
import dev.mcgt.kernel.QuantizedMatrix;
import dev.mcgt.model.LayerWeights;
import dev.mcgt.model.ModelWeights;
import dev.mcgt.runtime.GatedTransformer;
import dev.mcgt.runtime.InferBuffers;
import dev.mcgt.runtime.InferInput;
import dev.mcgt.runtime.InferOutput;
import dev.mcgt.runtime.InferState;
import dev.mcgt.runtime.RuntimeOptions;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Where the time of one all-MiniLM-L6-v2 tier-0 inference goes, per operation, on one thread: the inference runs
 * on its kernel wrapped in a decorator that times every kernel call with {@link System#nanoTime} and files it under
 * an operation (the GEMM's weight matrix tells QKV, output projection, FFN up and down apart). The secondary
 * counters {@code <op>Nanos} over {@code calls} give the time per inference of each operation; {@code cpuNanos} is
 * the thread's CPU time; what no kernel call accounts for (embeddings, key lists, residual bookkeeping, pooling,
 * counters) is the wall time minus their sum. The Vector API kernel runs attention through its primitives (scores,
 * softmax, P·V are separate calls); the native kernel runs a whole block of queries in one call ({@code attention}).
 * Timing adds about 50 ns per kernel call, which matters only for the Java path's per-query attention calls.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx2g"})
public class Tier0BreakdownBenchmark {
    private static final GatePacket PASS = new GatePacket(100, 95, 5, 8192, 3, 0);

    /** Kernel: {@code vector}, {@code native} (its best rung) or {@code native-<rung>}. */
    @Param({"vector", "native"})
    public String kernel;

    @Param({"64", "128"})
    public int tokens;

    /** The operations a tier-0 encoder inference is made of. */
    enum Op { QKV, ATTENTION_OUT, FFN_UP, FFN_DOWN, SCORES, SOFTMAX, PV, ATTENTION, GELU, LAYER_NORM, QUANTIZE, RESIDUAL, OTHER }

    /** Per-operation nanoseconds over an iteration, read by {@link Breakdown}. */
    static final long[] NANOS = new long[Op.values().length];

    private GatedTransformer model;
    private InferBuffers buffers;
    private InferOutput output;
    private InferState state;
    private int[] ids;

    @Setup(Level.Trial)
    public void setUp() {
        ModelWeights w = Workloads.miniLm();
        Map<QuantizedMatrix, Op> role = new IdentityHashMap<>();
        for (LayerWeights l : w.layers()) {
            role.put(l.wq(), Op.QKV);
            role.put(l.wk(), Op.QKV);
            role.put(l.wv(), Op.QKV);
            role.put(l.wo(), Op.ATTENTION_OUT);
            role.put(l.w1(), Op.FFN_UP);
            role.put(l.w2(), Op.FFN_DOWN);
        }
        Kernels k = KernelProvider.choose(kernel);
        model = new GatedTransformer(w, GatePolicy.defaults(), RuntimeOptions.defaults(), new Timed(k, role));
        buffers = model.newBuffers();
        output = model.newOutput();
        state = model.newState();
        // tokens ids framed by [CLS] ... [SEP], as MiniLmBenchmark (a config rebuilt with a shorter seqLenMax
        // would refuse the model's window)
        java.util.SplittableRandom r = new java.util.SplittableRandom(7);
        ids = new int[tokens];
        ids[0] = 101;
        for (int i = 1; i < tokens - 1; i++) ids[i] = 1000 + r.nextInt(28000);
        ids[tokens - 1] = 102;
    }

    /** The counters JMH reports: calls, CPU time and each operation's time over the iteration. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Breakdown {
        private static final java.lang.management.ThreadMXBean THREADS =
                java.lang.management.ManagementFactory.getThreadMXBean();
        public long calls;
        public long cpuNanos;
        public long wallNanos;
        public long qkvNanos;
        public long attentionOutNanos;
        public long ffnUpNanos;
        public long ffnDownNanos;
        public long scoresNanos;
        public long softmaxNanos;
        public long pvNanos;
        public long attentionNanos;
        public long geluNanos;
        public long layerNormNanos;
        public long quantizeNanos;
        public long residualNanos;
        public long otherKernelNanos;
        private long cpu0;
        private long wall0;

        @Setup(Level.Iteration)
        public void start() {
            calls = 0;
            java.util.Arrays.fill(NANOS, 0);
            cpu0 = THREADS.getCurrentThreadCpuTime();
            wall0 = System.nanoTime();
        }

        @TearDown(Level.Iteration)
        public void stop() {
            wallNanos = System.nanoTime() - wall0;
            cpuNanos = THREADS.getCurrentThreadCpuTime() - cpu0;
            qkvNanos = NANOS[Op.QKV.ordinal()];
            attentionOutNanos = NANOS[Op.ATTENTION_OUT.ordinal()];
            ffnUpNanos = NANOS[Op.FFN_UP.ordinal()];
            ffnDownNanos = NANOS[Op.FFN_DOWN.ordinal()];
            scoresNanos = NANOS[Op.SCORES.ordinal()];
            softmaxNanos = NANOS[Op.SOFTMAX.ordinal()];
            pvNanos = NANOS[Op.PV.ordinal()];
            attentionNanos = NANOS[Op.ATTENTION.ordinal()];
            geluNanos = NANOS[Op.GELU.ordinal()];
            layerNormNanos = NANOS[Op.LAYER_NORM.ordinal()];
            quantizeNanos = NANOS[Op.QUANTIZE.ordinal()];
            residualNanos = NANOS[Op.RESIDUAL.ordinal()];
            otherKernelNanos = NANOS[Op.OTHER.ordinal()];
        }
    }

    @Benchmark
    public float tier0(Breakdown b) {
        b.calls++;
        state.reset();
        model.infer(InferInput.of(ids, PASS), state, buffers, output);
        return output.output()[0];
    }

    /** A kernel that times each call of its delegate and files the time under the call's operation. */
    static final class Timed implements Kernels {
        private final Kernels k;
        private final Map<QuantizedMatrix, Op> role;
        private final boolean fusedAttention;

        Timed(Kernels k, Map<QuantizedMatrix, Op> role) {
            this.k = k;
            this.role = role;
            this.fusedAttention = k.name().startsWith("native");
        }

        private static void add(Op op, long start) {
            NANOS[op.ordinal()] += System.nanoTime() - start;
        }

        @Override public String name() { return k.name(); }

        @Override public void prepare(QuantizedMatrix w) { k.prepare(w); }

        @Override
        public void gemm(int m, byte[] a, int aOff, float[] s, int sOff, QuantizedMatrix w, float[] out, int outOff) {
            long t = System.nanoTime();
            k.gemm(m, a, aOff, s, sOff, w, out, outOff);
            add(role.getOrDefault(w, Op.OTHER), t);
        }

        @Override
        public void gemmI32(int m, int n, int kLen, byte[] a, int aOff, int lda, byte[] b, int bOff, int ldb, int[] out,
                            int oOff, int ldo) {
            long t = System.nanoTime();
            k.gemmI32(m, n, kLen, a, aOff, lda, b, bOff, ldb, out, oOff, ldo);
            add(Op.SCORES, t);
        }

        @Override
        public void quantizeRows(float[] x, int xOff, int rows, int cols, byte[] q, int qOff, float[] s, int sOff) {
            long t = System.nanoTime();
            k.quantizeRows(x, xOff, rows, cols, q, qOff, s, sOff);
            add(Op.QUANTIZE, t);
        }

        @Override
        public float sum(float[] x, int off, int len) {
            long t = System.nanoTime();
            float r = k.sum(x, off, len);
            add(Op.OTHER, t);
            return r;
        }

        @Override
        public void layerNorm(float[] x, int xOff, int n, float[] g, float[] b, float eps, float[] out, int outOff) {
            long t = System.nanoTime();
            k.layerNorm(x, xOff, n, g, b, eps, out, outOff);
            add(Op.LAYER_NORM, t);
        }

        @Override
        public void layerNormRows(float[] x, int xOff, int rows, int n, float[] g, float[] b, float eps, float[] out,
                                  int outOff) {
            long t = System.nanoTime();
            k.layerNormRows(x, xOff, rows, n, g, b, eps, out, outOff);
            add(Op.LAYER_NORM, t);
        }

        @Override
        public void gelu(float[] x, int off, int len, Activation kind) {
            long t = System.nanoTime();
            k.gelu(x, off, len, kind);
            add(Op.GELU, t);
        }

        @Override
        public void softmax(float[] x, int off, int len) {
            long t = System.nanoTime();
            k.softmax(x, off, len);
            add(Op.SOFTMAX, t);
        }

        @Override
        public void addScaledInt8(float alpha, byte[] v, int vOff, float[] y, int yOff, int len) {
            long t = System.nanoTime();
            k.addScaledInt8(alpha, v, vOff, y, yOff, len);
            add(Op.OTHER, t);
        }

        @Override
        public void addScaledRows(int n, float[] alpha, int aOff, int[] rows, int rOff, float[] v, int vOff, int ldv,
                                  float[] y, int yOff, int len) {
            long t = System.nanoTime();
            k.addScaledRows(n, alpha, aOff, rows, rOff, v, vOff, ldv, y, yOff, len);
            add(Op.PV, t);
        }

        @Override
        public void dotsF32(int m, int n, int len, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                            float[] out, int oOff, int ldo) {
            long t = System.nanoTime();
            k.dotsF32(m, n, len, a, aOff, lda, b, bOff, ldb, out, oOff, ldo);
            add(Op.OTHER, t);
        }

        @Override
        public int addAndArgMax(double[] key, double[] w, int wOff, int m) {
            long t = System.nanoTime();
            int r = k.addAndArgMax(key, w, wOff, m);
            add(Op.OTHER, t);
            return r;
        }

        @Override
        public double minCut(double[] g, int n, double[] key, int[] owner, boolean[] side) {
            long t = System.nanoTime();
            double r = k.minCut(g, n, key, owner, side);
            add(Op.OTHER, t);
            return r;
        }

        @Override
        public void add(float[] x, int xOff, float[] y, int yOff, int len) {
            long t = System.nanoTime();
            k.add(x, xOff, y, yOff, len);
            add(Op.RESIDUAL, t);
        }

        @Override
        public void attendBlock(AttentionBlock at) {
            if (!fusedAttention) {
                at.computeWith(this); // the reference through this decorator: scores, softmax, P·V timed apart
                return;
            }
            long t = System.nanoTime();
            k.attendBlock(at);
            add(Op.ATTENTION, t);
        }
    }
}
