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
 * One quantized linear layer ({@link Kernels#gemm}) per call, one thread, M×K×N = activation rows × input
 * features × output features, weights prepared beforehand as at model load. The score is the average time per
 * call; {@code scripts/bench.sh} turns it into GMAC/s (M·K·N multiply-accumulates per call). The secondary
 * counters {@code calls} and {@code cpuNanos} give the benchmark thread's CPU time per call as well, which on a
 * shared machine excludes the time the thread waited for a core.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class GemmBenchmark {

    /**
     * {@code scalar}, {@code vector} (the Vector API kernel at the width this CPU prefers), {@code vector-256},
     * {@code vector-512}, {@code native} (the best rung this CPU runs) or a native rung by name
     * ({@code native-avx2}, {@code native-avx-vnni}, {@code native-avx512-vnni}, {@code native-amx}).
     */
    @Param({"scalar", "vector", "native"})
    public String kernel;

    /**
     * M x K x N: the four shapes of the C ceiling tool (which names them m×n×k: 32×128×128, 32×512×128,
     * 64×256×256, 64×1024×256), then all-MiniLM-L6-v2's at 128 tokens (QKV and output projection, FFN up, FFN down).
     */
    @Param({"32x128x128", "32x128x512", "64x256x256", "64x256x1024", "128x384x384", "128x384x1536", "128x1536x384"})
    public String shape;

    private Kernels k;
    private int m;
    private byte[] a;
    private float[] aScales;
    private QuantizedMatrix w;
    private float[] out;

    @Setup(Level.Trial)
    public void setUp() {
        String[] dims = shape.split("x");
        m = Integer.parseInt(dims[0]);
        int kLen = Integer.parseInt(dims[1]);
        int n = Integer.parseInt(dims[2]);
        k = KernelProvider.choose(kernel);
        SplittableRandom rnd = new SplittableRandom(42);
        a = randomActivations(rnd, m, kLen);
        aScales = randomScales(rnd, m);
        w = randomLayer(rnd, n, kLen);
        k.prepare(w);
        out = new float[m * n];
    }

    /** m rows of k int8 activations, uniform in [-127, 127]. */
    static byte[] randomActivations(SplittableRandom rnd, int m, int kLen) {
        byte[] a = new byte[m * kLen];
        for (int i = 0; i < a.length; i++) a[i] = (byte) (rnd.nextInt(255) - 127);
        return a;
    }

    /** m activation scales in [0.01, 0.02). */
    static float[] randomScales(SplittableRandom rnd, int m) {
        float[] s = new float[m];
        for (int i = 0; i < m; i++) s[i] = 0.01f + 0.01f * (float) rnd.nextDouble();
        return s;
    }

    /** A quantized n × k layer of Gaussian weights with a Gaussian bias. */
    static QuantizedMatrix randomLayer(SplittableRandom rnd, int n, int kLen) {
        float[] wf = new float[n * kLen];
        for (int i = 0; i < wf.length; i++) wf[i] = (float) rnd.nextGaussian();
        float[] bias = new float[n];
        for (int i = 0; i < n; i++) bias[i] = (float) rnd.nextGaussian();
        return QuantizedMatrix.quantize(n, kLen, wf, bias);
    }

    @Benchmark
    public float gemm(CpuTime cpu) {
        k.gemm(m, a, 0, aScales, 0, w, out, 0);
        cpu.calls++;
        return out[0];
    }

}
