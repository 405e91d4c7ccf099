package dev.mcgt.flink.functions;

import dev.mcgt.McgtException;
import dev.mcgt.flink.state.StreamStateSerializer;
import dev.mcgt.flink.telemetry.ChunkReject;
import dev.mcgt.flink.telemetry.EnergySample;
import dev.mcgt.flink.telemetry.ModelUpgrade;
import dev.mcgt.flink.telemetry.OutputTags;
import dev.mcgt.flink.telemetry.ScoringMetrics;
import dev.mcgt.flink.telemetry.TierTransition;
import dev.mcgt.scoring.ChunkResult;
import dev.mcgt.scoring.DocumentScorer;
import dev.mcgt.stream.StreamState;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The gated transformer as a Flink keyed process function, keyed by document id: one {@link DocumentChunk} in,
 * one {@link ChunkScore} out, the document's {@link StreamState} (KV cache, λ and spike histories, last tier,
 * model fingerprint, counters) in managed keyed state between chunks.
 *
 * <p><b>open</b>: takes a lease on the model from the JVM-wide {@link SharedModels} (loaded once per
 * TaskManager, shared by every slot and key), builds this instance's {@link DocumentScorer} (per-thread scratch)
 * and registers the state and the {@link ScoringMetrics}.
 *
 * <p><b>Per chunk</b>: restores the key's state (a fresh stream when there is none), runs
 * {@link DocumentScorer#scoreChunk} — the same step {@code mcgt embed} runs, so results are identical — writes
 * the state back (or clears it on the document's last chunk) and emits the score plus its side outputs
 * ({@link OutputTags}): an {@link EnergySample} for every chunk, a {@link TierTransition} when the tier changed,
 * a {@link ModelUpgrade} when the state came from another model (the scorer drops the KV cache and keeps the
 * histories), and a {@link ChunkReject} for a chunk that cannot be scored — missing id, no tokens, too many,
 * ids outside the vocabulary. The scorer validates before it changes anything, so a rejected chunk leaves the
 * state exactly as it was; a rejected <i>last</i> chunk still ends the document.
 *
 * <p><b>State</b>: one {@code ValueState<StreamState>} named {@value #STATE_NAME} with the explicit
 * {@link StreamStateSerializer} (versioned snapshot; no Kryo) and, unless disabled, a processing-time TTL
 * refreshed on every write, so documents that never end are cleaned up. Weights never enter state.
 */
public class GatedScoringFunction extends KeyedProcessFunction<String, DocumentChunk, ChunkScore> {
    private static final long serialVersionUID = 1L;

    /** Name of the keyed state. */
    public static final String STATE_NAME = "mcgt-stream-state";

    private final ScoringSettings settings;
    private final int stateFormat;

    private transient SharedModels.Lease lease;
    private transient DocumentScorer scorer;
    private transient ValueState<StreamState> streams;
    private transient ScoringMetrics metrics;

    /** A function that writes state in the current format. */
    public GatedScoringFunction(ScoringSettings settings) {
        this(settings, StreamStateSerializer.CURRENT_FORMAT);
    }

    private GatedScoringFunction(ScoringSettings settings, int stateFormat) {
        if (settings == null) throw McgtException.badConfig("scoring settings must be set");
        StreamStateSerializer.ofFormat(stateFormat);
        this.settings = settings;
        this.stateFormat = stateFormat;
    }

    /**
     * The same function writing state in another {@link StreamStateSerializer} format (e.g. format 1, so that an
     * older build can still read the savepoint).
     */
    public GatedScoringFunction withStateFormat(int format) {
        return new GatedScoringFunction(settings, format);
    }

    public ScoringSettings settings() { return settings; }

    /** The {@link StreamStateSerializer} format this function writes. */
    public int stateFormat() { return stateFormat; }

    /** This instance's metrics (null before {@code open}). */
    ScoringMetrics metrics() { return metrics; }

    /** The descriptor of the keyed state for these settings (TTL included) in the given format. */
    public static ValueStateDescriptor<StreamState> stateDescriptor(ScoringSettings settings, int format) {
        ValueStateDescriptor<StreamState> d = new ValueStateDescriptor<>(STATE_NAME, StreamStateSerializer.ofFormat(format));
        if (settings.ttlEnabled()) {
            d.enableTimeToLive(StateTtlConfig.newBuilder(settings.stateTtl())
                    .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                    .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                    .build());
        }
        return d;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        lease = SharedModels.acquire(settings.model(), getRuntimeContext().getUserCodeClassLoader());
        scorer = settings.newScorer(lease.model());
        streams = getRuntimeContext().getState(stateDescriptor(settings, stateFormat));
        metrics = new ScoringMetrics(getRuntimeContext().getMetricGroup(), settings.latencyWindow());
    }

    @Override
    public void close() throws Exception {
        if (lease != null) lease.close();
        lease = null;
        scorer = null;
    }

    @Override
    public void processElement(DocumentChunk chunk, Context ctx, Collector<ChunkScore> out) throws Exception {
        String key = ctx.getCurrentKey();
        ChunkStep.Outcome o = ChunkStep.run(scorer, key.isEmpty() ? null : streams.value(), key, chunk);
        if (o.clear()) streams.clear();
        else if (o.keep() != null) streams.update(o.keep());
        if (o.rejected()) {
            reject(key, chunk, o.reject(), ctx);
            return;
        }
        ChunkResult r = o.result();
        if (r.modelUpgraded()) {
            ctx.output(OutputTags.MODEL_UPGRADE, new ModelUpgrade(key, o.fingerprintBefore(), scorer.fingerprint(),
                    chunk.chunkIndex(), r.chunkIndex(), r.lambdaPrev()));
            metrics.recordUpgrade();
        }
        ChunkScore score = o.score();
        if (score.tierChanged()) {
            ctx.output(OutputTags.TIER_TRANSITIONS, new TierTransition(key, chunk.chunkIndex(), r.previousTier(),
                    r.tier(), r.decision(), r.reason(), r.lambda(), r.lambdaDelta()));
        }
        ctx.output(OutputTags.ENERGY, new EnergySample(key, chunk.chunkIndex(), r.tier(), r.lambda(), score.layers(),
                r.stats().tokensComputed(), r.macs(), r.ungatedMacs(), r.bytesMoved(), r.energyPj(), r.wallMicros()));
        metrics.recordScored(r.tier(), r.decision(), r.skipped(), r.wallMicros());
        out.collect(score);
    }

    private void reject(String key, DocumentChunk chunk, String reason, Context ctx) {
        ctx.output(OutputTags.REJECTS, new ChunkReject(key, chunk.chunkIndex(), chunk.tokenCount(),
                chunk.endOfDocument(), reason));
        metrics.recordRejected();
    }
}
