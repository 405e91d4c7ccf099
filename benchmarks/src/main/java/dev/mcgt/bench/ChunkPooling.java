package dev.mcgt.bench;

/**
 * The peers' chunk pooling, in a class without Flink types: the JMH jar runs {@link SpamAssassinPeersBenchmark}
 * without Flink on its classpath, and the peer job ({@link OrtPeerScoring}, a Flink map function) pools the same way.
 */
public final class ChunkPooling {
    private ChunkPooling() { }

    /** Mean of the rows, L2-normalised (zeros stay zeros). */
    public static float[] meanNormalised(float[][] rows) {
        int n = rows.length;
        float[] pooled = new float[rows[0].length];
        for (float[] row : rows) for (int j = 0; j < pooled.length; j++) pooled[j] += row[j] / n;
        double norm = 0;
        for (float v : pooled) norm += (double) v * v;
        norm = Math.sqrt(norm);
        if (norm == 0) return pooled;
        for (int j = 0; j < pooled.length; j++) pooled[j] = (float) (pooled[j] / norm);
        return pooled;
    }
}
