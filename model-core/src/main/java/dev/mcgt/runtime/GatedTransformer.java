package dev.mcgt.runtime;

import dev.mcgt.McgtException;
import dev.mcgt.config.GatePolicy;
import dev.mcgt.config.TransformerConfig;
import dev.mcgt.gate.EnergyGate;
import dev.mcgt.gate.GateController;
import dev.mcgt.gate.GatePacket;
import dev.mcgt.gate.GateReason;
import dev.mcgt.gate.KvAction;
import dev.mcgt.gate.Signatures;
import dev.mcgt.gate.TierDecision;
import dev.mcgt.gate.TierSizes;
import dev.mcgt.kernel.KernelProvider;
import dev.mcgt.kernel.Kernels;
import dev.mcgt.kernel.QuantizedMatrix;
import dev.mcgt.model.LayerWeights;
import dev.mcgt.model.ModelWeights;

/**
 * The gated INT8 transformer: the gate picks a tier from the coherence and novelty packets, and the tier
 * really decides how much runs — blocks ({@code layersToRun}, early layers by default), tokens
 * ({@code effectiveSeqLen}), attention window — or, at tier 3, nothing but a cached output or a cheap score.
 * Mixture-of-Depths routing and early exit further cut work when configured. Every inference yields an output,
 * a {@link Witness} and honest {@link InferStats}.
 *
 * <p>Immutable and thread-safe; shares its weights. Per thread: one {@link InferBuffers} and one
 * {@link InferOutput}; per stream: one {@link InferState}. {@link #infer} allocates nothing after warm-up and is
 * deterministic: the same weights, policy, options, input and state give bit-identical output, witness and
 * stats with the scalar and the vector kernels, in any thread.
 *
 * <p>Order of one call: validate input; gate; signature (given or FNV-1a of the tokens); optional cache-hit
 * skip; tier 3 → cached output or cheap scorer, KV untouched; otherwise KV action (WRITE on ALLOW/REDUCE_SCOPE,
 * FREEZE on FREEZE_WRITES/QUARANTINE_UPDATES, FLUSH on FLUSH_KV, FREEZE whenever the KV cache is disabled),
 * the forward pass, then the state caches signature and output.
 */
public final class GatedTransformer {
    private final ModelWeights weights;
    private final TransformerConfig config;
    private final RuntimeOptions options;
    private final Kernels kernels;
    private final GateController controller;
    private final ForwardPass pass;
    private final boolean kvEnabled;
    private final boolean readsContext;
    private final TokenPruning pruning;
    private final TruncatedTier truncated;

    /** A model on the JVM's chosen kernel ({@link KernelProvider#get()}). */
    public GatedTransformer(ModelWeights weights, GatePolicy policy, RuntimeOptions options) {
        this(weights, policy, options, KernelProvider.get());
    }

    /**
     * @throws McgtException BAD_WEIGHTS, BAD_CONFIG when weights, policy or options are invalid
     */
    public GatedTransformer(ModelWeights weights, GatePolicy policy, RuntimeOptions options, Kernels kernels) {
        if (weights == null || policy == null || options == null || kernels == null) {
            throw McgtException.badConfig("weights, policy, options and kernels are required");
        }
        this.weights = weights.validate();
        this.config = weights.config();
        this.options = options.validate();
        this.kernels = kernels;
        DepthRouter router = options.modRouting() == null ? null : new DepthRouter(options.modRouting());
        EarlyExit exit = options.earlyExit() == null ? null : new EarlyExit(options.earlyExit(), config.layers());
        this.controller = newController(policy);
        this.pass = new ForwardPass(weights, kernels, options, router, exit);
        this.kvEnabled = config.enableKvCache() && config.kvContext() > 0;
        this.readsContext = options.readsCrossChunkContext(config.isEncoder());
        this.pruning = options.tokenPruning();
        this.truncated = options.truncatedTier();
        if (truncated != null) truncated.checkFor(config.layers(), config.seqLenMax());
        if (pruning != null) {
            if (!config.isEncoder()) throw McgtException.badConfig("token pruning is for encoder models only");
            pruning.checkFor(config.layers(), config.seqLenMax());
            if (options.modRouting() != null) throw McgtException.badConfig("token pruning does not combine with Mixture-of-Depths routing");
        }
        prepare(weights, kernels);
    }

    private GatedTransformer(GatedTransformer base, GatePolicy policy) {
        this.weights = base.weights;
        this.config = base.config;
        this.options = base.options;
        this.kernels = base.kernels;
        this.pass = base.pass;
        this.kvEnabled = base.kvEnabled;
        this.readsContext = base.readsContext;
        this.pruning = base.pruning;
        this.truncated = base.truncated;
        this.controller = newController(policy);
    }

