package dev.mcgt.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Number formatting and markdown tables for the report. Missing values (NaN) print as an em dash. */
public final class Fmt {
    /** Printed for a value that was not measured. */
    public static final String NONE = "—";

    private Fmt() { }

    /**
     * About three significant digits, thousands grouped: 12880 → "12,880", 617.2 → "617", 57.04 → "57.0",
     * 4.163 → "4.16", 0.1184 → "0.118".
     */
    public static String num(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) return NONE;
        double a = Math.abs(v);
        if (a >= 100 || a == 0) return String.format(Locale.ROOT, "%,.0f", v);
        if (a >= 10) return String.format(Locale.ROOT, "%.1f", v);
        if (a >= 1) return String.format(Locale.ROOT, "%.2f", v);
        int digits = Math.min(9, 2 - (int) Math.floor(Math.log10(a)));
        return String.format(Locale.ROOT, "%." + digits + "f", v);
    }

    /** Like {@link #num} without trailing zeros after the point: 10.0 → "10", 2.30 → "2.3" (for claims). */
    public static String compact(double v) {
        String s = num(v);
        if (s.indexOf('.') < 0) return s;
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    /** A ratio with the times sign, e.g. "10.8×". */
    public static String times(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? NONE : num(v) + "×";
    }

    /** Bytes with a binary unit: 460032 → "449 KiB". */
    public static String bytes(double v) {
        if (Double.isNaN(v)) return NONE;
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        int u = 0;
        while (Math.abs(v) >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return num(v) + " " + units[u];
    }

    /** A pass/fail cell: "pass (≥ 2.7×)" or "**fail** (≥ 2.7×)"; em dash when the value is missing. */
    public static String verdict(double value, double atLeast) {
        if (Double.isNaN(value)) return NONE;
        String target = "≥ " + compact(atLeast) + "×";
        return value >= atLeast ? "pass (" + target + ")" : "**fail** (" + target + ")";
    }

    /** A share as a percentage: 0.742 → "74.2 %". */
    public static String pct(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? NONE : num(v * 100) + " %";
    }

    /** A pass/fail cell for a share: "pass (≥ 70 %)" or "**fail** (≥ 70 %)"; em dash when missing. */
    public static String verdictShare(double value, double atLeast) {
        if (Double.isNaN(value)) return NONE;
        String target = "≥ " + compact(atLeast * 100) + " %";
        return value >= atLeast ? "pass (" + target + ")" : "**fail** (" + target + ")";
    }

    /** A markdown table. */
    public static final class Table {
        private final List<String> header;
        private final List<List<String>> rows = new ArrayList<>();

        public Table(String... header) {
            this.header = List.of(header);
        }

        public Table row(Object... cells) {
            List<String> r = new ArrayList<>();
            for (Object c : cells) r.add(c == null ? NONE : c.toString().replace("|", "\\|").replace("\n", " "));
            while (r.size() < header.size()) r.add(NONE);
            rows.add(r);
            return this;
        }

        public boolean isEmpty() { return rows.isEmpty(); }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder();
            b.append("| ").append(String.join(" | ", header)).append(" |\n|");
            for (int i = 0; i < header.size(); i++) b.append(i == 0 ? "---|" : "---:|");
            b.append('\n');
            for (List<String> r : rows) b.append("| ").append(String.join(" | ", r)).append(" |\n");
            return b.toString();
        }
    }
}
