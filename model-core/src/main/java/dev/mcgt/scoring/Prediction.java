package dev.mcgt.scoring;

import java.util.Map;

/**
 * A nearest-centroid prediction of {@link Prototypes#predict}.
 *
 * @param label        the predicted label (the centroid most similar to the embedding)
 * @param score        the cosine between the embedding and the predicted centroid
 * @param similarities the cosine to every centroid, by label, in label order
 */
public record Prediction(String label, double score, Map<String, Double> similarities) {

    /** Copies the map (iteration order kept). */
    public Prediction {
        similarities = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(similarities));
    }

    /**
     * A score for ranking documents as {@code positive}: the cosine to its centroid minus the best cosine to any
     * other centroid (positive when {@code positive} is predicted). With two labels this is the difference of the
     * two similarities.
     *
     * @throws IllegalArgumentException when {@code positive} is not one of the labels
     */
    public double margin(String positive) {
        Double p = similarities.get(positive);
        if (p == null) throw new IllegalArgumentException("unknown label '" + positive + "'");
        double other = Double.NEGATIVE_INFINITY;
        for (Map.Entry<String, Double> e : similarities.entrySet()) {
            if (!e.getKey().equals(positive)) other = Math.max(other, e.getValue());
        }
        return other == Double.NEGATIVE_INFINITY ? p : p - other;
    }
}
