package dev.mcgt.cli;

import dev.mcgt.job.JobProgress;
import java.util.Locale;

/**
 * {@code mcgt score}'s progress line: elapsed time, a bar and count of the documents scored against the input's
 * estimated records ({@link InputCount}), chunks per second since the first chunk was scored (so start-up and
 * model loading do not drag the rate down) and the ETA at that pace. Without an estimate: no bar and no ETA.
 */
final class ProgressLine {
    static final int BAR = 20;

    private ProgressLine() { }

    /**
     * @param elapsedMillis since the job was submitted (the progress's base time)
     * @param expected      estimated documents, or ≤ 0 for unknown
     */
    static String format(long elapsedMillis, JobProgress p, long expected) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "mcgt score: %s", clock(elapsedMillis / 1000.0)));
        long docs = p.documentsScored();
        if (expected > 0) {
            double f = Math.min(1.0, (double) docs / expected);
            int full = (int) Math.round(f * BAR);
            b.append(" [").append("#".repeat(full)).append(".".repeat(BAR - full)).append(']');
            b.append(String.format(Locale.ROOT, " %d/%d documents (%.0f %%)", docs, expected, 100 * f));
        } else {
            b.append(String.format(Locale.ROOT, " %d documents", docs));
        }
        long first = p.firstChunkMillis();
        double scoringSeconds = first < 0 ? 0 : Math.max(0.001, (elapsedMillis - first) / 1000.0);
        b.append(String.format(Locale.ROOT, ", %d chunks (%.1f chunks/s)", p.chunks(),
                scoringSeconds == 0 ? 0.0 : p.chunks() / scoringSeconds));
        if (expected > 0 && docs > 0 && scoringSeconds > 0) {
            double left = Math.max(0, expected - docs) / (docs / scoringSeconds);
            b.append(", ETA ").append(docs >= expected ? "writing" : clock(left));
        } else if (first < 0) {
            b.append(", starting");
        }
        if (p.documents() > 0) b.append(String.format(Locale.ROOT, ", %d written", p.documents()));
        return b.toString();
    }

    static String clock(double seconds) {
        if (seconds < 60) return String.format(Locale.ROOT, "%.0f s", seconds);
        long s = Math.round(seconds);
        if (s < 3600) return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
        return String.format(Locale.ROOT, "%d h %02d min", s / 3600, (s % 3600) / 60);
    }
}
