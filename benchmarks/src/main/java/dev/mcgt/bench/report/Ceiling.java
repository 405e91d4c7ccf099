package dev.mcgt.bench.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The machine's INT8 GEMM ceiling as the hand-written C kernels of {@code ../shared/tools/gemm-ceiling/run.sh}
 * measured it in the same session ({@code gemm-ceiling.txt} in the results folder, the tool's output as printed:
 * {@code shape variant GMAC/s best us/call}, shapes named m×n×k). Shapes are kept in our M×K×N naming.
 *
 * @param gmacs our shape (M×K×N, e.g. {@code 64x256x1024}) → variant → median GMAC/s of the tool
 */
public record Ceiling(Map<String, Map<String, Double>> gmacs) {

    /** Reads the tool's output; empty when the file is absent or holds no result line. */
    public static Optional<Ceiling> read(Path file) {
        if (!Files.isRegularFile(file)) return Optional.empty();
        try {
            return parse(Files.readAllLines(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static Optional<Ceiling> parse(List<String> lines) {
        Map<String, Map<String, Double>> m = new LinkedHashMap<>();
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 3 || !f[0].matches("\\d+x\\d+x\\d+") || !f[1].startsWith("c_")) continue;
            String[] d = f[0].split("x"); // the tool's m × n × k
            String ours = d[0] + "x" + d[2] + "x" + d[1];
            try {
                m.computeIfAbsent(ours, k -> new LinkedHashMap<>()).put(f[1], Double.parseDouble(f[2]));
            } catch (NumberFormatException e) {
                // a MISMATCH line or other text: not a figure
            }
        }
        return m.isEmpty() ? Optional.empty() : Optional.of(new Ceiling(m));
    }

    /** The fastest variant of a shape (name and GMAC/s), or empty. */
    public Optional<Map.Entry<String, Double>> best(String shape) {
        Map<String, Double> v = gmacs.get(shape);
        if (v == null) return Optional.empty();
        return v.entrySet().stream().max(Map.Entry.comparingByValue());
    }

    /** One variant's GMAC/s on a shape, NaN when absent. */
    public double of(String shape, String variant) {
        Map<String, Double> v = gmacs.get(shape);
        Double g = v == null ? null : v.get(variant);
        return g == null ? Double.NaN : g;
    }
}
