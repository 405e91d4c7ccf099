package dev.mcgt.bench.report;

import java.util.Map;

/**
 * The seed's published numbers (from the original design's benchmark page: i7-12700K, one thread, timed on a
 * transformer stub that computes nothing) and the targets this project set against them. Every report figure is
 * printed next to its claim; none of these values is ever printed as ours.
 */
public final class Claims {
    private Claims() { }

    /** Claimed mean latency in µs per preset and tier (tier 2 was not published). */
    public static final Map<String, double[]> TIER_MEAN_US = Map.of(
            "micro", new double[] {850, 320, Double.NaN, 12},
            "baseline", new double[] {3400, 1150, Double.NaN, 18});

    /** Claimed speedup over tier 0 per preset and tier. */
    public static final Map<String, double[]> TIER_SPEEDUP = Map.of(
            "micro", new double[] {1, 2.7, Double.NaN, 70.8},
            "baseline", new double[] {1, 3.0, Double.NaN, 188.9});

    /** Targets: minimum speedup over tier 0 per preset and tier (NaN: no target). */
    public static final Map<String, double[]> TIER_TARGET = Map.of(
            "micro", new double[] {Double.NaN, 2.7, Double.NaN, 70},
            "baseline", new double[] {Double.NaN, 3.0, Double.NaN, 189});

    /** A claimed speedup range of a mix (low end, high end), or the mix-specific claim of one preset. */
    public record MixClaim(double low, double high, double meanUs, double p99Us) {
        public String speedup() {
            return low == high ? Fmt.compact(low) + "×" : Fmt.compact(low) + "–" + Fmt.compact(high) + "×";
        }
    }

    /** The claim for a mix on a model: the preset's own published interactive figures, else the generic range. */
    public static MixClaim mix(String model, String mix) {
        if (mix.equals("interactive") && model.equals("micro")) return new MixClaim(2.3, 2.3, 368, 850);
        if (mix.equals("interactive") && model.equals("baseline")) {
            return new MixClaim(2.7, 2.7, 1238, Double.NaN);
        }
        return switch (mix) {
            case "streaming" -> new MixClaim(10, 15, Double.NaN, Double.NaN);
            case "interactive" -> new MixClaim(4, 6, Double.NaN, Double.NaN);
            case "continuous" -> new MixClaim(2, 3, Double.NaN, Double.NaN);
            case "safety" -> new MixClaim(1.5, 2, Double.NaN, Double.NaN);
            default -> null;
        };
    }

    /** Target minimum speedup of a mix on a model over all-tier-0, NaN when none was set. */
    public static double mixTarget(String model, String mix) {
        if (mix.equals("interactive") && model.equals("micro")) return 2.3;
        if (mix.equals("interactive") && model.equals("baseline")) return 2.7;
        if (mix.equals("streaming")) return 10;
        return Double.NaN;
    }

    /** Claimed reduction of attention operations of window 16 over full attention at n = 1024. */
    public static final double WINDOW16_N1024_FEWER_OPS = 64;
}
