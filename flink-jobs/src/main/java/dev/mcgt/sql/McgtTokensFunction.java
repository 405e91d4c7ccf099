package dev.mcgt.sql;

import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.table.functions.ScalarFunction;

/**
 * {@code mcgt_tokens(text)}: the number of content tokens the model's tokenizer makes of a text (before the
 * {@code mcgt.max-tokens} budget), null for a null text. Model as for {@link McgtScoreFunction}.
 */
public class McgtTokensFunction extends ScalarFunction {
    private static final long serialVersionUID = 1L;

    private final SqlScoring configured;
    private transient SqlModel model;

    /** Settings from the job's configuration, read in {@code open}. */
    public McgtTokensFunction() {
        this(null);
    }

    /** Fixed settings. */
    public McgtTokensFunction(SqlScoring settings) {
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

    public Integer eval(String text) {
        return text == null ? null : model.tokens(text);
    }
}
