package dev.mcgt.stream;

import dev.mcgt.McgtException;
import dev.mcgt.config.TransformerConfig;
import dev.mcgt.runtime.InferState;
import java.util.Arrays;
import java.util.Objects;

/**
 * Everything one document stream carries from chunk to chunk (docs/STATE.md): the runtime's
 * {@link InferState} (KV cache, cached signature and output), the {@link LambdaHistory}, the
 * {@link SpikeHistory}, the last tier, the fingerprint of the model that produced it, the chunk counter, the
 * tokens seen, the KV length an ungated run of the same stream would have now (for the analytic ungated
 * MAC count of the {@link dev.mcgt.scoring.DocumentScorer}), and the {@link PoolingMemory} of the document's
 * computed chunks (what a skipped chunk contributes). Weights are never part of it.
 *
 * <p>λprev of the next chunk is {@link #lambdaPrev()}: the last λ of the history, 0 before the first chunk.
 *
 * <p>A plain mutable value owned by one stream (not thread-safe). {@link #toBytes()} / {@link #fromBytes}
 * give a compact, versioned binary form with an exact round trip (see {@link StreamStateCodec}); Flink state
 * stores exactly these bytes.
 */
public final class StreamState {
    /** λ values kept in the ring by default. */
    public static final int DEFAULT_LAMBDA_CAPACITY = 32;
    /** Chunks the spike history remembers by default. */
    public static final int DEFAULT_SPIKE_SLOTS = 4;
    /** Longest model fingerprint accepted. */
    public static final int MAX_FINGERPRINT_CHARS = 256;

    private InferState infer;
    private final LambdaHistory lambdas;
    private SpikeHistory spikes;
    private int lastTier;
    private String modelFingerprint;
    private long chunkCount;
    private long tokensSeen;
    private int ungatedKvLength;
    private PoolingMemory pooling;

    StreamState(InferState infer, LambdaHistory lambdas, SpikeHistory spikes, int lastTier, String modelFingerprint,
                long chunkCount, long tokensSeen, int ungatedKvLength, PoolingMemory pooling) {
        this.infer = Objects.requireNonNull(infer);
        this.lambdas = Objects.requireNonNull(lambdas);
        this.spikes = Objects.requireNonNull(spikes);
        this.lastTier = lastTier;
        this.modelFingerprint = checkFingerprint(modelFingerprint);
        this.chunkCount = chunkCount;
        this.tokensSeen = tokensSeen;
        this.ungatedKvLength = ungatedKvLength;
        this.pooling = Objects.requireNonNull(pooling);
    }

    /** A fresh stream for a model of this shape, with the default history sizes. */
    public static StreamState create(TransformerConfig config, String modelFingerprint) {
        return create(config, modelFingerprint, DEFAULT_LAMBDA_CAPACITY, DEFAULT_SPIKE_SLOTS);
    }

    /** A fresh stream with the given λ ring capacity and spike history slots. */
    public static StreamState create(TransformerConfig config, String modelFingerprint, int lambdaCapacity,
                                     int spikeSlots) {
        return new StreamState(new InferState(config), new LambdaHistory(lambdaCapacity),
                new SpikeHistory(spikeSlots, config.hidden(), config.seqLenMax()), -1, modelFingerprint, 0, 0, 0,
                newPooling(config));
    }

    /** An empty pooling memory for a model of this shape (sketches of token-embedding width). */
    static PoolingMemory newPooling(TransformerConfig config) {
        return new PoolingMemory(PoolingMemory.DEFAULT_CAPACITY, config.hidden(), config.outputSize());
    }

    /** The fingerprint of a synthetic preset: {@code synthetic:<preset>:<seed>}. */
    public static String syntheticFingerprint(String preset, long seed) {
        return "synthetic:" + preset + ":" + seed;
    }

    /**
     * @return {@code fp} when it is a usable model fingerprint (1..256 characters)
     * @throws McgtException BAD_INPUT otherwise
     */
    public static String checkFingerprint(String fp) {
        if (fp == null || fp.isEmpty() || fp.length() > MAX_FINGERPRINT_CHARS) {
            throw McgtException.badInput("model fingerprint must have 1.." + MAX_FINGERPRINT_CHARS + " characters");
        }
        return fp;
    }

