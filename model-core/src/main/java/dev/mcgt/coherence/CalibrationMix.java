package dev.mcgt.coherence;

import dev.mcgt.McgtException;
import java.util.Locale;

/**
 * A tier mix in percent of chunks: skipped (tier 3), reduced (tier 1) and full (tier 0), summing to 100. Tier 2
 * (safe) is outside the mix: a mix is over the chunks that did not run tier 2.
 */
public record CalibrationMix(double skip, double tier1, double tier0) {
    /** How far the sum of a parsed mix may be from 100. */
    private static final double SUM_SLACK = 1e-6;

    /** Each share in 0..100 and the three summing to 100. */
    public CalibrationMix {
        if (!ok(skip) || !ok(tier1) || !ok(tier0)) {
            throw McgtException.badConfig("mix shares must be numbers in 0..100, got " + format(skip, tier1, tier0));
        }
        if (Math.abs(skip + tier1 + tier0 - 100.0) > 1e-3) {
            throw McgtException.badConfig("mix shares must sum to 100, got " + format(skip, tier1, tier0));
        }
    }

    private static boolean ok(double v) {
        return Double.isFinite(v) && v >= 0.0 && v <= 100.0;
    }

    /**
     * Parses {@code skip/tier1/tier0}, e.g. {@code 40/40/20}: exactly three non-negative numbers summing to 100.
     *
     * @throws McgtException BAD_CONFIG with a one-line message otherwise
     */
    public static CalibrationMix parse(String text) {
        String expected = "expected three numbers skip/tier1/tier0 summing to 100, e.g. 40/40/20";
        if (text == null || text.isBlank()) throw McgtException.badConfig("mix is empty (" + expected + ")");
        String[] parts = text.trim().split("/", -1);
        if (parts.length != 3) throw McgtException.badConfig("mix '" + text + "' has " + parts.length + " part(s) (" + expected + ")");
        double[] v = new double[3];
        for (int i = 0; i < 3; i++) {
            try {
                v[i] = Double.parseDouble(parts[i].trim());
            } catch (NumberFormatException e) {
                throw McgtException.badConfig("mix '" + text + "': '" + parts[i].trim() + "' is not a number (" + expected + ")");
            }
            if (!ok(v[i])) throw McgtException.badConfig("mix '" + text + "': each share must be in 0..100 (" + expected + ")");
        }
        double sum = v[0] + v[1] + v[2];
        if (Math.abs(sum - 100.0) > SUM_SLACK) {
            throw McgtException.badConfig("mix '" + text + "' sums to " + trim(sum) + ", not 100 (" + expected + ")");
        }
        return new CalibrationMix(v[0], v[1], v[2]);
    }

    /** The mix of tier counts (tier 2 excluded); 0/0/0 is not a mix, so an empty count gives 0/0/100. */
    public static CalibrationMix ofCounts(long skipped, long tier1, long tier0) {
        long n = skipped + tier1 + tier0;
        if (n == 0) return new CalibrationMix(0, 0, 100);
        double s = 100.0 * skipped / n;
        double t1 = 100.0 * tier1 / n;
        return new CalibrationMix(s, t1, Math.max(0.0, 100.0 - s - t1));
    }

    /** The largest absolute difference of the three shares, in percentage points. */
    public double distance(CalibrationMix o) {
        return Math.max(Math.abs(skip - o.skip), Math.max(Math.abs(tier1 - o.tier1), Math.abs(tier0 - o.tier0)));
    }

    /** {@code skip/tier1/tier0} with at most one decimal. */
    @Override
    public String toString() {
        return trim(skip) + "/" + trim(tier1) + "/" + trim(tier0);
    }

    private static String format(double a, double b, double c) {
        return trim(a) + "/" + trim(b) + "/" + trim(c);
    }

    private static String trim(double v) {
        String s = String.format(Locale.ROOT, "%.1f", v);
        return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
    }
}
