package dev.mcgt.runtime;

import dev.mcgt.McgtException;
import java.util.List;

/**
 * Tier 1 as full depth on fewer tokens (encoders): the first {@code afterLayers} blocks run on every kept token,
 * then {@link TokenMerger} merges the most similar tokens until {@code schedule[0]} remain (each kept token carries
 * the count of tokens it stands for), after the next block down to {@code schedule[1]}, and so on (the last entry
 * holds for the remaining blocks). The chunk vector is the count-weighted mean of the last layer's rows, so it
 * lives in the final layer's space like a tier-0 vector. Tier 1 then also uses the normal attention window (the
 * kept tokens are spread over the whole chunk).
 *
 * <p>With {@code proportionalAttention} a merged token counts in attention as the tokens it stands for: its
 * score gets log(count) added before the softmax (ToMe's proportional attention), so that softmax weights what a
 * group of tokens received before merging. {@code mergeBy} says what similarity pairs tokens: the hidden states
 * or, as ToMe does, the block's keys.
 *
 * @param afterLayers           blocks run on all tokens before merging (1 .. layers − 1)
 * @param schedule              tokens left after block afterLayers, afterLayers + 1, … (non-increasing, each at
 *                              least 2: the first and last token are never merged away)
 * @param proportionalAttention add log(count) to a merged token's attention scores
 * @param mergeBy               the similarity that pairs tokens for merging
 */
public record TokenPruning(int afterLayers, List<Integer> schedule, boolean proportionalAttention, MergeMetric mergeBy) {
    /** What similarity pairs tokens for merging. */
    public enum MergeMetric {
        /** Cosine of the hidden states after the block. */
        HIDDEN("hidden"),
        /** Cosine of the block's keys (concatenated over heads), as in ToMe. */
        KEYS("keys");

        private final String label;

        MergeMetric(String label) { this.label = label; }

        public String label() { return label; }

        /** Parses {@code hidden} or {@code keys}. */
        public static MergeMetric parse(String s) {
            for (MergeMetric m : values()) if (m.label.equals(s)) return m;
            throw McgtException.badConfig("merge metric must be hidden or keys, got '" + s + "'");
        }
    }

    /** Validates the fields with one-line messages. */
    public TokenPruning {
        if (afterLayers < 1) throw McgtException.badConfig("token pruning needs at least 1 layer before merging, got " + afterLayers);
        if (schedule == null || schedule.isEmpty()) throw McgtException.badConfig("token pruning needs at least one token count");
        schedule = List.copyOf(schedule);
        int prev = Integer.MAX_VALUE;
        for (int k : schedule) {
            if (k < 2) throw McgtException.badConfig("token pruning must keep at least 2 tokens, got " + k);
            if (k > prev) throw McgtException.badConfig("token pruning's token counts must not increase: " + schedule);
            prev = k;
        }
        if (mergeBy == null) throw McgtException.badConfig("token pruning needs a merge metric");
    }

    /** One cut after {@code afterLayers} blocks down to {@code keepTokens}, hidden-state similarity, plain attention. */
    public TokenPruning(int afterLayers, int keepTokens) {
        this(afterLayers, List.of(keepTokens), false, MergeMetric.HIDDEN);
    }

    /** Whether this is the one-cut form of {@link #TokenPruning(int, int)} (what files of format 1 hold). */
    public boolean isSimple() {
        return schedule.size() == 1 && !proportionalAttention && mergeBy == MergeMetric.HIDDEN;
    }

    /** Tokens left at the end (the schedule's last entry). */
    public int keepTokens() {
        return schedule.get(schedule.size() - 1);
    }

    /** Tokens to keep after {@code blocksDone} blocks (counted from the first that runs), or 0 for no merging. */
    public int keepAfter(int blocksDone) {
        if (blocksDone < afterLayers) return 0;
        return schedule.get(Math.min(blocksDone - afterLayers, schedule.size() - 1));
    }

    /** Checks the fields against a model's layer count and chunk length. */
    public TokenPruning checkFor(int layers, int seqLenMax) {
        if (afterLayers >= layers) {
            throw McgtException.badConfig("token pruning after " + afterLayers + " layers leaves nothing to prune in a "
                    + layers + "-layer model");
        }
        if (schedule.get(0) > seqLenMax) {
            throw McgtException.badConfig("token pruning keeps " + schedule.get(0) + " tokens, chunks hold at most " + seqLenMax);
        }
        if (afterLayers + schedule.size() - 1 >= layers) {
            throw McgtException.badConfig("token pruning's schedule of " + schedule.size() + " counts after " + afterLayers
                    + " layers is longer than the " + layers + "-layer model");
        }
        return this;
    }

    /** One line for reports: {@code 1 layer(s), then 64/32/16 tokens [keys, proportional]}. */
    public String describe() {
        StringBuilder s = new StringBuilder().append(afterLayers).append(" layer(s), then ");
        for (int i = 0; i < schedule.size(); i++) s.append(i == 0 ? "" : "/").append(schedule.get(i));
        s.append(" tokens");
        if (mergeBy != MergeMetric.HIDDEN || proportionalAttention) {
            s.append(" [").append(mergeBy.label()).append(proportionalAttention ? ", proportional" : "").append(']');
        }
        return s.toString();
    }
}
