package dev.mcgt.scoring;

import dev.mcgt.McgtException;
import java.util.List;

/**
 * A per-model affine map from a reduced tier's chunk vector to the final layer's chunk vector (the "tuned lens"
 * idea: a linear read-out of an intermediate layer in the last layer's space), fitted by ridge least squares on
 * pairs measured on a calibration sample. {@link #apply} gives {@code normalise(W·x + b)}; a lens {@code withSketch}
 * reads the chunk's sketch too (the normalised mean of its token embeddings, which every scored chunk has): its
 * input is {@code [x; sketch]}, so the map also sees the tokens a reduced tier left out.
 *
 * <p>Fitting solves the normal equations {@code (XᵀX + α·I)·[W b]ᵀ = XᵀY + α·W₀ᵀ} in double precision (the bias
 * column is not penalised) with a Cholesky factorisation, W₀ the prior: zero, or the identity on the vector part
 * (for a source already in the final space, see {@link Prior}); application is plain sequential f32 in a fixed
 * order, so the same lens gives the same bits on every machine and thread. Immutable.
 *
 * @param modelFingerprint the model the pairs were measured on (a lens only fits that model)
 * @param source           which reduced tier's vectors it maps (e.g. {@code truncated})
 * @param dimension        vector width d
 * @param weights          W, d×inputs row-major (inputs = d, or 2d with the sketch): out[i] = Σ_j W[i·inputs + j]·in[j]
 *                         + bias[i]
 * @param bias             b, d values
 * @param ridge            the α it was fitted with
 * @param pairs            how many pairs it was fitted on
 * @param prior            what the ridge shrinks W toward
 * @param withSketch       whether the input is the vector followed by the chunk's sketch
 */
