package dev.mcgt.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcgt.coherence.CoherenceProbeConfig;
import dev.mcgt.coherence.SpikeDetectorConfig;
import dev.mcgt.config.GatePolicy;
import dev.mcgt.flink.functions.ModelSource;
import dev.mcgt.flink.functions.ScoringSettings;
import dev.mcgt.scoring.GatingProfile;
import dev.mcgt.model.ModelFile;
import dev.mcgt.runtime.GatedTransformer;
import dev.mcgt.runtime.RuntimeOptions;
import dev.mcgt.scoring.DocumentScorer;
import dev.mcgt.scoring.ScorerConfig;
import dev.mcgt.scoring.UngatedMacs;
import dev.mcgt.testing.TinyEncoder;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Inputs, settings and the expected core results of the job tests. */
final class JobFixtures {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int MAX_TOKENS = 48;

    private JobFixtures() { }

    /** A good document line. */
    static String doc(String id, String text, String label) {
        ObjectNode o = JSON.createObjectNode().put("id", id).put("text", text);
        if (label != null) o.put("label", label);
        return o.toString();
    }

    /** Good documents: lengths 3..60 words, some repeated text (cache hits), labels on most, one unknown field. */
    static List<String> goodLines() {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String text = TinyEncoder.words(3 + i * 6, i % 3 == 0 ? 0 : i);
            if (i == 4) text = text + " " + text;   // a repeated chunk
            lines.add(doc("doc-" + i, text, i == 7 ? null : (i % 2 == 0 ? "even" : "odd")));
        }
        lines.add("{\"id\": 42, \"text\": \"" + TinyEncoder.words(20, 5) + "\", \"extra\": {\"nested\": [1, 2]}}");
        lines.add(doc("../../escape/../x", TinyEncoder.words(9, 2), "odd"));
        return lines;
    }

    /** Ids of {@link #goodLines()}. */
    static List<String> goodIds() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) ids.add("doc-" + i);
        ids.add("42");
        ids.add("../../escape/../x");
        return ids;
    }

    /** Bad lines, each with a fragment of its expected reject reason. */
    static List<String[]> badLines() {
        return List.of(
                new String[] {"{not json", "malformed JSON"},
                new String[] {"[1, 2]", "expected a JSON object, got an array"},
                new String[] {"{\"id\": \"m1\"}", "missing text field 'text'"},
                new String[] {"{\"id\": \"e1\", \"text\": \"   \"}", "text field 'text' is empty"},
                new String[] {"{\"text\": \"no id here\"}", "missing id field 'id'"},
                new String[] {"{\"id\": {\"a\": 1}, \"text\": \"alpha\"}", "must be a string or an integer"},
                new String[] {doc("doc-3", "alpha bravo", null), "duplicate id"},
                new String[] {doc("ctl", "\u0001\u0002\u0003", null), "text has no tokens"});
    }

    /** Writes good lines, bad lines, a blank line and an invalid-UTF-8 line; returns the file. */
    static Path writeInput(Path file) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (String l : goodLines()) b.write((l + "\n").getBytes(StandardCharsets.UTF_8));
        b.write("\n".getBytes(StandardCharsets.UTF_8));
        for (String[] l : badLines()) b.write((l[0] + "\n").getBytes(StandardCharsets.UTF_8));
        b.write("{\"id\": \"utf\", \"text\": \"bad ".getBytes(StandardCharsets.UTF_8));
        b.write(new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF});
        b.write("\"}\n".getBytes(StandardCharsets.UTF_8));
        Files.write(file, b.toByteArray());
        return file;
    }

    /** Rejects expected from {@link #writeInput}: the bad lines plus the invalid UTF-8 line. */
    static int expectedRejects() {
        return badLines().size() + 1;
    }

    static JobSettings settings(Path model, Path input, Path output, boolean streaming, boolean embeddings) {
        return settings(model, input, output, streaming, embeddings, GatingProfile.of(GatePolicy.defaults()));
    }

    static JobSettings settings(Path model, Path input, Path output, boolean streaming, boolean embeddings,
                                GatingProfile profile) {
        ScoringSettings scoring = ScoringSettings.of(ModelSource.file(model.toString())).withProfile(profile);
        return new JobSettings(input.toString(), output.toString(), streaming, scoring, InputFields.defaults(), MAX_TOKENS,
                0, 1L << 26, null, embeddings, Duration.ofMillis(200), null);
    }

    /** The core's scorer configured exactly as the job's stages are. */
    static DocumentScorer coreScorer(Path model) {
        return coreScorer(model, GatingProfile.of(GatePolicy.defaults()));
    }

    /** The core's scorer with a gating profile, configured exactly as the job's stages are. */
    static DocumentScorer coreScorer(Path model, GatingProfile profile) {
        var loaded = ModelFile.load(model);
        GatingProfile pr = profile.forModel(loaded.weights().config());
        GatePolicy p = pr.policy();
        GatedTransformer t = new GatedTransformer(loaded.weights(), p,
                pr.runtimeOptions(RuntimeOptions.defaults().withSkipOnCacheHit(true)));
        return new DocumentScorer(t, loaded.fingerprint(), CoherenceProbeConfig.defaults(), SpikeDetectorConfig.fromPolicy(p),
                pr.scorerConfig(new ScorerConfig(MAX_TOKENS, 0, true, UngatedMacs.ANALYTIC)));
    }
}
