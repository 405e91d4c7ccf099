package dev.mcgt.sql;

import dev.mcgt.McgtException;
import dev.mcgt.cli.ModelResolver;
import dev.mcgt.cli.PolicyResolver;
import dev.mcgt.flink.functions.ModelSource;
import dev.mcgt.flink.functions.ScoringSettings;
import dev.mcgt.model.ModelFile;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * What the SQL functions need: the scoring settings (model, policy, gate) of the DataStream job, the token
 * budget and overlap of its chunker, and the largest text accepted. Plain data shipped inside the functions.
 *
 * @param scoring      model, policy and gate, as {@code mcgt score} builds them
 * @param maxTokens    most content tokens scored per document (0 = all)
 * @param overlap      content tokens shared by consecutive chunks
 * @param maxTextChars longer texts are rejected (not scored)
 */
public record SqlScoring(ScoringSettings scoring, int maxTokens, int overlap, long maxTextChars) implements Serializable {
    /** Configuration keys (Flink configuration, {@code SET} or {@code pipeline.global-job-parameters}). */
    public static final String MODEL = "mcgt.model";
    public static final String POLICY = "mcgt.policy";
    public static final String GATE = "mcgt.gate";
    public static final String MAX_TOKENS = "mcgt.max-tokens";
    public static final String OVERLAP = "mcgt.overlap";
    public static final String MAX_TEXT_MB = "mcgt.max-text-mb";

    /** Checks the numbers with one-line messages. */
    public SqlScoring {
        if (scoring == null) throw McgtException.badConfig("scoring settings must be set");
        if (maxTokens < 0) throw McgtException.badConfig(MAX_TOKENS + " cannot be negative, got " + maxTokens);
        if (overlap < 0) throw McgtException.badConfig(OVERLAP + " cannot be negative, got " + overlap);
        if (maxTextChars < 1) throw McgtException.badConfig(MAX_TEXT_MB + " must be positive");
    }

    /**
     * The settings named by configuration: {@value #MODEL} (a model file with a tokenizer, or {@code minilm}; required),
     * {@value #POLICY} (a policy name or file, default {@code default}), {@value #GATE} ({@code on}/{@code off}),
     * {@value #MAX_TOKENS} (default 512), {@value #OVERLAP} (0), {@value #MAX_TEXT_MB} (64).
     *
     * @param config the value of a key, or null when it is not set
     * @throws McgtException with one line naming the key when a value is missing or bad
     */
    public static SqlScoring fromConfig(UnaryOperator<String> config) {
        String model = config.apply(MODEL);
        if (model == null || model.isBlank()) {
            throw McgtException.badConfig("no model: set " + MODEL + " (a model file with a tokenizer, or minilm)");
        }
        Path file = ModelResolver.resolve(model.trim());
        if (ModelFile.info(file).tokenizerBytes() <= 0) {
            throw McgtException.badConfig("model " + file + " has no tokenizer; import one with mcgt model import");
        }
        String gate = or(config.apply(GATE), "on");
        if (!gate.equals("on") && !gate.equals("off")) {
            throw McgtException.badConfig(GATE + " must be on or off, got '" + gate + "'");
        }
        ScoringSettings s = ScoringSettings.of(ModelSource.file(file.toAbsolutePath().toString()))
                .withProfile(PolicyResolver.resolveProfile(or(config.apply(POLICY), "default")))
                .withGate(gate.equals("on"));
        return new SqlScoring(s, number(config, MAX_TOKENS, 512), number(config, OVERLAP, 0),
                (long) number(config, MAX_TEXT_MB, 64) << 20);
    }

    /** The same settings with the gate off (every chunk at tier 0): {@code mcgt_embed}. */
    public SqlScoring ungated() {
        return new SqlScoring(scoring.withGate(false), maxTokens, overlap, maxTextChars);
    }

    private static String or(String v, String dflt) {
        return v == null || v.isBlank() ? dflt : v.trim();
    }

    private static int number(UnaryOperator<String> config, String key, int dflt) {
        String v = config.apply(key);
        if (v == null || v.isBlank()) return dflt;
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw McgtException.badConfig(key + " must be a whole number, got '" + v + "'");
        }
    }
}