    private GateController newController(GatePolicy policy) {
        EnergyGate advisor = options.energyAdvisor() == null ? null : new EnergyGate(options.energyAdvisor(), policy);
        return new GateController(policy, TierSizes.of(config), advisor);
    }

    private static void prepare(ModelWeights w, Kernels k) {
        for (LayerWeights l : w.layers()) {
            for (QuantizedMatrix m : new QuantizedMatrix[] {l.wq(), l.wk(), l.wv(), l.wo(), l.w1(), l.w2()}) {
                k.prepare(m);
            }
        }
        if (w.outputHead() != null) k.prepare(w.outputHead());
    }

    public TransformerConfig config() { return config; }

    public ModelWeights weights() { return weights; }

    public RuntimeOptions options() { return options; }

    public Kernels kernels() { return kernels; }

    public GateController controller() { return controller; }

    public GatePolicy policy() { return controller.policy(); }

    /** Whether attention reads earlier chunks' KV as left context (see {@link CrossChunkContext}). */
    public boolean readsCrossChunkContext() { return readsContext; }

    /** The same model with another policy; the tier sizes stay the model's (fix 4 in docs/GATE.md). */
    public GatedTransformer withPolicy(GatePolicy policy) {
        return new GatedTransformer(this, policy);
    }

    /** A fresh per-stream state (empty KV cache, nothing cached). */
    public InferState newState() { return new InferState(config); }

    /** Per-thread scratch for this model. */
    public InferBuffers newBuffers() { return new InferBuffers(config); }

    /** A result holder of {@code config.outputSize()} values. */
    public InferOutput newOutput() { return new InferOutput(config.outputSize()); }

    /**
     * The tier {@link #infer} would run {@code in} at in {@code state}: the gate's decision, turned into a skip when
     * the stream has the chunk's output cached and the options skip on a cache hit. Reads nothing but its
     * arguments and changes nothing (the scorer asks before it picks a model for the chunk).
     */
    public TierDecision plannedTier(InferInput in, InferState state) {
        return plannedTier(in, state, signatureOf(in));
    }

    private TierDecision plannedTier(InferInput in, InferState state, long signature) {
        TierDecision tier = controller.evaluate(in.gate(), in.spikes());
        if (!tier.skip() && options.skipOnCacheHit() && !in.gate().forceSafe() && state.hasCachedFor(signature)) {
            tier = controller.skipDecision(GateReason.CACHE_HIT);
        }
        return tier;
    }

    private static long signatureOf(InferInput in) {
        return in.hasSignature() ? in.signature() : Signatures.ofTokens(in.tokens());
    }

    /**
     * Scores one chunk. Allocation-free after warm-up.
     *
     * @throws McgtException BAD_INPUT for invalid input or a state/buffers of another shape; OUTPUT_TOO_SMALL
     *                       when the output holder is narrower than {@code config.outputSize()}
     */
    public void infer(InferInput in, InferState state, InferBuffers buf, InferOutput out) {
        int n = checkCall(in, state, buf, out);
        GatePacket gate = in.gate();
        long signature = signatureOf(in);
        TierDecision tier = plannedTier(in, state, signature);
        InferStats st = out.stats();
        st.reset();
        st.tier = tier.tier();
        float[] output = out.output();
        KvAction kv;
        if (tier.skip()) {
            kv = KvAction.NONE;
            st.skipped = true;
            if (state.hasCachedFor(signature)) {
                state.copyCachedOutputTo(output);
                st.cacheHit = true;
            } else {
                pass.cheapScore(in.tokens(), in.tokenTypes(), n, buf, output, st);
            }
        } else {
            kv = KvAction.forDecision(tier.decision(), kvEnabled);
            KvCache cache = state.kvCache();
            if (kv == KvAction.FLUSH) cache.flush();
            ForwardPass.Call call = buf.call;
            try {
                call.begin(in, n, window(tier), readsContext, pruning != null && tier.tier() == 1 ? pruning : null,
                        kv == KvAction.WRITE || kv == KvAction.FLUSH, cache, st, options.sparseAttention(), buf);
                pass.run(in.tokens(), in.tokenTypes(), n, seqBudget(tier, n), layersToRun(tier), call, buf, output);
            } finally {
                call.end(buf, n);
            }
            state.cache(signature, output);
        }
        st.estimatedEnergyPicojoules = EnergyModel.estimatePicojoules(st);
        fillWitness(out.witness(), gate, tier, kv, st, in.topBoundaryEdgeIds());
    }

