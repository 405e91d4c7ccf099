package dev.mcgt.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One line of {@code scores/}: a scored document. Everything here is computed, nothing is measured, so the same
 * input gives the same line in BATCH and STREAMING mode and at any parallelism.
 *
 * @param id            the document id
 * @param label         the input label, or null
 * @param predicted     the scoring head's class, or null without {@code --prototypes}
 * @param score         cosine similarity to the predicted class's centroid (NaN without a head)
 * @param similarities  cosine to each class centroid, in label order (null without a head)
 * @param classes       the head's labels (null without a head)
 * @param embedding     the pooled document embedding, or null unless {@code --emit-embeddings}
 * @param tokens        content tokens scored
 * @param droppedTokens content tokens beyond {@code --max-tokens}
 * @param chunks        chunks scored
 * @param tiers         chunks per tier (0..3)
 * @param cacheHits     skipped chunks served from the cached output
 * @param lambdaMin     smallest chunk λ
 * @param lambdaMean    mean chunk λ
 * @param lambdaMax     largest chunk λ
 * @param macs          int8 MACs done
 * @param ungatedMacs   MACs an ungated run would do (analytic)
 * @param energyPj      estimated energy, picojoules
 * @param modelUpgraded a chunk of this document was the first after a model change (KV cache dropped)
 */
public record DocumentScore(String id, String label, String predicted, double score, double[] similarities,
                            String[] classes, float[] embedding, int tokens, int droppedTokens, int chunks, int[] tiers,
                            int cacheHits, long lambdaMin, double lambdaMean, long lambdaMax, long macs,
                            long ungatedMacs, double energyPj, boolean modelUpgraded) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** MACs done / MACs ungated (1 when both are 0). */
    public double macRatio() {
        return ungatedMacs == 0 ? (macs == 0 ? 1.0 : Double.POSITIVE_INFINITY) : (double) macs / ungatedMacs;
    }

    /** The JSON line (no trailing newline). */
    public String toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", id);
        if (label != null) o.put("label", label);
        if (predicted != null) {
            o.put("predicted", predicted);
            o.put("score", round(score));
            ObjectNode s = o.putObject("similarities");
            for (int i = 0; i < classes.length; i++) s.put(classes[i], round(similarities[i]));
        }
        o.put("tokens", tokens);
        if (droppedTokens > 0) o.put("droppedTokens", droppedTokens);
        o.put("chunks", chunks);
        ObjectNode t = o.putObject("tiers");
        for (int i = 0; i < tiers.length; i++) t.put(Integer.toString(i), tiers[i]);
        o.put("cacheHits", cacheHits);
        ObjectNode l = o.putObject("lambda");
        l.put("min", lambdaMin).put("mean", lambdaMean).put("max", lambdaMax);
        o.put("macs", macs);
        o.put("ungatedMacs", ungatedMacs);
        o.put("macRatio", round(macRatio()));
        o.put("energyPj", energyPj);
        if (modelUpgraded) o.put("modelUpgraded", true);
        if (embedding != null) {
            ArrayNode a = o.putArray("embedding");
            for (float f : embedding) a.add(f);
        }
        return o.toString();
    }

    private static double round(double v) {
        return Double.isFinite(v) ? Math.round(v * 1e6) / 1e6 : v;
    }
}
