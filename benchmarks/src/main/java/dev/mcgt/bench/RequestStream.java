package dev.mcgt.bench;

import dev.mcgt.bench.Workloads.Kind;
import dev.mcgt.runtime.GatedTransformer;
import dev.mcgt.runtime.InferBuffers;
import dev.mcgt.runtime.InferInput;
import dev.mcgt.runtime.InferOutput;
import dev.mcgt.runtime.InferState;
import dev.mcgt.runtime.InferStats;

/**
 * One document stream replaying a sequence of request kinds against one model, one thread. A computed request
 * (tier 0, 1 or 2) scores the next of a few fixed chunks; a skip request re-sends the chunk just computed with
 * the SKIP flag, which the model answers from its cache (tier 3, cache hit). Every input is built up front, so
 * {@link #next()} allocates nothing. The KV cache is primed to its steady state (full ring) by {@link #prime}.
 */
public final class RequestStream {
    private final GatedTransformer model;
    private final Kind[] sequence;
    private final InferInput[][] inputs;
    private final InferState state;
    private final InferBuffers buffers;
    private final InferOutput output;
    private int position;
    private int chunk;

    public RequestStream(GatedTransformer model, int[][] chunks, Kind[] sequence) {
        this.model = model;
        this.sequence = sequence.clone();
        this.inputs = new InferInput[chunks.length][Kind.values().length];
        for (int c = 0; c < chunks.length; c++) {
            for (Kind k : Kind.values()) inputs[c][k.ordinal()] = InferInput.of(chunks[c], k.packet);
        }
        this.state = model.newState();
        this.buffers = model.newBuffers();
        this.output = model.newOutput();
    }

    /**
     * Fills the KV ring with tier-0 calls, then runs each kind the sequence uses once (computed kinds first, so a
     * skip follows a computed chunk), checking that it ran at its kind's tier and that skips are cache hits. The
     * sequence then starts from its first request.
     *
     * @throws IllegalStateException when the gate chose another tier than the one a kind forces
     */
    public RequestStream prime() {
        for (int i = 0; i < 8; i++) run(Kind.TIER0);
        for (Kind k : Kind.values()) {
            boolean used = false;
            for (Kind s : sequence) used |= s == k;
            if (!used) continue;
            InferStats s = run(k);
            if (s.tier() != k.tier || (k == Kind.CACHE_HIT) != s.cacheHit()) {
                throw new IllegalStateException("request " + k + " ran at tier " + s.tier()
                        + (s.cacheHit() ? " (cache hit)" : ""));
            }
        }
        position = 0;
        return this;
    }

    /** The next request of the sequence (wrapping around); the stats are live until the next call. */
    public InferStats next() {
        Kind k = sequence[position];
        position = position + 1 == sequence.length ? 0 : position + 1;
        return run(k);
    }

    /** One request of a kind outside the sequence order; the stats are live until the next call. */
    public InferStats run(Kind k) {
        if (k != Kind.CACHE_HIT) chunk = chunk + 1 == inputs.length ? 0 : chunk + 1;
        model.infer(inputs[chunk][k.ordinal()], state, buffers, output);
        return output.stats();
    }

    /** First value of the last output (for the benchmark's return value). */
    public float firstOutput() { return output.output()[0]; }

    public GatedTransformer model() { return model; }

    public Kind[] sequence() { return sequence.clone(); }
}
