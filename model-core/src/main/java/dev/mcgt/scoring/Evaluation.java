package dev.mcgt.scoring;

import dev.mcgt.McgtException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * The quality figures of {@code mcgt eval}: how close gated document embeddings stay to ungated ones, and how well
 * a nearest-centroid classifier does on each. Pure functions, deterministic.
 */
public final class Evaluation {
    private Evaluation() { }

    /**
     * Cosine statistics over document pairs.
     *
     * @param count pairs
     * @param mean  mean cosine
     * @param p5    5th percentile (nearest rank: the ⌈0.05·n⌉-th smallest)
     * @param min   smallest cosine
     */
    public record CosineStats(int count, double mean, double p5, double min) { }

    /**
     * A nearest-centroid classifier's result on the held-out half.
     *
     * @param positiveLabel the label ranked as positive for the AUC
     * @param train         documents the centroids were fitted on
     * @param test          documents scored
     * @param accuracy      share of test documents whose predicted label is right
     * @param auc           ROC AUC of {@link Prediction#margin} for the positive label; NaN when the test half
     *                      lacks positives or negatives, or the training half has no positive
     */
    public record Classification(String positiveLabel, int train, int test, double accuracy, double auc) { }

    /** Cosine of two vectors (0 when either is the zero vector). */
    public static double cosine(float[] a, float[] b) {
        if (a.length != b.length) throw McgtException.badInput("vectors differ in dimension: " + a.length + " vs " + b.length);
        double dot = 0.0;
        double na = 0.0;
        double nb = 0.0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        if (na == 0.0 || nb == 0.0) return 0.0;
        return dot / (Math.sqrt(na) * Math.sqrt(nb));
    }

    /** Cosine statistics of {@code a.get(i)} against {@code b.get(i)}. */
    public static CosineStats cosines(List<float[]> a, List<float[]> b) {
        if (a.size() != b.size()) throw McgtException.badInput("cosine statistics need pairs");
        if (a.isEmpty()) return new CosineStats(0, Double.NaN, Double.NaN, Double.NaN);
        double[] c = new double[a.size()];
        double sum = 0.0;
        for (int i = 0; i < c.length; i++) {
            c[i] = cosine(a.get(i), b.get(i));
            sum += c[i];
        }
        Arrays.sort(c);
        return new CosineStats(c.length, sum / c.length, percentile(c, 5.0), c[0]);
    }

    /** Nearest-rank percentile of sorted values: the ⌈p/100·n⌉-th smallest (the smallest for p = 0). */
    public static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) return Double.NaN;
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /**
     * The positive label: {@code requested} when given (it must be one of the labels), else "spam" when present,
     * else the lexicographically last label.
     *
     * @throws McgtException BAD_INPUT when {@code requested} is not a label or there are no labels
     */
    public static String positiveLabel(Collection<String> labels, String requested) {
        TreeSet<String> set = new TreeSet<>(labels);
        if (set.isEmpty()) throw McgtException.badInput("no labelled documents");
        if (requested != null) {
            if (!set.contains(requested)) {
                throw McgtException.badInput("positive label '" + requested + "' is not among the labels " + set);
            }
            return requested;
        }
        return set.contains("spam") ? "spam" : set.last();
    }

    /**
     * Fits a nearest-centroid classifier on the even-indexed documents (0, 2, 4, … in the given order) and scores
     * it on the odd-indexed ones.
     *
     * @throws McgtException BAD_INPUT when the halves are empty, or the training half has fewer than two labels
     */
    public static Classification nearestCentroid(String fingerprint, List<String> labels, List<float[]> embeddings,
                                                 String positive) {
        if (labels.size() != embeddings.size()) throw McgtException.badInput("one label per embedding is needed");
        List<String> trainLabels = new ArrayList<>();
        List<float[]> trainVectors = new ArrayList<>();
        List<String> testLabels = new ArrayList<>();
        List<float[]> testVectors = new ArrayList<>();
        for (int i = 0; i < labels.size(); i++) {
            if (i % 2 == 0) {
                trainLabels.add(labels.get(i));
                trainVectors.add(embeddings.get(i));
            } else {
                testLabels.add(labels.get(i));
                testVectors.add(embeddings.get(i));
            }
        }
        if (testLabels.isEmpty()) throw McgtException.badInput("classification needs at least two labelled documents");
        if (new TreeSet<>(trainLabels).size() < 2) {
            throw McgtException.badInput("classification needs at least two labels among the training half");
        }
        Prototypes p = Prototypes.fit(fingerprint, trainLabels, trainVectors);
        boolean positiveTrained = p.labels().contains(positive);
        int right = 0;
        double[] scores = new double[testLabels.size()];
        boolean[] isPositive = new boolean[testLabels.size()];
        boolean anyPos = false;
        boolean anyNeg = false;
        for (int i = 0; i < scores.length; i++) {
            Prediction pr = p.predict(testVectors.get(i));
            if (pr.label().equals(testLabels.get(i))) right++;
            scores[i] = positiveTrained ? pr.margin(positive) : 0.0;
            isPositive[i] = testLabels.get(i).equals(positive);
            anyPos |= isPositive[i];
            anyNeg |= !isPositive[i];
        }
        double auc = positiveTrained && anyPos && anyNeg ? RocAuc.of(scores, isPositive) : Double.NaN;
        return new Classification(positive, trainLabels.size(), scores.length, (double) right / scores.length, auc);
    }
}
