package dev.mcgt.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcgt.config.Activation;
import dev.mcgt.config.AttentionKind;
import dev.mcgt.config.NormPlacement;
import dev.mcgt.config.TransformerConfig;
import dev.mcgt.model.ModelFile;
import dev.mcgt.model.ModelWeights;
import dev.mcgt.model.SyntheticWeights;
import java.nio.file.Path;

/**
 * A tiny BERT-style encoder for the command-line and job tests (2 layers, S 16, D 32, seeded synthetic weights)
 * with a WordPiece tokenizer of twenty words: fast enough to score many small documents in a unit test.
 */
public final class TinyEncoder {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The tokenizer's words (ids 4..23; 0..3 are [PAD] [UNK] [CLS] [SEP]). */
    public static final String[] WORDS = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel",
        "india", "juliet", "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango"};

    private TinyEncoder() { }

    /** The encoder's configuration. */
    public static TransformerConfig config() {
        return TransformerConfig.builder().seqLenMax(16).hidden(32).heads(2).layers(2).windowNormal(16)
                .windowDegraded(8).windowSafe(4).ffnMult(2).logits(0).layersDegraded(1).seqLenDegraded(8)
                .seqLenSafe(4).vocabSize(4 + WORDS.length).maxPositions(16).typeVocabSize(2)
                .normPlacement(NormPlacement.POST).activation(Activation.GELU_ERF)
                .attention(AttentionKind.BIDIRECTIONAL).kvContext(16).layerNormEps(1e-12f).build();
    }

    /** Weights of seed 5 with the tokenizer inside. */
    public static ModelWeights weights() {
        return weights(5);
    }

    /** Weights of {@code seed} with the tokenizer inside (another seed is another model, same shapes). */
    public static ModelWeights weights(long seed) {
        return withTokenizer(SyntheticWeights.generate(config(), seed), tokenizerJson());
    }

    /** The same weights with {@code tokenizerJson} inside. */
    public static ModelWeights withTokenizer(ModelWeights w, String tokenizerJson) {
        return new ModelWeights(w.config(), w.tokenEmbedding(), w.positionEmbedding(), w.typeEmbedding(),
                w.embeddingNormGamma(), w.embeddingNormBeta(), w.layers(), w.finalNormGamma(), w.finalNormBeta(),
                w.outputHead(), tokenizerJson);
    }

    /** The same weights without a tokenizer. */
    public static ModelWeights bare() {
        return SyntheticWeights.generate(config(), 5);
    }

    private static Path shared;

    /**
     * The encoder (seed 5, with its tokenizer) written once per JVM to a temporary folder that is deleted when the
     * JVM exits: the model file the job and command tests share.
     */
    public static synchronized Path file() {
        if (shared == null) {
            try {
                Path dir = java.nio.file.Files.createTempDirectory("tiny-encoder-");
                dir.toFile().deleteOnExit();
                shared = write(dir.resolve("tiny.mcgt"));
                shared.toFile().deleteOnExit();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return shared;
    }

    /** Writes the encoder with its tokenizer to {@code file}; returns the file. */
    public static Path write(Path file) {
        return write(file, 5);
    }

    /** Writes the encoder of {@code seed} with its tokenizer to {@code file}; returns the file. */
    public static Path write(Path file, long seed) {
        ModelFile.write(weights(seed), file);
        return file;
    }

    /** The tokenizer of {@link #WORDS}. */
    public static String tokenizerJson() {
        return tokenizerJson(WORDS);
    }

    /**
     * A BERT tokenizer.json over {@code words} (ids 4..; 0..3 are [PAD] [UNK] [CLS] [SEP]): BertNormalizer (lower
     * case), BertPreTokenizer, WordPiece, [CLS] … [SEP].
     */
    public static String tokenizerJson(String[] words) {
        ObjectNode root = JSON.createObjectNode();
        String[] specials = {"[PAD]", "[UNK]", "[CLS]", "[SEP]"};
        var added = root.putArray("added_tokens");
        for (int i = 0; i < specials.length; i++) {
            added.addObject().put("id", i).put("content", specials[i]).put("special", true);
        }
        root.putObject("normalizer").put("type", "BertNormalizer").put("lowercase", true);
        root.putObject("pre_tokenizer").put("type", "BertPreTokenizer");
        ObjectNode post = root.putObject("post_processor").put("type", "BertProcessing");
        post.putArray("cls").add("[CLS]").add(2);
        post.putArray("sep").add("[SEP]").add(3);
        ObjectNode vocab = root.putObject("model").put("type", "WordPiece").put("unk_token", "[UNK]").putObject("vocab");
        for (int i = 0; i < specials.length; i++) vocab.put(specials[i], i);
        for (int i = 0; i < words.length; i++) vocab.put(words[i], 4 + i);
        return root.toString();
    }

    /** {@code n} words of the vocabulary in a pattern that depends on {@code shift}, with full stops. */
    public static String words(int n, int shift) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) sb.append(WORDS[(i * 7 + shift) % WORDS.length]).append(i % 6 == 5 ? ". " : " ");
        return sb.toString();
    }
}
