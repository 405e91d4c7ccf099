package dev.mcgt.runtime;

import dev.mcgt.config.Activation;
import dev.mcgt.config.AttentionKind;
import dev.mcgt.config.NormPlacement;
import dev.mcgt.config.TransformerConfig;
import dev.mcgt.kernel.QuantizedMatrix;
import dev.mcgt.model.LayerWeights;
import dev.mcgt.model.ModelWeights;

/**
 * A plain double-precision forward pass written independently of the runtime: dequantized weights, no
 * activation quantization, exact tanh/erf GELU, Math.exp softmax, full computation of every layer for every
 * token. No KV cache, spikes or partitions: causal flag and sliding window only.
 */
final class FloatReference {
    private final ModelWeights w;
    private final TransformerConfig c;
    private final int d;

    FloatReference(ModelWeights w) {
        this.w = w;
        this.c = w.config();
        this.d = c.hidden();
    }

    /**
     * Output for the tokens at chunk positions first..n−1, running blocks [startLayer, endLayer) with the given
     * window: decoder logits of the last position, or the L2-normalised mean of the final states (encoder).
     */
    double[] forward(int[] tokens, int[] types, int first, int startLayer, int endLayer, int window) {
        int n = tokens.length - first;
        double[][] x = new double[n][];
        for (int r = 0; r < n; r++) {
            int p = first + r;
            double[] e = add(row(w.tokenEmbedding(), tokens[p]), row(w.positionEmbedding(), p));
            if (w.typeEmbedding() != null) e = add(e, row(w.typeEmbedding(), types == null ? 0 : types[p]));
            if (w.embeddingNormGamma() != null) e = norm(e, w.embeddingNormGamma(), w.embeddingNormBeta());
            x[r] = e;
        }
        boolean pre = c.normPlacement() == NormPlacement.PRE;
        for (int l = startLayer; l < endLayer; l++) {
            LayerWeights lw = w.layers().get(l);
            double[][] a = new double[n][];
            for (int r = 0; r < n; r++) a[r] = pre ? norm(x[r], lw.norm1Gamma(), lw.norm1Beta()) : x[r];
            double[][] att = attention(lw, a, first, window);
            for (int r = 0; r < n; r++) {
                double[] o = linear(lw.wo(), att[r]);
                x[r] = pre ? add(x[r], o) : norm(add(x[r], o), lw.norm1Gamma(), lw.norm1Beta());
                double[] fin = pre ? norm(x[r], lw.norm2Gamma(), lw.norm2Beta()) : x[r];
                double[] hid = linear(lw.w1(), fin);
                for (int i = 0; i < hid.length; i++) hid[i] = gelu(hid[i], c.activation());
                double[] f = linear(lw.w2(), hid);
                x[r] = pre ? add(x[r], f) : norm(add(x[r], f), lw.norm2Gamma(), lw.norm2Beta());
            }
        }
        if (!c.isEncoder()) {
            double[] last = x[n - 1];
            if (w.finalNormGamma() != null) last = norm(last, w.finalNormGamma(), w.finalNormBeta());
            return linear(w.outputHead(), last);
        }
        double[] mean = new double[d];
        for (double[] r : x) {
            double[] v = w.finalNormGamma() != null ? norm(r, w.finalNormGamma(), w.finalNormBeta()) : r;
            for (int j = 0; j < d; j++) mean[j] += v[j] / n;
        }
        double s = 0;
        for (double v : mean) s += v * v;
        double inv = 1 / Math.sqrt(s);
        for (int j = 0; j < d; j++) mean[j] *= inv;
        return mean;
    }

    private double[][] attention(LayerWeights lw, double[][] a, int first, int window) {
        int n = a.length;
        int h = c.heads();
        int hd = c.headDim();
        double[][] q = new double[n][];
        double[][] k = new double[n][];
        double[][] v = new double[n][];
        for (int r = 0; r < n; r++) {
            q[r] = linear(lw.wq(), a[r]);
            k[r] = linear(lw.wk(), a[r]);
            v[r] = linear(lw.wv(), a[r]);
        }
        boolean causal = c.attention() == AttentionKind.CAUSAL;
        double[][] out = new double[n][d];
        for (int i = 0; i < n; i++) {
            for (int head = 0; head < h; head++) {
                double[] s = new double[n];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < n; j++) {
                    int dist = i - j;
                    boolean visible = (!causal || dist >= 0) && Math.abs(dist) < window;
                    if (!visible) {
                        s[j] = Double.NaN;
                        continue;
                    }
                    double dot = 0;
                    for (int t = 0; t < hd; t++) dot += q[i][head * hd + t] * k[j][head * hd + t];
                    s[j] = dot / Math.sqrt(hd);
                    max = Math.max(max, s[j]);
                }
                double sum = 0;
                for (int j = 0; j < n; j++) {
                    if (Double.isNaN(s[j])) continue;
                    s[j] = Math.exp(s[j] - max);
                    sum += s[j];
                }
                for (int j = 0; j < n; j++) {
                    if (Double.isNaN(s[j])) continue;
                    for (int t = 0; t < hd; t++) out[i][head * hd + t] += s[j] / sum * v[j][head * hd + t];
                }
            }
        }
        return out;
    }

    private double[] row(QuantizedMatrix m, int r) {
        double[] out = new double[m.cols()];
        for (int j = 0; j < m.cols(); j++) out[j] = (double) m.weight(r, j) * m.scales()[r];
        return out;
    }

    private static double[] linear(QuantizedMatrix m, double[] x) {
        double[] y = new double[m.rows()];
        for (int o = 0; o < m.rows(); o++) {
            double s = 0;
            for (int i = 0; i < m.cols(); i++) s += (double) m.weight(o, i) * x[i];
            y[o] = s * m.scales()[o] + (m.bias() == null ? 0 : m.bias()[o]);
        }
        return y;
    }

    private double[] norm(double[] x, float[] g, float[] b) {
        double mean = 0;
        for (double v : x) mean += v / x.length;
        double var = 0;
        for (double v : x) var += (v - mean) * (v - mean) / x.length;
        double inv = 1 / Math.sqrt(var + c.layerNormEps());
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) y[i] = (x[i] - mean) * inv * g[i] + b[i];
        return y;
    }

    private static double[] add(double[] a, double[] b) {
        double[] y = new double[a.length];
        for (int i = 0; i < a.length; i++) y[i] = a[i] + b[i];
        return y;
    }

    static double gelu(double x, Activation kind) {
        if (kind == Activation.GELU_TANH) {
            return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
        }
        return 0.5 * x * (1 + erf(x / Math.sqrt(2)));
    }

    /** erf by its Taylor series (|x| ≤ 3) or the asymptotic complement, accurate to ~1e-12 here. */
    static double erf(double x) {
        double ax = Math.abs(x);
        double r;
        if (ax <= 3) {
            double term = ax;
            double sum = ax;
            for (int n = 1; n < 100; n++) {
                term *= -ax * ax / n;
                sum += term / (2 * n + 1);
            }
            r = 2 / Math.sqrt(Math.PI) * sum;
        } else {
            r = 1;
        }
        return x < 0 ? -r : r;
    }
}
