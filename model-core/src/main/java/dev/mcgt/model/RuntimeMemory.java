package dev.mcgt.model;

import dev.mcgt.config.TransformerConfig;

/**
 * What running a model allocates besides its weights, from the config alone (the estimate the model file reader
 * checks against the heap before loading, see {@code ModelFileReader}).
 *
 * @param kvCacheBytesPerStream one document stream's KV cache: every layer, {@code kvContext} positions, int8 keys
 *                              and values plus per-head f32 scales
 * @param scratchBytesPerThread one inference thread's buffers: nine S × D float rows, the S × F FFN floats and
 *                              activation bytes, the attention keys and score blocks
 */
public record RuntimeMemory(long kvCacheBytesPerStream, long scratchBytesPerThread) {
    /** Query rows per attention score block (the forward pass's block). */
    static final int QUERY_BLOCK = 64;

    /** The estimate for a config. */
    public static RuntimeMemory of(TransformerConfig c) {
        long kv = c.kvContext();
        long s = c.seqLenMax();
        long d = c.hidden();
        long f = (long) c.hidden() * c.ffnMult();
        long keys = s + Math.min(kv, s);
        long block = Math.min(s, QUERY_BLOCK);
        long kvBytes = c.layers() * kv * (2 * d + 8L * c.heads());
        long scratch = 4 * (9 * s * d + s * f) + s * Math.max(d, f) + keys * (6 * d + 8L * c.heads()) + 8 * block * keys;
        return new RuntimeMemory(kvBytes, scratch);
    }
}