public record TunedLens(String modelFingerprint, String source, int dimension, float[] weights, float[] bias,
                        double ridge, int pairs, Prior prior, boolean withSketch) {
    /** What the ridge shrinks a lens toward. */
    public enum Prior {
        /** W₀ = 0: the plain ridge (sources in another space, e.g. an early layer). */
        ZERO("zero"),
        /** W₀ = I on the vector part: a large ridge leaves the vector as it is (sources in the final space). */
        IDENTITY("identity");

        private final String label;

        Prior(String label) { this.label = label; }

        public String label() { return label; }

        /** Parses {@code zero} or {@code identity}. */
        public static Prior parse(String s) {
            for (Prior p : values()) if (p.label.equals(s)) return p;
            throw McgtException.badConfig("lens prior must be zero or identity, got '" + s + "'");
        }
    }

    /** A lens of the first format: vector input only, fitted toward zero. */
    public TunedLens(String modelFingerprint, String source, int dimension, float[] weights, float[] bias,
                     double ridge, int pairs) {
        this(modelFingerprint, source, dimension, weights, bias, ridge, pairs, Prior.ZERO, false);
    }

    /** Checks shapes and values; copies the arrays. */
    public TunedLens {
        if (modelFingerprint == null || modelFingerprint.isEmpty()) throw McgtException.badConfig("lens: model fingerprint is missing");
        if (source == null || source.isEmpty()) throw McgtException.badConfig("lens: source tier is missing");
        if (dimension < 1) throw McgtException.badConfig("lens: dimension must be positive, got " + dimension);
        if (prior == null) throw McgtException.badConfig("lens: prior is missing");
        long inputs = withSketch ? 2L * dimension : dimension;
        if (weights == null || weights.length != dimension * inputs) {
            throw McgtException.badConfig("lens: weights must hold " + dimension + "×" + inputs + " values");
        }
        if (bias == null || bias.length != dimension) throw McgtException.badConfig("lens: bias must hold " + dimension + " values");
        for (float v : weights) if (!Float.isFinite(v)) throw McgtException.badConfig("lens: weights must be finite");
        for (float v : bias) if (!Float.isFinite(v)) throw McgtException.badConfig("lens: bias must be finite");
        if (!(ridge >= 0) || Double.isInfinite(ridge)) throw McgtException.badConfig("lens: ridge must be a finite number >= 0");
        if (pairs < 0) throw McgtException.badConfig("lens: pair count cannot be negative");
        weights = weights.clone();
        bias = bias.clone();
    }

    @Override public float[] weights() { return weights.clone(); }

    @Override public float[] bias() { return bias.clone(); }

    /** Input values per output: d, or 2d with the sketch. */
    public int inputs() {
        return withSketch ? 2 * dimension : dimension;
    }

    /**
     * {@code out = normalise(W·x + b)} (zeros when that is the zero vector), for a lens without the sketch.
     * {@code out} may not be {@code x}.
     */
    public void apply(float[] x, float[] out) {
        if (withSketch) throw McgtException.badInput("lens: this lens also reads the chunk's sketch");
        apply(x, null, out);
    }

    /**
     * {@code out = normalise(W·[x; sketch] + b)} (the sketch ignored, and may be null, for a lens without it).
     * {@code out} may not be {@code x} or {@code sketch}.
     */
    public void apply(float[] x, float[] sketch, float[] out) {
        int d = dimension;
        if (x.length < d || out.length < d) throw McgtException.badInput("lens: vectors must hold " + d + " values");
        if (x == out || sketch == out) throw McgtException.badInput("lens: input and output must differ");
        if (withSketch && (sketch == null || sketch.length < d)) throw McgtException.badInput("lens: the sketch must hold " + d + " values");
        int in = inputs();
        // four output rows at a time: four independent sums (each still left to right over its inputs, so the bits
        // are those of one row at a time), which the CPU overlaps instead of waiting on one chain of additions
        int i = 0;
        for (; i + 4 <= d; i += 4) {
            int o0 = i * in;
            int o1 = o0 + in;
            int o2 = o1 + in;
            int o3 = o2 + in;
            float s0 = bias[i];
            float s1 = bias[i + 1];
            float s2 = bias[i + 2];
            float s3 = bias[i + 3];
            for (int j = 0; j < d; j++) {
                float v = x[j];
                s0 += weights[o0 + j] * v;
                s1 += weights[o1 + j] * v;
                s2 += weights[o2 + j] * v;
                s3 += weights[o3 + j] * v;
            }
            if (withSketch) {
                for (int j = 0; j < d; j++) {
                    float v = sketch[j];
                    s0 += weights[o0 + d + j] * v;
                    s1 += weights[o1 + d + j] * v;
                    s2 += weights[o2 + d + j] * v;
                    s3 += weights[o3 + d + j] * v;
                }
            }
            out[i] = s0;
            out[i + 1] = s1;
            out[i + 2] = s2;
            out[i + 3] = s3;
        }
        for (; i < d; i++) {
            float s = bias[i];
            int o = i * in;
            for (int j = 0; j < d; j++) s += weights[o + j] * x[j];
            if (withSketch) {
                o += d;
                for (int j = 0; j < d; j++) s += weights[o + j] * sketch[j];
            }
            out[i] = s;
        }
        float ss = 0f;
        for (int k = 0; k < d; k++) ss += out[k] * out[k];
        float norm = (float) Math.sqrt(ss);
        float inv = norm > 0f ? 1f / norm : 0f;
        for (int k = 0; k < d; k++) out[k] *= inv;
    }

    /** {@link #apply} into a new array. */
    public float[] apply(float[] x) {
        float[] out = new float[dimension];
        apply(x, out);
        return out;
    }

    /** {@link #apply(float[], float[], float[])} into a new array. */
    public float[] map(float[] x, float[] sketch) {
        float[] out = new float[dimension];
        apply(x, sketch, out);
        return out;
    }

    /**
     * Fits a lens by ridge least squares on pairs {@code (from[i], to[i])}.
     *
     * @throws McgtException BAD_INPUT when there are no pairs or their widths differ
     */
    public static TunedLens fit(String modelFingerprint, String source, List<float[]> from, List<float[]> to,
                                double ridge) {
        return fit(modelFingerprint, source, from, null, to, ridge, Prior.ZERO);
    }

    /**
     * Fits a lens by ridge least squares: minimises {@code Σ‖W·[x; s] + b − y‖² + α·‖W − W₀‖²}, W₀ the prior
     * (zero, or the identity on the vector part: a source already in the target's space then stays as it is for a
     * large α, and the fit only corrects what the sample shows).
     *
     * @param sketches each pair's sketch (the lens then reads it), or null for a vector-only lens
     * @throws McgtException BAD_INPUT when there are no pairs or their widths differ
     */
    public static TunedLens fit(String modelFingerprint, String source, List<float[]> from, List<float[]> sketches,
                                List<float[]> to, double ridge, Prior prior) {
        if (from.size() != to.size()) throw McgtException.badInput("lens: one target per source vector is needed");
        if (sketches != null && sketches.size() != from.size()) throw McgtException.badInput("lens: one sketch per pair is needed");
        if (from.isEmpty()) throw McgtException.badInput("lens: no pairs to fit on");
        int d = from.get(0).length;
        int in = sketches == null ? d : 2 * d;
        int p = in + 1;
        double[] a = new double[p * p];
        double[] rhs = new double[p * d];
        double[] row = new double[p];
        for (int n = 0; n < from.size(); n++) {
            float[] x = from.get(n);
            float[] y = to.get(n);
            if (x.length != d || y.length != d) throw McgtException.badInput("lens: vectors differ in width");
            for (int j = 0; j < d; j++) row[j] = x[j];
            if (sketches != null) {
                float[] sk = sketches.get(n);
                if (sk.length != d) throw McgtException.badInput("lens: sketches differ in width");
                for (int j = 0; j < d; j++) row[d + j] = sk[j];
            }
            row[in] = 1.0;
            for (int i = 0; i < p; i++) {
                double ri = row[i];
                int o = i * p;
                for (int j = 0; j <= i; j++) a[o + j] += ri * row[j];
                int r = i * d;
                for (int k = 0; k < d; k++) rhs[r + k] += ri * y[k];
            }
        }
        for (int i = 0; i < p; i++) for (int j = 0; j < i; j++) a[j * p + i] = a[i * p + j];
        for (int i = 0; i < in; i++) a[i * p + i] += ridge;
        if (prior == Prior.IDENTITY) for (int i = 0; i < d; i++) rhs[i * d + i] += ridge;
        a[in * p + in] += 1e-9;   // keeps the bias column positive definite on degenerate samples
        cholesky(a, p);
        solve(a, p, rhs, d);
        float[] w = new float[d * in];
        float[] b = new float[d];
        for (int k = 0; k < d; k++) {
            for (int j = 0; j < in; j++) w[k * in + j] = (float) rhs[j * d + k];
            b[k] = (float) rhs[in * d + k];
        }
        return new TunedLens(modelFingerprint, source, d, w, b, ridge, from.size(), prior, sketches != null);
    }

    /** Ridges {@link #fitSelecting} tries. */
    public static final double[] RIDGES = {0.03, 0.1, 0.3, 1.0, 3.0, 10.0};

    /**
     * Fits a lens on all pairs with the form that does best out of sample: for each candidate (vector only or
     * with the sketch when {@code sketches} is given, each prior of {@code priors}, each ridge), fitted on the pairs
     * of even groups (documents) and scored by the mean cosine of its mapped vectors to the targets on the odd
     * groups; the best (ties: the earlier form, then the larger ridge) is refitted on every pair.
     *
     * @param sketches each pair's sketch, or null to try vector-only lenses alone
     * @param group    the group (document index) of each pair
     */
    public static TunedLens fitSelecting(String modelFingerprint, String source, List<float[]> from,
                                         List<float[]> sketches, List<float[]> to, int[] group, double[] ridges,
                                         List<Prior> priors) {
        if (group.length != from.size()) throw McgtException.badInput("lens: one group per pair is needed");
        List<float[]> trainX = new java.util.ArrayList<>();
        List<float[]> trainS = new java.util.ArrayList<>();
        List<float[]> trainY = new java.util.ArrayList<>();
        List<float[]> testX = new java.util.ArrayList<>();
        List<float[]> testS = new java.util.ArrayList<>();
        List<float[]> testY = new java.util.ArrayList<>();
        for (int i = 0; i < group.length; i++) {
            boolean train = group[i] % 2 == 0;
            (train ? trainX : testX).add(from.get(i));
            (train ? trainY : testY).add(to.get(i));
            if (sketches != null) (train ? trainS : testS).add(sketches.get(i));
        }
        double bestRidge = ridges[ridges.length - 1];
        Prior bestPrior = priors.get(0);
        boolean bestSketch = false;
        if (!trainX.isEmpty() && !testX.isEmpty()) {
            double best = Double.NEGATIVE_INFINITY;
            int bestForm = -1;
            int form = 0;
            for (boolean sk : sketches == null ? new boolean[] {false} : new boolean[] {false, true}) {
                for (Prior prior : priors) {
                    for (double r : ridges) {
                        TunedLens l = fit(modelFingerprint, source, trainX, sk ? trainS : null, trainY, r, prior);
                        double sum = 0;
                        float[] v = new float[l.dimension()];
                        for (int i = 0; i < testX.size(); i++) {
                            l.apply(testX.get(i), sk ? testS.get(i) : null, v);
                            sum += Evaluation.cosine(v, testY.get(i));
                        }
                        double mean = sum / testX.size();
                        if (mean > best || (mean == best && form == bestForm)) {
                            best = mean;
                            bestForm = form;
                            bestRidge = r;
                            bestPrior = prior;
                            bestSketch = sk;
                        }
                    }
                    form++;
                }
            }
        }
        return fit(modelFingerprint, source, from, bestSketch ? sketches : null, to, bestRidge, bestPrior);
    }

    /** In-place lower Cholesky factor of the symmetric positive-definite p×p matrix a. */
    private static void cholesky(double[] a, int p) {
        for (int j = 0; j < p; j++) {
            double s = a[j * p + j];
            for (int k = 0; k < j; k++) s -= a[j * p + k] * a[j * p + k];
            if (!(s > 0)) throw McgtException.badInput("lens: the sample's vectors are degenerate (raise the ridge)");
            double l = Math.sqrt(s);
            a[j * p + j] = l;
            for (int i = j + 1; i < p; i++) {
                double t = a[i * p + j];
                for (int k = 0; k < j; k++) t -= a[i * p + k] * a[j * p + k];
                a[i * p + j] = t / l;
            }
        }
    }

    /** Solves L·Lᵀ·X = B for the p×m right-hand sides in b (row-major p×m), in place. */
    private static void solve(double[] l, int p, double[] b, int m) {
        for (int i = 0; i < p; i++) {
            for (int k = 0; k < i; k++) {
                double f = l[i * p + k];
                for (int c = 0; c < m; c++) b[i * m + c] -= f * b[k * m + c];
            }
            double inv = 1.0 / l[i * p + i];
            for (int c = 0; c < m; c++) b[i * m + c] *= inv;
        }
        for (int i = p - 1; i >= 0; i--) {
            for (int k = i + 1; k < p; k++) {
                double f = l[k * p + i];
                for (int c = 0; c < m; c++) b[i * m + c] -= f * b[k * m + c];
            }
            double inv = 1.0 / l[i * p + i];
            for (int c = 0; c < m; c++) b[i * m + c] *= inv;
        }
    }
}