    /** Tokens a tier keeps: tier 1 with pruning all ({@code n}), with its own truncated sizes those, else the tier's. */
    private int seqBudget(TierDecision tier, int n) {
        if (tier.tier() != 1) return tier.effectiveSeqLen();
        if (pruning != null) return n;
        return truncated != null ? truncated.tokens() : tier.effectiveSeqLen();
    }

    private int layersToRun(TierDecision tier) {
        if (tier.tier() != 1) return tier.layersToRun();
        if (pruning != null) return config.layers();
        return truncated != null ? truncated.layers() : tier.layersToRun();
    }

    private int window(TierDecision tier) {
        if (tier.tier() == 1 && (pruning != null || truncated != null)) return config.windowNormal();
        return tier.effectiveWindow();
    }

    private void fillWitness(Witness w, GatePacket gate, TierDecision tier, KvAction kv, InferStats st,
                             long[] topEdges) {
        w.decision = tier.decision();
        w.reason = tier.reason();
        w.lambda = gate.lambda();
        w.lambdaPrev = gate.lambdaPrev();
        w.lambdaDelta = gate.lambdaDelta();
        w.tier = tier.tier();
        w.layersRun = st.layersExecuted;
        w.effectiveSeqLen = seqBudget(tier, config.seqLenMax());
        w.effectiveWindow = window(tier);
        w.kvAction = kv;
        w.kvWritesEnabled = kv == KvAction.WRITE || kv == KvAction.FLUSH;
        w.externalWritesEnabled = tier.decision().allowsExternalWrites() && config.enableExternalWrites();
        w.boundaryEdges = gate.boundaryEdges();
        w.boundaryConcentrationQ15 = gate.boundaryConcentrationQ15();
        w.partitionCount = gate.partitionCount();
        int count = topEdges == null ? 0 : Math.min(topEdges.length, Witness.MAX_TOP_BOUNDARY_EDGES);
        for (int i = 0; i < Witness.MAX_TOP_BOUNDARY_EDGES; i++) w.topBoundaryEdgeIds[i] = i < count ? topEdges[i] : 0L;
        w.topBoundaryEdgeCount = count;
        w.earlyExitLayer = st.earlyExitLayer;
        w.tokensSkipped = st.tokensSkipped;
    }

    /** Validates the call and returns the token count. */
    private int checkCall(InferInput in, InferState state, InferBuffers buf, InferOutput out) {
        if (in == null || state == null || buf == null || out == null) {
            throw McgtException.badInput("input, state, buffers and output are required");
        }
        if (out.output().length < config.outputSize()) {
            throw McgtException.outputTooSmall(config.outputSize(), out.output().length);
        }
        if (!state.fits(config)) throw McgtException.badInput("the inference state was made for a model of another shape");
        if (!buf.fits(config)) throw McgtException.badInput("the buffers were made for a model of another shape");
        if (in.gate() == null) throw McgtException.badInput("a gate packet is required");
        int[] tokens = in.tokens();
        if (tokens == null || tokens.length == 0) throw McgtException.badInput("tokens must not be empty");
        int n = tokens.length;
        if (n > config.seqLenMax()) {
            throw McgtException.badInput("too many tokens: " + n + " > seq_len_max " + config.seqLenMax());
        }
        int vocab = config.vocabSize();
        for (int i = 0; i < n; i++) {
            if (tokens[i] < 0 || tokens[i] >= vocab) {
                throw McgtException.badInput("token id " + tokens[i] + " at position " + i
                        + " is outside the vocabulary [0, " + vocab + ")");
            }
        }
        int[] types = in.tokenTypes();
        if (types != null) {
            if (types.length != n) {
                throw McgtException.badInput("token types must match the tokens in length (" + types.length + " vs " + n + ")");
            }
            int tv = config.typeVocabSize();
            for (int i = 0; i < n; i++) {
                if (types[i] < 0 || types[i] >= tv) {
                    throw McgtException.badInput("token type " + types[i] + " at position " + i
                            + " is outside [0, " + tv + ")");
                }
            }
        }
        int[] boundary = in.boundaryTokens();
        if (boundary != null) {
            for (int p : boundary) {
                if (p < 0 || p >= n) {
                    throw McgtException.badInput("boundary token position " + p + " is outside the chunk [0, " + n + ")");
                }
            }
        }
        if (in.partitionOf() != null && in.partitionOf().length != n) {
            throw McgtException.badInput("partitionOf must have one entry per token (" + in.partitionOf().length
                    + " vs " + n + ")");
        }
        return n;
    }
}
