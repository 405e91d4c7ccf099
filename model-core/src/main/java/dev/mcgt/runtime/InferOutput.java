package dev.mcgt.runtime;

/**
 * The reusable result holder of {@link GatedTransformer#infer}: the output vector (decoder: logits of the last
 * position; encoder: the L2-normalised mean-pooled embedding), the witness and the stats. One per thread or
 * per call site; each call overwrites all three.
 */
public final class InferOutput {
    private final float[] output;
    private final Witness witness = new Witness();
    private final InferStats stats = new InferStats();

    /** An output holder of {@code size} values ({@code config.outputSize()}). */
    public InferOutput(int size) {
        this.output = new float[size];
    }

    /** The output vector (live, overwritten by the next call). */
    public float[] output() { return output; }

    /** The witness of the last call (live, overwritten by the next call). */
    public Witness witness() { return witness; }

    /** The stats of the last call (live, overwritten by the next call). */
    public InferStats stats() { return stats; }
}