    /** The runtime state (KV cache, cached signature and output). */
    public InferState inferState() { return infer; }

    public LambdaHistory lambdaHistory() { return lambdas; }

    public SpikeHistory spikeHistory() { return spikes; }

    /** Tier of the last chunk, −1 before the first. */
    public int lastTier() { return lastTier; }

    public String modelFingerprint() { return modelFingerprint; }

    /** Chunks scored so far; the index of the next chunk. */
    public long chunkCount() { return chunkCount; }

    /** Tokens of all chunks scored so far. */
    public long tokensSeen() { return tokensSeen; }

    /** The document's computed chunks, for pooling skipped ones. */
    public PoolingMemory poolingMemory() { return pooling; }

    /** KV positions per layer an ungated run of this stream would hold now. */
    public int ungatedKvLength() { return ungatedKvLength; }

    /** λprev of the next chunk: the last λ, 0 before the first chunk. */
    public long lambdaPrev() { return lambdas.last(); }

    /**
     * Records a scored chunk: its λ joins the history, its tier becomes the last tier, the counters advance.
     * The spike history is updated by the detector itself.
     *
     * @param kvContext KV positions an ungated run keeps per layer (0 when the model has no KV cache)
     */
    public void advance(long lambda, int tier, int tokens, int kvContext) {
        if (tier < 0 || tier > 3) throw McgtException.badInput("tier must be in 0..3, got " + tier);
        if (tokens < 0) throw McgtException.badInput("token count cannot be negative");
        lambdas.add(lambda);
        lastTier = tier;
        chunkCount++;
        tokensSeen += tokens;
        ungatedKvLength = (int) Math.min(Math.max(kvContext, 0), (long) ungatedKvLength + tokens);
    }

    /**
     * Drops the KV cache and the cached signature and output (e.g. after a model upgrade); the λ and spike
     * histories, the last tier and the counters are kept.
     */
    public void dropKvCache() {
        infer.reset();
        ungatedKvLength = 0;
        pooling.clear();
    }

    /**
     * Binds this stream to a model. Nothing changes when the fingerprint is the same and the runtime state fits
     * the config. Otherwise (a model upgrade) the KV cache and cached output are dropped — a fresh
     * {@link InferState} of the new shape — the λ history is kept, the spike history keeps its token sets and
     * rate (and its running mean only when the embedding width is unchanged), the pooling memory is emptied (its
     * vectors are in the old model's space), and the fingerprint is replaced.
     *
     * @return true when the model changed
     */
    public boolean adoptModel(String fingerprint, TransformerConfig config) {
        checkFingerprint(fingerprint);
        if (fingerprint.equals(modelFingerprint) && infer.fits(config)) return false;
        infer = new InferState(config);
        spikes = spikes.withDim(config.hidden());
        modelFingerprint = fingerprint;
        ungatedKvLength = 0;
        pooling = pooling.withWidths(config.hidden(), config.outputSize());
        return true;
    }

    /** An independent copy. */
    public StreamState copy() {
        return new StreamState(infer.copy(), lambdas.copy(), spikes.copy(), lastTier, modelFingerprint, chunkCount,
                tokensSeen, ungatedKvLength, pooling.copy());
    }

    /** The versioned binary form (see {@link StreamStateCodec}). */
    public byte[] toBytes() { return StreamStateCodec.encode(this); }

    /**
     * Restores {@link #toBytes()}.
     *
     * @throws McgtException BAD_INPUT when the bytes are truncated, corrupt or of an unknown version
     */
    public static StreamState fromBytes(byte[] bytes) { return StreamStateCodec.decode(bytes); }

    @Override
    public boolean equals(Object o) {
        return o instanceof StreamState s && Arrays.equals(toBytes(), s.toBytes());
    }

    @Override
    public int hashCode() { return Arrays.hashCode(toBytes()); }

    @Override
    public String toString() {
        return "StreamState[model=" + modelFingerprint + ", chunks=" + chunkCount + ", tokens=" + tokensSeen
                + ", lastTier=" + lastTier + ", " + lambdas + ", " + spikes + ", kv=" + infer.kvCache() + ", " + pooling + "]";
    }
}
