package dev.mcgt.sql;

import java.util.regex.Pattern;
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

    /** A call of one of the functions by name (a name inside a quoted text counts too: a model is then asked for). */
    private static final Pattern CALL = Pattern.compile("\\bmcgt_(score|embed|tokens)\\b", Pattern.CASE_INSENSITIVE);

    private McgtFunctions() { }

    /** True when {@code sql} names one of the functions, so running it needs a model. */
    public static boolean namedIn(String sql) {
        return CALL.matcher(sql).find();
    }

    /** Registers the three functions with fixed, already validated settings. */
    public static void register(TableEnvironment env, SqlScoring settings) {
        env.createTemporarySystemFunction(SCORE, new McgtScoreFunction(settings));
        env.createTemporarySystemFunction(EMBED, new McgtEmbedFunction(settings));
        env.createTemporarySystemFunction(TOKENS, new McgtTokensFunction(settings));
    }
}
