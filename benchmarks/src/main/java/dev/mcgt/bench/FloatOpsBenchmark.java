package dev.mcgt.bench;

import dev.mcgt.config.Activation;
import dev.mcgt.kernel.KernelProvider;
import dev.mcgt.kernel.Kernels;
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
 * The float operations of a MiniLM layer at 128 tokens, one call each, one thread: GELU (erf form) over the FFN's
 * 128 × 1536 values, softmax over 64 rows of 128 scores (one attention block's query rows of one head), LayerNorm
 * over 128 rows of 384 and quantization of 128 rows of 1536. Inputs are restored from a copy before each call (the
 * copy is part of the time, the same for every kernel). Kernel: {@code scalar}, {@code vector}, {@code native}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class FloatOpsBenchmark {
    @Param({"vector", "native"})
    public String kernel;

    private Kernels k;
    private float[] ffn;
    private float[] work;
    private float[] scores;
    private float[] hidden;
    private float[] gamma;
    private float[] beta;
    private float[] normed;
    private byte[] q;
    private float[] qScale;

    @Setup(Level.Trial)
    public void setUp() {
        k = KernelProvider.choose(kernel);
        SplittableRandom r = new SplittableRandom(7);
        ffn = new float[128 * 1536];
        for (int i = 0; i < ffn.length; i++) ffn[i] = (float) (r.nextGaussian() * 2);
        work = new float[ffn.length];
        scores = new float[64 * 128];
        for (int i = 0; i < scores.length; i++) scores[i] = (float) (r.nextGaussian() * 3);
        hidden = new float[128 * 384];
        for (int i = 0; i < hidden.length; i++) hidden[i] = (float) r.nextGaussian();
        gamma = new float[384];
        beta = new float[384];
        java.util.Arrays.fill(gamma, 1f);
        normed = new float[hidden.length];
        q = new byte[ffn.length];
        qScale = new float[128];
    }

    @Benchmark
    public float gelu() {
        System.arraycopy(ffn, 0, work, 0, ffn.length);
        k.gelu(work, 0, work.length, Activation.GELU_ERF);
        return work[7];
    }

    @Benchmark
    public float softmax() {
        System.arraycopy(scores, 0, work, 0, scores.length);
        for (int row = 0; row < 64; row++) k.softmax(work, row * 128, 128);
        return work[7];
    }

    @Benchmark
    public float layerNorm() {
        k.layerNormRows(hidden, 0, 128, 384, gamma, beta, 1e-12f, normed, 0);
        return normed[7];
    }

    @Benchmark
    public float quantize() {
        k.quantizeRows(ffn, 0, 128, 1536, q, 0, qScale, 0);
        return qScale[7];
    }
}
