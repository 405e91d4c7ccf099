package dev.mcgt.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcgt.config.Activation;
import dev.mcgt.config.AttentionKind;
import dev.mcgt.config.NormPlacement;
import dev.mcgt.config.TransformerConfig;
import dev.mcgt.model.ModelFile;
import dev.mcgt.model.ModelWeights;
import dev.mcgt.model.SyntheticWeights;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** A tiny two-topic encoder (the shared tokenizer fixture over its own words) and labelled documents for it. */
final class LabelledCorpus {
    static final ObjectMapper JSON = new ObjectMapper();
    /** Two topics of twelve words each: "ham" documents draw mostly from the first, "spam" from the second. */
    static final String[] WORDS = {"river", "stone", "cloud", "maple", "harbor", "meadow", "lantern", "violin",
        "garden", "candle", "pebble", "orchard", "offer", "cash", "winner", "prize", "credit", "bonus", "click",
        "deal", "free", "urgent", "claim", "reward"};

    private LabelledCorpus() { }

    /** Writes the model (S 16, D 32, 2 layers) to {@code file}. */
    static Path write(Path file) {
        TransformerConfig c = TransformerConfig.builder().seqLenMax(16).hidden(32).heads(2).layers(2).windowNormal(16)
                .windowDegraded(8).windowSafe(4).ffnMult(2).logits(0).layersDegraded(1).seqLenDegraded(8)
                .seqLenSafe(4).vocabSize(4 + WORDS.length).maxPositions(64).typeVocabSize(2)
                .normPlacement(NormPlacement.POST).activation(Activation.GELU_ERF)
                .attention(AttentionKind.BIDIRECTIONAL).kvContext(16).layerNormEps(1e-12f).build();
        ModelFile.write(dev.mcgt.testing.TinyEncoder.withTokenizer(SyntheticWeights.generate(c, 11),
                dev.mcgt.testing.TinyEncoder.tokenizerJson(WORDS)), file);
        return file;
    }

    static List<String> documents(int n, long seed) {
        Random r = new Random(seed);
        List<String> lines = new ArrayList<>();
        for (int d = 0; d < n; d++) {
            boolean spam = (d / 2) % 2 == 1; // ham, ham, spam, spam, …: both halves hold both labels
            int words = 20 + r.nextInt(61);
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < words; i++) {
                int topic = r.nextInt(10) < 8 == spam ? 12 : 0;
                sb.append(WORDS[topic + r.nextInt(12)]).append(i % 7 == 6 ? ". " : " ");
            }
            ObjectNode o = JSON.createObjectNode();
            o.put("id", "doc-" + d);
            o.put("label", spam ? "spam" : "ham");
            o.put("text", sb.toString());
            lines.add(o.toString());
        }
        return lines;
    }

    static Path writeLines(Path file, List<String> lines) throws java.io.IOException {
        Files.write(file, lines, StandardCharsets.UTF_8);
        return file;
    }
}
