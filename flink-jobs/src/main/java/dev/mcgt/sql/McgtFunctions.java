package dev.mcgt.sql;

import org.apache.flink.table.api.TableEnvironment;

/**
 * Registers the SQL functions under their names as temporary system functions: {@value #SCORE}
 * ({@link McgtScoreFunction}), {@value #EMBED} ({@link McgtEmbedFunction}) and {@value #TOKENS}
 * ({@link McgtTokensFunction}). The same classes can be registered from the job jar with
 * {@code CREATE FUNCTION mcgt_score AS 'dev.mcgt.sql.McgtScoreFunction'}; they then read {@code mcgt.*} from
 * the job's configuration.
 */
public final class McgtFunctions {
    public static final String SCORE = "mcgt_score";
    public static final String EMBED = "mcgt_embed";
    public static final String TOKENS = "mcgt_tokens";

    private McgtFunctions() { }

    /** Registers the three functions with fixed, already validated settings. */
    public static void register(TableEnvironment env, SqlScoring settings) {
        env.createTemporarySystemFunction(SCORE, new McgtScoreFunction(settings));
        env.createTemporarySystemFunction(EMBED, new McgtEmbedFunction(settings));
        env.createTemporarySystemFunction(TOKENS, new McgtTokensFunction(settings));
    }
}
