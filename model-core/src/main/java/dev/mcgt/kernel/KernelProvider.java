package dev.mcgt.kernel;

import dev.mcgt.McgtException;
import dev.mcgt.config.Activation;

import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Chooses the {@link Kernels} implementation once per JVM, best first:
 * <ol>
 *   <li>the native kernel ({@link NativeKernels}: C through JNI, built into the jar by the Maven build) at the best
 *       rung of its ladder this CPU runs (AMX-INT8, AVX-512 VNNI, AVX-VNNI, AVX2), when the library loads and a
 *       self-test on random shapes matches the scalar kernel bit for bit;</li>
 *   <li>the Vector API kernel, when the {@code jdk.incubator.vector} module is in the boot layer (run with
 *       {@code --add-modules jdk.incubator.vector}), its class loads and its self-test passes; its GEMMs run on
 *       512-bit vectors ({@code vector-512}) where the CPU's preferred vector width is 512 bits (AVX-512), else on
 *       256-bit ones ({@code vector-256}); {@value #VECTOR_WIDTH_PROPERTY} ({@code auto}, {@code 256},
 *       {@code 512}) overrides that;</li>
 *   <li>the scalar kernel, which always runs.</li>
 * </ol>
 * The system property {@value #PROPERTY} ({@code auto} by default, {@code native}, {@code native-<rung>},
 * {@code vector}, {@code vector-256}, {@code vector-512} or {@code scalar}) forces a choice, failing clearly when the forced kernel cannot run; {@value #RUNG_PROPERTY}
 * ({@code auto} by default, or a rung: {@code amx}, {@code avx512-vnni}, {@code avx-vnni}, {@code avx2}) picks the
 * native rung. The choice and, for every kernel passed over, the reason are logged once through
 * {@link System#getLogger}.
 */
public final class KernelProvider {
    /** The system property that selects the kernel: {@code auto}, {@code native}, {@code vector} or {@code scalar}. */
    public static final String PROPERTY = "mcgt.kernel";
    /** The system property that selects the native kernel's rung: {@code auto} or a rung name. */
    public static final String RUNG_PROPERTY = "mcgt.native.rung";
    /** The system property that selects the Vector API kernel's GEMM width: {@code auto}, {@code 256} or {@code 512}. */
    public static final String VECTOR_WIDTH_PROPERTY = "mcgt.vector.width";

    private static final String VECTOR_MODULE = "jdk.incubator.vector";
    private static final String VECTOR_CLASS = "dev.mcgt.kernel.VectorKernels";
    private static final System.Logger LOG = System.getLogger(KernelProvider.class.getName());

    private static volatile Kernels chosen;
    private static volatile Optional<Kernels> vector;
    private static volatile String vectorProblem;
    private static volatile List<Kernels> vectorWidths;
    private static volatile List<Kernels> nativeRungs;
    private static volatile String nativeProblem;

    private KernelProvider() { }

    /**
     * The kernel for this JVM, chosen on first call (see the class comment).
     *
     * @throws McgtException if {@code mcgt.kernel} has an unknown value, or names a kernel that is unavailable or
     *                       fails its self-test
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
     * The Vector API kernel at every width this machine runs ({@code vector-256}, then {@code vector-512} where the
     * CPU prefers 512-bit vectors), no self-test; empty when the Vector API kernel is unavailable. For tests and
     * benchmarks that compare them.
     */
    public static List<Kernels> vectorWidths() {
        List<Kernels> w = vectorWidths;
        if (w != null) return w;
        synchronized (KernelProvider.class) {
            if (vectorWidths == null) {
                List<Kernels> list = new java.util.ArrayList<>();
                Kernels v = vector().orElse(null);
                if (v != null) {
                    for (String width : List.of("256", "512")) {
                        if (v.name().equals("vector-" + width)) {
                            list.add(v);
                            continue;
                        }
                        try {
                            list.add(newVector(width));
                        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
                            // this width does not run here (512 bits without AVX-512)
                        }
                    }
                }
                vectorWidths = List.copyOf(list);
            }
            return vectorWidths;
        }
    }

    /**
     * The native kernel at the rung {@value #RUNG_PROPERTY} asks for (the best this CPU supports by default) if the
     * library loads and the CPU supports that rung (no self-test), else empty; {@link #nativeProblem} says why.
     */
    public static Optional<Kernels> nativeKernel() {
        List<Kernels> rungs = nativeRungs();
        if (rungs.isEmpty()) return Optional.empty();
        String want = System.getProperty(RUNG_PROPERTY, "auto").trim().toLowerCase(java.util.Locale.ROOT);
        if (want.equals("auto")) return Optional.of(rungs.get(rungs.size() - 1));
        for (Kernels k : rungs) {
            if (((NativeKernels) k).rung().label.equals(want)) return Optional.of(k);
        }
        return Optional.empty();
    }

    /** Why {@link #nativeKernel} is empty (null when it is not). */
    public static String nativeProblem() {
        if (nativeKernel().isPresent()) return null;
        if (nativeProblem != null) return nativeProblem;
        String want = System.getProperty(RUNG_PROPERTY, "auto").trim();
        if (NativeKernels.Rung.parse(want) == null) {
            return "system property " + RUNG_PROPERTY + " must be auto, amx, avx512-vnni, avx-vnni or avx2, got '"
                    + want + "'";
        }
        return "this CPU does not support the native rung '" + want + "' (" + CpuInfo.summary() + ")";
    }

    /**
     * Every rung of the native kernel this machine runs, slowest first (empty when the library is not built or
     * does not load); for tests and benchmarks that compare them.
     */
    public static List<Kernels> nativeRungs() {
        List<Kernels> r = nativeRungs;
        if (r != null) return r;
        synchronized (KernelProvider.class) {
            if (nativeRungs == null) nativeRungs = loadNative();
            return nativeRungs;
        }
    }

    /**
     * The kernel for a mode, {@code auto}, {@code native}, {@code vector} or {@code scalar} (the values of
     * {@code mcgt.kernel}): native and vector only after their self-tests pass; a forced kernel that cannot run
     * fails clearly, {@code auto} falls back and logs why.
     */
    public static Kernels choose(String mode) {
        String m = mode.trim().toLowerCase(java.util.Locale.ROOT);
        switch (m) {
            case "scalar" -> {
                LOG.log(Level.INFO, "mcgt kernel: scalar (forced by -D" + PROPERTY + "=scalar)");
                return scalar();
            }
            case "vector" -> {
                String problem = vectorUsable();
                if (problem != null) {
                    throw McgtException.unsupported("vector kernel requested (-D" + PROPERTY + "=vector) but unavailable: "
                            + problem);
                }
                LOG.log(Level.INFO, "mcgt kernel: " + vector().orElseThrow().name() + " (Vector API, "
                        + vectorWidthReason(vector().orElseThrow()) + ", self-test passed)");
                return vector().orElseThrow();
            }
            case "vector-256", "vector-512" -> {
                return chooseVectorWidth(m.substring("vector-".length()));
            }
            case "native" -> {
                String problem = nativeUsable();
                if (problem != null) {
                    throw McgtException.unsupported("native kernel requested (-D" + PROPERTY + "=native) but unavailable: "
                            + problem);
                }
                logNative();
                return nativeKernel().orElseThrow();
            }
            case "auto" -> {
                String nativeWhy = nativeUsable();
                if (nativeWhy == null) {
                    logNative();
                    return nativeKernel().orElseThrow();
                }
                String vectorWhy = vectorUsable();
                if (vectorWhy == null) {
                    LOG.log(Level.INFO, "mcgt kernel: " + vector().orElseThrow().name() + " (Vector API, "
                            + vectorWidthReason(vector().orElseThrow()) + ", self-test passed; native kernel unavailable: "
                            + nativeWhy + ")");
                    return vector().orElseThrow();
                }
                LOG.log(Level.INFO, "mcgt kernel: scalar (native kernel unavailable: " + nativeWhy
                        + "; vector kernel unavailable: " + vectorWhy + ")");
                return scalar();
            }
            default -> {
                if (m.startsWith("native-")) return chooseRung(m.substring("native-".length()));
                throw McgtException.badConfig("system property " + PROPERTY
                        + " must be auto, native, native-<rung>, vector, vector-256, vector-512 or scalar, got '" + mode + "'");
            }
        }
    }

    /** The Vector API kernel at a forced width, after its self-test; fails clearly when it cannot run. */
    private static Kernels chooseVectorWidth(String width) {
        if (vector().isEmpty()) {
            throw McgtException.unsupported("vector kernel vector-" + width + " requested but unavailable: " + vectorProblem);
        }
        Kernels k;
        try {
            k = vector().get().name().equals("vector-" + width) ? vector().get() : newVector(width);
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            Throwable cause = e instanceof java.lang.reflect.InvocationTargetException ite ? ite.getCause() : e;
            throw McgtException.unsupported("vector kernel vector-" + width + " requested but unavailable: "
                    + cause.getMessage());
        }
        String problem = selfTest(k);
        if (problem != null) throw McgtException.unsupported(k.name() + " failed its self-test: " + problem);
        LOG.log(Level.INFO, "mcgt kernel: " + k.name() + " (Vector API, forced, " + vectorWidthReason(k)
                + ", self-test passed)");
        return k;
    }

    /** Why the Vector API kernel runs its GEMMs at the width it does, for the log. */
    private static String vectorWidthReason(Kernels k) {
        return k instanceof VectorKernels v ? v.widthReason() : k.name();
    }

    /** The native kernel at a named rung, after its self-test; fails clearly when it cannot run. */
    private static Kernels chooseRung(String label) {
        NativeKernels.Rung rung = NativeKernels.Rung.parse(label);
        if (rung == null) {
            throw McgtException.badConfig("unknown native rung '" + label + "': use amx, avx512-vnni, avx-vnni or avx2");
        }
        for (Kernels k : nativeRungs()) {
            if (((NativeKernels) k).rung() == rung) {
                String problem = selfTest(k);
                if (problem != null) throw McgtException.unsupported(k.name() + " failed its self-test: " + problem);
                LOG.log(Level.INFO, "mcgt kernel: " + k.name() + " (native, forced, " + CpuInfo.summary() + ", self-test passed)");
                return k;
            }
        }
        String why = nativeRungs().isEmpty() ? nativeProblem : "this CPU does not support it (" + CpuInfo.summary() + ")";
        throw McgtException.unsupported("native kernel rung '" + label + "' requested but unavailable: " + why);
    }

    private static void logNative() {
        Kernels k = nativeKernel().orElseThrow();
        LOG.log(Level.INFO, "mcgt kernel: " + k.name() + " (native, " + CpuInfo.summary() + ", self-test passed)");
    }

    /** Null when the vector kernel loads and passes its self-test, else why not. */
    private static String vectorUsable() {
        Optional<Kernels> v = vector();
        return v.isEmpty() ? vectorProblem : selfTest(v.get());
    }

    /** Null when the native kernel loads at the requested rung and passes its self-test, else why not. */
    private static String nativeUsable() {
        Optional<Kernels> n = nativeKernel();
        if (n.isEmpty()) return nativeProblem();
        String problem = selfTest(n.get());
        return problem == null ? null : n.get().name() + " " + problem;
    }

    private static Optional<Kernels> loadVector() {
        if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
            vectorProblem = "module " + VECTOR_MODULE + " not present (run with --add-modules " + VECTOR_MODULE + ")";
            return Optional.empty();
        }
        try {
            return Optional.of(newVector(System.getProperty(VECTOR_WIDTH_PROPERTY, "auto").trim()));
        } catch (java.lang.reflect.InvocationTargetException e) {
            vectorProblem = "cannot create " + VECTOR_CLASS + ": " + e.getCause();
            return Optional.empty();
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            vectorProblem = "cannot load " + VECTOR_CLASS + ": " + e;
            return Optional.empty();
        }
    }

    /** A new Vector API kernel at a width ({@code auto}, {@code 256} or {@code 512}), loaded by reflection. */
    private static Kernels newVector(String width) throws ReflectiveOperationException {
        Class<?> c = Class.forName(VECTOR_CLASS);
        return (Kernels) c.getDeclaredConstructor(String.class).newInstance(width);
    }

    private static List<Kernels> loadNative() {
        String problem = NativeLibrary.load();
        if (problem != null) {
            nativeProblem = problem;
            return List.of();
        }
        try {
            java.util.EnumSet<NativeKernels.Rung> rungs = NativeKernels.supportedRungs();
            if (rungs.isEmpty()) {
                nativeProblem = "this CPU lacks AVX2, the native kernel's lowest rung (" + CpuInfo.summary() + ")";
                return List.of();
            }
            // the native kernel delegates what is off the hot path to the best Java kernel that passes its self-test
            Kernels fallback = vectorUsable() == null ? vector().orElseThrow() : scalar();
            List<Kernels> list = new java.util.ArrayList<>();
            for (NativeKernels.Rung r : rungs) list.add(new NativeKernels(r, fallback));
            return List.copyOf(list);
        } catch (LinkageError | RuntimeException e) {
            nativeProblem = "native kernel library does not link: " + e;
            return List.of();
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
        // minimum cuts of small graphs: tied weights (many equal keys), random ones, one with a zero cut
        for (int n : new int[] {0, 1, 2, 3, 5, 9, 17, 33}) {
            for (int kind = 0; kind < 3; kind++) {
                double[] g = new double[n * n];
                for (int i = 0; i < n; i++) {
                    for (int j = i + 1; j < n; j++) {
                        double x = switch (kind) {
                            case 0 -> rnd.nextInt(3) * 0.25;
                            case 1 -> rnd.nextDouble();
                            default -> (i < n / 2) == (j < n / 2) ? 0.5 : 0.0;
                        };
                        g[i * n + j] = x;
                        g[j * n + i] = x;
                    }
                }
                double[] g2 = g.clone();
                int[] o1 = new int[n];
                int[] o2 = new int[n];
                boolean[] side1 = new boolean[n];
                boolean[] side2 = new boolean[n];
                double c1 = v.minCut(g, n, new double[n], o1, side1);
                double c2 = s.minCut(g2, n, new double[n], o2, side2);
                if (Double.doubleToRawLongBits(c1) != Double.doubleToRawLongBits(c2) || !Arrays.equals(side1, side2)) {
                    return "minCut differs at " + n + " vertices";
                }
            }
        }
        // an attention block over two heads with a sliding window, and LayerNorm over rows
        int heads = 2, hd = 16, qb = 9, keys = 13, d = heads * hd, stride = keys;
        byte[] q = randomBytes(rnd, qb * d);
        byte[] k = randomBytes(rnd, keys * d);
        byte[] val = randomBytes(rnd, keys * d);
        float[] qs = randomFloats(rnd, qb * heads, 0.001f, 0.1f);
        float[] ks = randomFloats(rnd, keys * heads, 0.001f, 0.1f);
        float[] vs = randomFloats(rnd, keys * heads, 0.001f, 0.1f);
        int[] list = new int[qb * stride];
        int[] count = new int[qb];
        for (int r = 0; r < qb; r++) {
            for (int j = 0; j < keys; j++) {
                if (Math.abs(j - r) < 5 || r % 2 == 0) list[r * stride + count[r]++] = j;
            }
        }
        float[] o1 = new float[qb * d];
        float[] o2 = new float[qb * d];
        v.attendBlock(new AttentionBlock(heads, hd, qb, keys).operands(q, qs, k, ks, val, vs, list, stride, count, o1)
                .scoreScale(0.25f).block(qb, 0, 0, 0, keys, 0));
        s.attendBlock(new AttentionBlock(heads, hd, qb, keys).operands(q, qs, k, ks, val, vs, list, stride, count, o2)
                .scoreScale(0.25f).block(qb, 0, 0, 0, keys, 0));
        if (!sameBits(o1, o2)) return "attendBlock differs";
        float[] x = randomFloats(rnd, 3 * 37, -4f, 4f);
        float[] g = randomFloats(rnd, 37, 0.5f, 1.5f);
        float[] b = randomFloats(rnd, 37, -0.5f, 0.5f);
        float[] n1 = new float[3 * 37];
        float[] n2 = new float[3 * 37];
        v.layerNormRows(x, 0, 3, 37, g, b, 1e-5f, n1, 0);
        s.layerNormRows(x, 0, 3, 37, g, b, 1e-5f, n2, 0);
        if (!sameBits(n1, n2)) return "layerNormRows differs";
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
