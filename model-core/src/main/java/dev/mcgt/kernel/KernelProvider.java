package dev.mcgt.kernel;

import dev.mcgt.McgtException;
import dev.mcgt.config.Activation;

import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Chooses the {@link Kernels} implementation once per JVM. The Vector API kernel is used when the
 * {@code jdk.incubator.vector} module is in the boot layer (run with {@code --add-modules jdk.incubator.vector}),
 * its class loads, and a self-test on random shapes matches the scalar kernel bit for bit; otherwise the scalar
 * kernel runs. The system property {@code mcgt.kernel} ({@code auto} by default, {@code scalar} or
 * {@code vector}) overrides the choice; {@code vector} fails with a clear error when the vector kernel cannot
 * be used. The choice is logged once through {@link System#getLogger}.
 */
public final class KernelProvider {
    /** The system property that selects the kernel: {@code auto}, {@code scalar} or {@code vector}. */
    public static final String PROPERTY = "mcgt.kernel";

    private static final String VECTOR_MODULE = "jdk.incubator.vector";
    private static final String VECTOR_CLASS = "dev.mcgt.kernel.VectorKernels";
    private static final System.Logger LOG = System.getLogger(KernelProvider.class.getName());

    private static volatile Kernels chosen;
    private static volatile Optional<Kernels> vector;
    private static volatile String vectorProblem;

    private KernelProvider() { }

    /**
     * The kernel for this JVM, chosen on first call (see the class comment).
     *
     * @throws McgtException if {@code mcgt.kernel} has an unknown value, or is {@code vector} and the vector
     *                       kernel is unavailable or fails its self-test
     */
    public static Kernels get() {
        Kernels k = chosen;
        if (k != null) return k;
        synchronized (KernelProvider.class) {
            if (chosen == null) chosen = choose(System.getProperty(PROPERTY, "auto"));
            return chosen;
        }
    }

    /** The plain-Java kernel (always available). */
    public static Kernels scalar() {
        return ScalarKernels.INSTANCE;
    }

    /**
     * The Vector API kernel if its module is present and its class loads (no self-test), else empty.
     */
    public static Optional<Kernels> vector() {
        Optional<Kernels> v = vector;
        if (v != null) return v;
        synchronized (KernelProvider.class) {
            if (vector == null) vector = loadVector();
            return vector;
        }
    }

    /**
     * The kernel for a mode, {@code auto}, {@code scalar} or {@code vector} (the values of {@code mcgt.kernel}):
     * vector only after its self-test passes; {@code vector} fails clearly when it cannot run.
     */
    public static Kernels choose(String mode) {
        String m = mode.trim().toLowerCase(java.util.Locale.ROOT);
        switch (m) {
            case "scalar" -> {
                LOG.log(Level.INFO, "mcgt kernel: scalar (forced by -D" + PROPERTY + "=scalar)");
                return scalar();
            }
            case "vector", "auto" -> {
                Optional<Kernels> v = vector();
                String problem = v.isEmpty() ? vectorProblem : selfTest(v.get());
                if (problem == null) {
                    LOG.log(Level.INFO, "mcgt kernel: " + v.get().name() + " (Vector API, self-test passed)");
                    return v.get();
                }
                if (m.equals("vector")) {
                    throw McgtException.unsupported("vector kernel requested (-D" + PROPERTY
                            + "=vector) but unavailable: " + problem);
                }
                LOG.log(Level.INFO, "mcgt kernel: scalar (vector kernel unavailable: " + problem + ")");
                return scalar();
            }
            default -> throw McgtException.badConfig("system property " + PROPERTY
                    + " must be auto, scalar or vector, got '" + mode + "'");
        }
    }

    private static Optional<Kernels> loadVector() {
        if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
            vectorProblem = "module " + VECTOR_MODULE + " not present (run with --add-modules " + VECTOR_MODULE + ")";
            return Optional.empty();
        }
        try {
            Class<?> c = Class.forName(VECTOR_CLASS);
            return Optional.of((Kernels) c.getDeclaredConstructor().newInstance());
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            vectorProblem = "cannot load " + VECTOR_CLASS + ": " + e;
            return Optional.empty();
        }
    }

    /**
     * Runs every method of {@code candidate} and of the scalar kernel on a few random and odd shapes and
     * returns null when all results are bit-identical, else a description of the first difference.
     */
    static String selfTest(Kernels candidate) {
        try {
            return runSelfTest(candidate, scalar());
        } catch (RuntimeException | LinkageError e) {
            return "self-test threw " + e;
        }
    }

    private static String runSelfTest(Kernels v, Kernels s) {
        SplittableRandom rnd = new SplittableRandom(0x6d636774L);
        int[][] shapes = {{1, 1, 1}, {5, 37, 11}, {4, 64, 16}, {9, 100, 19}, {2, 1030, 3}};
        for (int[] sh : shapes) {
            int m = sh[0], k = sh[1], n = sh[2];
            byte[] a = randomBytes(rnd, m * k);
            float[] as = randomFloats(rnd, m, 0.001f, 0.1f);
            QuantizedMatrix w = new QuantizedMatrix(n, k, randomBytes(rnd, n * k), randomFloats(rnd, n, 0.001f, 0.1f),
                    rnd.nextBoolean() ? randomFloats(rnd, n, -1f, 1f) : null);
            float[] o1 = new float[m * n];
            float[] o2 = new float[m * n];
            v.gemm(m, a, 0, as, 0, w, o1, 0);
            s.gemm(m, a, 0, as, 0, w, o2, 0);
            if (!sameBits(o1, o2)) return "gemm differs at " + Arrays.toString(sh);
            int[] i1 = new int[m * n];
            int[] i2 = new int[m * n];
            v.gemmI32(m, n, k, a, 0, k, w.weights(), 0, k, i1, 0, n);
            s.gemmI32(m, n, k, a, 0, k, w.weights(), 0, k, i2, 0, n);
            if (!Arrays.equals(i1, i2)) return "gemmI32 differs at " + Arrays.toString(sh);
        }
        for (int len : new int[] {0, 1, 7, 8, 9, 31, 33, 100}) {
            float[] x = randomFloats(rnd, len, -8f, 8f);
            if (Float.floatToRawIntBits(v.sum(x, 0, len)) != Float.floatToRawIntBits(s.sum(x, 0, len))) {
                return "sum differs at length " + len;
            }
            byte[] q1 = new byte[len];
            byte[] q2 = new byte[len];
            float[] sc1 = new float[1];
            float[] sc2 = new float[1];
            v.quantizeRows(x, 0, 1, len, q1, 0, sc1, 0);
            s.quantizeRows(x, 0, 1, len, q2, 0, sc2, 0);
            if (!Arrays.equals(q1, q2) || !sameBits(sc1, sc2)) return "quantizeRows differs at length " + len;
            float[] gamma = randomFloats(rnd, len, 0.5f, 1.5f);
            float[] beta = randomFloats(rnd, len, -0.5f, 0.5f);
            float[] y1 = new float[len];
            float[] y2 = new float[len];
            v.layerNorm(x, 0, len, gamma, beta, 1e-5f, y1, 0);
            s.layerNorm(x, 0, len, gamma, beta, 1e-5f, y2, 0);
            if (!sameBits(y1, y2)) return "layerNorm differs at length " + len;
            for (Activation act : Activation.values()) {
                float[] g1 = x.clone();
                float[] g2 = x.clone();
                v.gelu(g1, 0, len, act);
                s.gelu(g2, 0, len, act);
                if (!sameBits(g1, g2)) return "gelu " + act + " differs at length " + len;
            }
            float[] e1 = x.clone();
            float[] e2 = x.clone();
            v.softmax(e1, 0, len);
            s.softmax(e2, 0, len);
            if (!sameBits(e1, e2)) return "softmax differs at length " + len;
            byte[] b = randomBytes(rnd, len);
            float[] a1 = x.clone();
            float[] a2 = x.clone();
            v.addScaledInt8(0.37f, b, 0, a1, 0, len);
            s.addScaledInt8(0.37f, b, 0, a2, 0, len);
            v.add(gamma, 0, a1, 0, len);
            s.add(gamma, 0, a2, 0, len);
            if (!sameBits(a1, a2)) return "addScaledInt8/add differs at length " + len;
            int rowsN = 1 + len % 5;
            int[] rows = new int[rowsN];
            float[] alpha = randomFloats(rnd, rowsN, -1f, 1f);
            for (int i = 0; i < rowsN; i++) rows[i] = rnd.nextInt(3);
            float[] vf = randomFloats(rnd, 3 * len + 1, -100f, 100f);
            v.addScaledRows(rowsN, alpha, 0, rows, 0, vf, 1, len, a1, 0, len);
            s.addScaledRows(rowsN, alpha, 0, rows, 0, vf, 1, len, a2, 0, len);
            if (!sameBits(a1, a2)) return "addScaledRows differs at length " + len;
            float[] rowsF = randomFloats(rnd, 5 * len + 2, -3f, 3f);
            float[] d1 = new float[6];
            float[] d2 = new float[6];
            v.dotsF32(1, 5, len, rowsF, 1, len, rowsF, 2, len, d1, 0, 6);
            s.dotsF32(1, 5, len, rowsF, 1, len, rowsF, 2, len, d2, 0, 6);
            if (!sameBits(d1, d2)) return "dotsF32 differs at length " + len;
            double[] k1 = new double[len];
            double[] k2 = new double[len];
            double[] wRow = new double[len + 1];
            for (int i = 0; i < len; i++) {
                k1[i] = rnd.nextInt(4) == 0 ? Double.NEGATIVE_INFINITY : rnd.nextInt(3) * 0.25;
                k2[i] = k1[i];
                wRow[i + 1] = rnd.nextInt(3) * 0.5;
            }
            if (v.addAndArgMax(k1, wRow, 1, len) != s.addAndArgMax(k2, wRow, 1, len) || !Arrays.equals(k1, k2)) {
                return "addAndArgMax differs at length " + len;
            }
        }
        return null;
    }

    private static boolean sameBits(float[] x, float[] y) {
        if (x.length != y.length) return false;
        for (int i = 0; i < x.length; i++) {
            if (Float.floatToRawIntBits(x[i]) != Float.floatToRawIntBits(y[i])) return false;
        }
        return true;
    }

    private static byte[] randomBytes(SplittableRandom rnd, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (rnd.nextInt(256) - 128);
        return b;
    }

    private static float[] randomFloats(SplittableRandom rnd, int n, float lo, float hi) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) f[i] = lo + (hi - lo) * (float) rnd.nextDouble();
        return f;
    }
}
