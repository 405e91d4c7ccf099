package dev.mcgt.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The figures of a finished run, read back from its output folder (so they describe exactly what was written):
 * documents, chunks, rejects, tier mix, MACs against an ungated run, estimated energy, and accuracy when the
 * documents had labels and a scoring head predicted classes.
 *
 * @param documents   lines in {@code scores/}
 * @param chunks      chunks over those documents
 * @param tiers       chunks per tier
 * @param macs        MACs done
 * @param ungatedMacs MACs an ungated run would do
 * @param energyPj    estimated energy, picojoules
 * @param rejects     lines in {@code rejects/}
 * @param transitions lines in {@code telemetry/tier-transitions/}
 * @param upgrades    lines in {@code telemetry/model-upgrades/}
 * @param labelled    documents with both a label and a prediction
 * @param correct     of those, predicted == label
 */
public record RunSummary(long documents, long chunks, long[] tiers, long macs, long ungatedMacs, double energyPj,
                         long rejects, long transitions, long upgrades, long labelled, long correct) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Reads the output folder of a finished run. */
    public static RunSummary read(Path output) throws IOException {
        long docs = 0, chunks = 0, macs = 0, ungated = 0, labelled = 0, correct = 0;
        double energy = 0;
        long[] tiers = new long[4];
        for (Path f : parts(output.resolve(DocumentScoringJob.SCORES))) {
            try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.isBlank()) continue;
                    JsonNode n = JSON.readTree(line);
                    docs++;
                    chunks += n.path("chunks").asLong();
                    for (int t = 0; t < 4; t++) tiers[t] += n.path("tiers").path(Integer.toString(t)).asLong();
                    macs += n.path("macs").asLong();
                    ungated += n.path("ungatedMacs").asLong();
                    energy += n.path("energyPj").asDouble();
                    if (n.hasNonNull("label") && n.hasNonNull("predicted")) {
                        labelled++;
                        if (n.get("label").asText().equals(n.get("predicted").asText())) correct++;
                    }
                }
            }
        }
        return new RunSummary(docs, chunks, tiers, macs, ungated, energy, lines(output.resolve(DocumentScoringJob.REJECTS)),
                lines(output.resolve(DocumentScoringJob.TRANSITIONS)), lines(output.resolve(DocumentScoringJob.UPGRADES)),
                labelled, correct);
    }

    /** MACs done / ungated MACs (NaN when nothing ran). */
    public double macRatio() {
        return ungatedMacs == 0 ? Double.NaN : (double) macs / ungatedMacs;
    }

    /** The finished part files of an output sub-folder (in-progress and hidden files excluded), sorted. */
    public static List<Path> parts(Path folder) throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(folder)) return out;
        try (Stream<Path> s = Files.list(folder)) {
            s.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith(".") && !p.getFileName().toString().startsWith("_"))
                    .sorted().forEach(out::add);
        }
        return out;
    }

    /** Every line of every finished part file of a folder, in file order. */
    public static List<String> readLines(Path folder) throws IOException {
        List<String> lines = new ArrayList<>();
        for (Path f : parts(folder)) {
            for (String l : Files.readAllLines(f, StandardCharsets.UTF_8)) if (!l.isBlank()) lines.add(l);
        }
        return lines;
    }

    private static long lines(Path folder) throws IOException {
        return readLines(folder).size();
    }
}
