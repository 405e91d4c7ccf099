package dev.mcgt.scoring;

import dev.mcgt.McgtException;
import java.util.Arrays;

/**
 * Area under the ROC curve of scores for a binary label: the probability that a random positive scores above a
 * random negative, ties counting one half (the Mann–Whitney statistic, with average ranks over tied scores).
 */
public final class RocAuc {
    private RocAuc() { }

    /**
     * @param scores   higher means more likely positive; finite
     * @param positive the true class of each score
     * @return the AUC in 0..1
     * @throws McgtException BAD_INPUT when the lengths differ, a score is not finite, or either class is absent
     */
    public static double of(double[] scores, boolean[] positive) {
        if (scores == null || positive == null || scores.length != positive.length) {
            throw McgtException.badInput("ROC AUC needs one class per score");
        }
        int n = scores.length;
        long pos = 0;
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(scores[i])) throw McgtException.badInput("ROC AUC: score " + i + " is not finite");
            if (positive[i]) pos++;
        }
        long neg = n - pos;
        if (pos == 0 || neg == 0) throw McgtException.badInput("ROC AUC needs both positive and negative examples");
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
        double positiveRankSum = 0.0;
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) j++;
            double avgRank = (i + j) / 2.0 + 1.0; // ranks are 1-based
            for (int k = i; k <= j; k++) if (positive[order[k]]) positiveRankSum += avgRank;
            i = j + 1;
        }
        double u = positiveRankSum - pos * (pos + 1) / 2.0;
        return u / ((double) pos * neg);
    }
}
