package dev.mcgt.sql;

import dev.mcgt.flink.functions.ChunkScore;
import dev.mcgt.flink.functions.ChunkStep;
import dev.mcgt.flink.state.StreamStateSerializer;
import dev.mcgt.scoring.DocumentAccumulator;
import dev.mcgt.stream.StreamState;
import org.apache.flink.table.annotation.ArgumentHint;
import org.apache.flink.table.annotation.ArgumentTrait;
import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.annotation.StateHint;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.table.functions.ProcessTableFunction;
import org.apache.flink.types.Row;

/**
 * {@code mcgt_score(input => TABLE docs PARTITION BY doc_id)}: the gated model as a Flink SQL process table
 * function (FLIP-440). Each input row is one document, with columns {@code doc_id} and {@code text} (others are
 * ignored); the text is tokenized and chunked as the DataStream job does ({@code TextChunks}) and every chunk runs
 * through {@link ChunkStep}, the step of {@code GatedScoringFunction}, against the document's {@link StreamState}.
 *
 * <p>Output, after the {@code doc_id} partition column: one row per {@link Kind}. {@code chunk}: the chunk's
 * embedding, tier, the gate's witness (decision, reason, λ, previous λ, Δλ, spike, novelty), layers, MACs and
 * energy. {@code document}: the pooled embedding (the DataStream job's document vector, bit for bit), token,
 * chunk and MAC totals and the λ range. Both carry {@code model_fingerprint}, the model that scored them. {@code reject}: a row or chunk that was not scored, with
 * {@code reject_reason} (missing id, missing/empty/too long text, no tokens, a duplicate id, a chunk the scorer
 * refused); bad rows never fail the job. Route them with {@code WHERE kind = ...}.
 *
 * <p>State per {@code doc_id}: {@link DocState}, whose stream is stored with {@link StreamStateSerializer} (the
 * versioned serializer of the DataStream job, as a {@code RAW} type) and cleared at the document's end, and a mark
 * that the id was scored, so a repeated id is a reject (the first row wins), as in {@code mcgt score}.
 *
 * <p>Model and policy: those given to the constructor ({@code mcgt sql} resolves them before planning), or, for
 * {@code CREATE FUNCTION ... AS 'dev.mcgt.sql.McgtScoreFunction'}, the job's configuration ({@link SqlScoring#fromConfig}).
 */
@DataTypeHint("ROW<kind STRING, chunk_index BIGINT, tokens INT, previous_tier INT, tier INT, decision STRING, "
        + "reason STRING, lambda BIGINT, lambda_prev BIGINT, lambda_delta INT, spike_fired BOOLEAN, novelty_q15 INT, "
        + "cache_hit BOOLEAN, layers INT, macs BIGINT, ungated_macs BIGINT, energy_pj DOUBLE, model_upgraded BOOLEAN, "
        + "embedding ARRAY<FLOAT NOT NULL>, chunks INT, dropped_tokens INT, lambda_min BIGINT, lambda_mean DOUBLE, "
        + "lambda_max BIGINT, reject_reason STRING, model_fingerprint STRING>")
public class McgtScoreFunction extends ProcessTableFunction<Row> {
    private static final long serialVersionUID = 1L;

    /** The {@code kind} column. */
    public enum Kind { chunk, document, reject }

    /** Per-document state of the function. */
    public static class DocState {
        /** The document was scored (or rejected) already: a later row with its id is a duplicate. */
        public boolean seen;
        /** The document's stream between chunks; null when none is open. */
        @DataTypeHint(value = "RAW", bridgedTo = StreamState.class, rawSerializer = StreamStateSerializer.class)
        public StreamState stream;
    }

    private final SqlScoring configured;
    private transient SqlModel model;

    /** Settings from the job's configuration ({@code mcgt.model}, {@code mcgt.policy}, ...), read in {@code open}. */
    public McgtScoreFunction() {
        this(null);
    }

    /** Fixed settings. */
    public McgtScoreFunction(SqlScoring settings) {
        this.configured = settings;
    }

    @Override
    public void open(FunctionContext context) {
        model = SqlModel.open(configured, context, false);
    }

    @Override
    public void close() {
        model = SqlModel.release(model);
    }

    /** Scores one document row. */
    public void eval(@StateHint DocState state, @ArgumentHint(ArgumentTrait.SET_SEMANTIC_TABLE) Row input) {
        String id = input.getFieldAs("doc_id");
        String text = input.getFieldAs("text");
        String bad = model.check(id, text);
        if (bad == null && state.seen) bad = "duplicate id: a row with this id was read before";
        if (bad != null) {
            collect(reject(-1, 0, bad));
            return;
        }
        state.seen = true;
        SqlModel.Document d = model.score(id, text, state.stream, s -> state.stream = s, o -> collect(chunkRow(o)));
        if (d.reject() != null) {
            collect(reject(-1, d.split().kept(), d.reject()));
            return;
        }
        DocumentAccumulator a = d.pooled();
        collect(Row.of(Kind.document.name(), null, d.split().kept(), null, null, null, null, null, null, null, null,
                null, null, null, a.macs(), a.ungatedMacs(), a.energyPj(), null, boxed(a.embedding()), a.chunks(),
                d.split().dropped(), a.lambdaMin(), a.lambdaMean(), a.lambdaMax(), null, model.fingerprint()));
    }

    private Row chunkRow(ChunkStep.Outcome o) {
        if (o.rejected()) return reject(-1, 0, "chunk rejected: " + o.reject());
        ChunkScore s = o.score();
        return Row.of(Kind.chunk.name(), s.chunkIndex(), s.tokens(), s.previousTier(), s.tier(), s.decision().name(),
                s.reason().name(), s.lambda(), s.lambdaPrev(), s.lambdaDelta(), s.spikeFired(), s.noveltyQ15(),
                s.cacheHit(), s.layers(), s.macs(), s.ungatedMacs(), s.energyPj(), s.modelUpgraded(), boxed(s.output()),
                null, null, null, null, null, null, model.fingerprint());
    }

    /** A vector as the row's {@code ARRAY<FLOAT>} (rows carry arrays of objects). */
    private static Float[] boxed(float[] v) {
        Float[] b = new Float[v.length];
        for (int i = 0; i < v.length; i++) b[i] = v[i];
        return b;
    }

    private static Row reject(long chunk, int tokens, String reason) {
        return Row.of(Kind.reject.name(), chunk < 0 ? null : chunk, tokens, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null, null, null, null, null, null, reason, null);
    }
}
