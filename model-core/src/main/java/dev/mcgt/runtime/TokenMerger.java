package dev.mcgt.runtime;

import dev.mcgt.kernel.Kernels;

/**
 * Merges the rows of a chunk's hidden states down to a given count by similarity, in the spirit of token merging
 * (ToMe, Bolya et al. 2023), without training: in each round the mergeable rows (all but the first and the last,
 * which BERT-style models use for [CLS] and [SEP]) are split alternately into sets A and B, every row of A finds
 * its most similar row of B (cosine of the hidden states), and the rows of A with the most similar partners are
 * merged into them — the partner becomes the count-weighted mean of both and carries both counts. Rounds repeat
 * until {@code keep} rows remain; the survivors keep their chunk positions, in ascending order.
 *
 * <p>Deterministic and allocation-free: dot products through {@link Kernels#dotsF32} (a fixed summation order),
 * everything else plain sequential Java, ties broken by the lower row index. Scratch lives in the caller's
 * {@link InferBuffers}.
 */
final class TokenMerger {
    private TokenMerger() { }

    /**
     * Merges rows 0..n−1 of {@code b.x} (with positions {@code b.rowPos} and counts {@code b.rowWeight}) down to
     * {@code keep} rows in place, pairing rows by the cosine of their rows in {@code metric} ({@code b.x} itself,
     * or another array of the same row layout, e.g. the keys, which is then merged and compacted alongside);
     * returns the new row count.
     */
    static int merge(Kernels kernels, InferBuffers b, float[] metric, int n, int keep, int d, InferStats st) {
        float[] x = b.x;
        boolean separate = metric != x;
        while (n > keep && n > 2) {
            // A = rows 1, 3, 5, …; B = rows 2, 4, 6, … (both below n − 1)
            int na = 0;
            int nb = 0;
            for (int r = 1; r < n - 1; r++) {
                if ((r & 1) == 1) b.mergeA[na++] = r;
                else b.mergeB[nb++] = r;
            }
            if (nb == 0) break;
            int merges = Math.min(n - keep, na);
            normalisedRows(metric, b.mergeA, na, d, b.compact);
            normalisedRows(metric, b.mergeB, nb, d, b.normed);
            kernels.dotsF32(na, nb, d, b.compact, 0, d, b.normed, 0, d, b.mergeSims, 0, nb);
            OpCost.mergeSimilarities(st, na, nb, d);
            for (int i = 0; i < na; i++) {
                int best = 0;
                float bestSim = b.mergeSims[i * nb];
                for (int j = 1; j < nb; j++) {
                    float s = b.mergeSims[i * nb + j];
                    if (s > bestSim) {
                        bestSim = s;
                        best = j;
                    }
                }
                b.mergeTarget[i] = best;
                b.mergeScore[i] = bestSim;
                b.mergeOrder[i] = i;
            }
            sortBySimilarity(b, na);
            for (int r = 0; r < n; r++) b.mergeDrop[r] = false;
            for (int k = 0; k < merges; k++) b.mergeDrop[b.mergeA[b.mergeOrder[k]]] = true;
            // merge in ascending row order of A (fixed order, so the float results are fixed)
            for (int i = 0; i < na; i++) {
                int a = b.mergeA[i];
                if (!b.mergeDrop[a]) continue;
                int t = b.mergeB[b.mergeTarget[i]];
                float wa = b.rowWeight[a];
                float wt = b.rowWeight[t];
                float w = wa + wt;
                float inv = 1f / w;
                int ao = a * d;
                int to = t * d;
                for (int j = 0; j < d; j++) x[to + j] = (x[to + j] * wt + x[ao + j] * wa) * inv;
                if (separate) {
                    for (int j = 0; j < d; j++) metric[to + j] = (metric[to + j] * wt + metric[ao + j] * wa) * inv;
                }
                b.rowWeight[t] = w;
            }
            OpCost.mergeAverages(st, merges, separate, d);
            int m = 0;
            for (int r = 0; r < n; r++) {
                if (b.mergeDrop[r]) continue;
                if (m != r) {
                    System.arraycopy(x, r * d, x, m * d, d);
                    if (separate) System.arraycopy(metric, r * d, metric, m * d, d);
                    b.rowPos[m] = b.rowPos[r];
                    b.rowWeight[m] = b.rowWeight[r];
                }
                m++;
            }
            n = m;
        }
        return n;
    }

    /** Rows {@code rows[0..count)} of x, each divided by its L2 norm (zero rows stay zero), into dst rows 0... */
    private static void normalisedRows(float[] x, int[] rows, int count, int d, float[] dst) {
        for (int i = 0; i < count; i++) {
            int o = rows[i] * d;
            float s = 0f;
            for (int j = 0; j < d; j++) s += x[o + j] * x[o + j];
            float inv = s > 0f ? 1f / (float) Math.sqrt(s) : 0f;
            int p = i * d;
            for (int j = 0; j < d; j++) dst[p + j] = x[o + j] * inv;
        }
    }

    /** Insertion sort of mergeOrder[0..n) by mergeScore descending, ties by the lower index. */
    private static void sortBySimilarity(InferBuffers b, int n) {
        for (int i = 1; i < n; i++) {
            int v = b.mergeOrder[i];
            float s = b.mergeScore[v];
            int j = i - 1;
            while (j >= 0 && (b.mergeScore[b.mergeOrder[j]] < s
                    || (b.mergeScore[b.mergeOrder[j]] == s && b.mergeOrder[j] > v))) {
                b.mergeOrder[j + 1] = b.mergeOrder[j];
                j--;
            }
            b.mergeOrder[j + 1] = v;
        }
    }
}
