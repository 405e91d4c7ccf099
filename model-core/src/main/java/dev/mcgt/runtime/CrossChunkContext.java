package dev.mcgt.runtime;

/**
 * Whether attention reads the KV cache of a stream's earlier chunks as left context. Encoders are used as "one
 * chunk in, one vector out" by their users (ONNX Runtime, sentence-transformers), so reading earlier chunks would
 * change a chunk's vector away from the model's own answer; decoders continue a sequence and need it.
 */
public enum CrossChunkContext {
    /** Decoders read it, encoders do not. */
    MODEL_DEFAULT,
    /** Always read (encoders too: earlier chunks' keys and values sit to the left of the chunk). */
    ON,
    /** Never read; the cache is still written, so the stream's state is the same either way. */
    OFF
}
