package dev.mcgt.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The MACs-vs-quality curves of the report ({@code quality-curve.json}, written by {@code scripts/bench-quality.sh}
 * from {@code mcgt calibrate --target-cosine}): per tier-1 variant and skip rule the explored policies' MAC ratio
 * and document cosine, and the target. Format:
 *
 * <pre>
 * {"measured": "…", "machine": "…", "command": "…", "corpus": "…",
 *  "target": {"macRatio": 0.35, "cosine": 0.97},
 *  "curves": [{"name": "lens, skip nearest", "points": [[macRatio, cosineMean], …]}, …]}
 * </pre>
 *
 * @param corpus  what was measured
 * @param command how to rerun it
 * @param targetMacRatio the MAC target (a vertical line)
 * @param targetCosine   the cosine target (a horizontal line)
 * @param curves  the curves, each its Pareto frontier (best cosine at no more MACs) when drawn
 */
public record QualityCurve(String corpus, String command, double targetMacRatio, double targetCosine,
                           List<Curve> curves) {
    /** One variant's explored points, [macRatio, cosine]. */
    public record Curve(String name, List<double[]> points) {
        /** The points no other point beats on both MACs and cosine, by increasing MACs. */
        public List<double[]> frontier() {
            List<double[]> sorted = new ArrayList<>(points);
            sorted.sort((a, b) -> a[0] != b[0] ? Double.compare(a[0], b[0]) : Double.compare(b[1], a[1]));
            List<double[]> f = new ArrayList<>();
            double best = Double.NEGATIVE_INFINITY;
            for (double[] p : sorted) {
                if (p[1] > best) {
                    f.add(p);
                    best = p[1];
                }
            }
            return f;
        }
    }

    /** Reads a curve file; empty when absent. */
    public static Optional<QualityCurve> read(Path file) {
        if (!Files.isRegularFile(file)) return Optional.empty();
        try {
            JsonNode n = Results.JSON.readTree(file.toFile());
            List<Curve> curves = new ArrayList<>();
            for (JsonNode c : n.path("curves")) {
                List<double[]> pts = new ArrayList<>();
                for (JsonNode p : c.path("points")) pts.add(new double[] {p.get(0).asDouble(), p.get(1).asDouble()});
                curves.add(new Curve(c.path("name").asText(), pts));
            }
            return Optional.of(new QualityCurve(n.path("corpus").asText(""), n.path("command").asText(""),
                    n.path("target").path("macRatio").asDouble(0.35), n.path("target").path("cosine").asDouble(0.97),
                    curves));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
