package dev.mcgt.scoring;

import dev.mcgt.config.AttentionKind;
import dev.mcgt.config.TransformerConfig;

/**
 * The int8 multiply-accumulates of an ungated inference, counted from the config alone, the way the runtime
 * counts them: per block the K and V projections of every token, the Q, O, W1 and W2 projections of every
 * query row, and {@code headDim} MACs per visible (query, key) pair and head; the decoder's last block has only
 * the last position as query row, and the decoder head adds {@code logits · hidden}. Ungated means tier 0: all
 * layers, every token, the normal window, no routing, no early exit, no sparse or partition mask, and every
 * chunk written to the KV cache, so an earlier chunk's positions (at most {@code kvContext}, and only those the
 * window reaches) are extra keys to the left.
 *
 * <p>{@code DocumentScorerTest} checks that these numbers equal what a gate-off run measures.
 */
public final class UngatedCost {
    private UngatedCost() { }

    /**
     * MACs of one ungated chunk of {@code n} tokens when the stream's KV cache holds {@code cached} positions
     * per layer.
     */
    public static long chunkMacs(TransformerConfig c, int n, int cached) {
        if (n <= 0) return 0L;
        long d = c.hidden();
        long f = c.ffnIntermediate();
        int w = c.windowNormal();
        int maxWindow = Math.max(c.windowNormal(), Math.max(c.windowDegraded(), c.windowSafe()));
        int cacheRows = Math.max(Math.min(c.kvContext(), maxWindow - 1), 0);
        int cv = Math.max(0, Math.min(Math.min(cached, w - 1), cacheRows));
        boolean decoder = !c.isEncoder();
        boolean causal = c.attention() == AttentionKind.CAUSAL;
        long total = 0;
        for (int l = 0; l < c.layers(); l++) {
            int qStart = decoder && l == c.layers() - 1 ? n - 1 : 0;
            long qn = n - qStart;
            long dots = 0;
            for (int q = qStart; q < n; q++) dots += visibleKeys(q, n, cv, w, causal);
            total += 2L * n * d * d + 2L * qn * d * d + 2L * qn * f * d + dots * c.heads() * c.headDim();
        }
        if (decoder) total += (long) c.logits() * d;
        return total;
    }

    /** KV positions per layer after an ungated chunk of {@code n} tokens (0 when the model keeps no KV). */
    public static int cacheAfter(TransformerConfig c, int cached, int n) {
        if (!c.enableKvCache() || c.kvContext() <= 0) return 0;
        return (int) Math.min(c.kvContext(), (long) cached + n);
    }

    /** KV context an ungated run keeps per layer (0 when KV writes are disabled). */
    public static int kvContext(TransformerConfig c) {
        return c.enableKvCache() ? Math.max(c.kvContext(), 0) : 0;
    }

    /** Keys visible to the query at chunk position q: cache keys the window reaches plus chunk keys. */
    private static long visibleKeys(int q, int n, int cv, int w, boolean causal) {
        // Cache key i (0..cv−1) sits at position i − cv; visible when q − (i − cv) < w.
        long fromCache = Math.max(0, Math.min(cv, w - 1 - q));
        int last = causal ? q : n - 1;
        int lo = Math.max(0, q - w + 1);
        int hi = Math.min(last, q + w - 1);
        return fromCache + Math.max(0, hi - lo + 1);
    }
}
