package dev.mcgt.bench;

import dev.mcgt.kernel.KernelProvider;
import dev.mcgt.kernel.Kernels;
import dev.mcgt.kernel.QuantizedMatrix;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Whether batching the chunks of several short documents into one GEMM pays (issue 18 item 5, measurement only):
 * 128 activation rows through one of all-MiniLM-L6-v2's linear layers, either as one M = 128 call ({@code 1x128}),
 * two M = 64 calls ({@code 2x64}) or four M = 32 calls ({@code 4x32}) against the same prepared weights. Every
 * variant does the same 128·K·N multiply-accumulates per benchmark call, so the average times (and the
 * {@code cpuNanos}/{@code calls} CPU time per call) compare directly; GMAC/s = 128·K·N / time.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class GemmBatchingBenchmark {
    private static final int ROWS = 128;

    /** A kernel name for {@link KernelProvider#choose}: {@code native}, {@code vector}, {@code vector-256}, …. */
    @Param({"native", "vector"})
    public String kernel;

    /** K x N of the layer: MiniLM's QKV and output projection, FFN up, FFN down. */
    @Param({"384x384", "384x1536", "1536x384"})
    public String layer;

    /** How the 128 rows are split: calls x rows per call. */
    @Param({"1x128", "2x64", "4x32"})
    public String split;

    private Kernels k;
    private int calls;
    private int rowsPerCall;
    private int kLen;
    private int n;
    private byte[] a;
    private float[] aScales;
    private QuantizedMatrix w;
    private float[] out;

    @Setup(Level.Trial)
    public void setUp() {
        String[] d = layer.split("x");
        kLen = Integer.parseInt(d[0]);
        n = Integer.parseInt(d[1]);
        String[] s = split.split("x");
        calls = Integer.parseInt(s[0]);
        rowsPerCall = Integer.parseInt(s[1]);
        if (calls * rowsPerCall != ROWS) throw new IllegalArgumentException("split must cover 128 rows: " + split);
        k = KernelProvider.choose(kernel);
        SplittableRandom rnd = new SplittableRandom(42);
        a = GemmBenchmark.randomActivations(rnd, ROWS, kLen);
        aScales = GemmBenchmark.randomScales(rnd, ROWS);
        w = GemmBenchmark.randomLayer(rnd, n, kLen);
        k.prepare(w);
        out = new float[ROWS * n];
    }

    @Benchmark
    public float rows128(CpuTime cpu) {
        for (int c = 0; c < calls; c++) {
            int r0 = c * rowsPerCall;
            k.gemm(rowsPerCall, a, r0 * kLen, aScales, r0, w, out, r0 * n);
        }
        cpu.calls++;
        return out[0];
    }
}
