package dev.mcgt.sql;

import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.table.functions.ScalarFunction;

/**
 * {@code mcgt_embed(text)}: a text's pooled embedding with the gate off (every chunk at tier 0), chunked like the
 * DataStream job; null for a null, blank, too long or token-less text. Stateless: each call is a fresh stream.
 * Model as for {@link McgtScoreFunction}.
 */
public class McgtEmbedFunction extends ScalarFunction {
    private static final long serialVersionUID = 1L;

    private final SqlScoring configured;
    private transient SqlModel model;

    /** Settings from the job's configuration, read in {@code open}. */
    public McgtEmbedFunction() {
        this(null);
    }

    /** Fixed settings (the gate is turned off). */
    public McgtEmbedFunction(SqlScoring settings) {
        this.configured = settings;
    }

    @Override
    public void open(FunctionContext context) {
        model = SqlModel.open(configured, context, true);
    }

    @Override
    public void close() {
        model = SqlModel.release(model);
    }

    public @DataTypeHint("ARRAY<FLOAT NOT NULL>") float[] eval(String text) {
        if (model.check("embed", text) != null) return null;
        SqlModel.Document d = model.score("embed", text, null, s -> { }, o -> { });
        return d.reject() != null ? null : d.pooled().embedding();
    }
}
