package dev.mcgt.scoring;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcgt.coherence.CoherenceProbeConfig;
import dev.mcgt.coherence.SpikeDetectorConfig;
import dev.mcgt.config.Activation;
import dev.mcgt.config.AttentionKind;
import dev.mcgt.config.GatePolicy;
import dev.mcgt.config.NormPlacement;
import dev.mcgt.config.TransformerConfig;
import dev.mcgt.kernel.KernelProvider;
import dev.mcgt.model.ModelWeights;
import dev.mcgt.model.SyntheticWeights;
import dev.mcgt.runtime.GatedTransformer;
import dev.mcgt.runtime.RuntimeOptions;
import java.util.List;

/** Small models for the scorer tests: the micro decoder (token ids) and a tiny BERT-style encoder with a tokenizer. */
final class ScoringFixtures {
    private ScoringFixtures() { }

    static final String MICRO_FP = "synthetic:micro:42";
    static final ModelWeights MICRO = SyntheticWeights.generate(TransformerConfig.micro(), 42);

    /** Forty lower-case words; ids 4.. in the tiny tokenizer (0..3 are [PAD] [UNK] [CLS] [SEP]). */
    static final List<String> WORDS = List.of("apple", "river", "stone", "cloud", "green", "quick", "table", "night",
            "music", "paper", "light", "storm", "bread", "glass", "horse", "money", "ocean", "plant", "smile", "train",
            "water", "zebra", "mount", "chair", "field", "grape", "honey", "input", "joker", "knife", "lemon", "mango",
            "noble", "olive", "pearl", "queen", "radio", "sugar", "tiger", "union");

    static final ModelWeights TINY_BERT = tinyBert(11);

    /** A 2-layer bidirectional POST-norm encoder (S 16, D 32, H 2) with the tiny tokenizer inside. */
    static ModelWeights tinyBert(long seed) {
        return tinyBert(seed, 2);
    }

    /** {@link #tinyBert(long)} with another layer count. */
    static ModelWeights tinyBert(long seed, int layers) {
        TransformerConfig c = TransformerConfig.builder().seqLenMax(16).hidden(32).heads(2).layers(layers).windowNormal(16)
                .windowDegraded(8).windowSafe(4).ffnMult(2).logits(0).layersDegraded(1).seqLenDegraded(8)
                .seqLenSafe(4).vocabSize(4 + WORDS.size()).maxPositions(16).typeVocabSize(2)
                .normPlacement(NormPlacement.POST).activation(Activation.GELU_ERF)
                .attention(AttentionKind.BIDIRECTIONAL).kvContext(16).layerNormEps(1e-12f).build();
        ModelWeights w = SyntheticWeights.generate(c, seed);
        return new ModelWeights(w.config(), w.tokenEmbedding(), w.positionEmbedding(), w.typeEmbedding(),
                w.embeddingNormGamma(), w.embeddingNormBeta(), w.layers(), w.finalNormGamma(), w.finalNormBeta(),
                w.outputHead(), tokenizerJson());
    }

    /** A BERT tokenizer.json: BertNormalizer (lower case), BertPreTokenizer, WordPiece, [CLS] … [SEP]. */
    static String tokenizerJson() {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        ArrayNode added = root.putArray("added_tokens");
        String[] specials = {"[PAD]", "[UNK]", "[CLS]", "[SEP]"};
        for (int i = 0; i < specials.length; i++) {
            added.addObject().put("id", i).put("content", specials[i]).put("special", true).put("normalized", false);
        }
        root.putObject("normalizer").put("type", "BertNormalizer").put("lowercase", true);
        root.putObject("pre_tokenizer").put("type", "BertPreTokenizer");
        ObjectNode post = root.putObject("post_processor").put("type", "BertProcessing");
        post.putArray("cls").add("[CLS]").add(2);
        post.putArray("sep").add("[SEP]").add(3);
        ObjectNode model = root.putObject("model").put("type", "WordPiece").put("unk_token", "[UNK]");
        ObjectNode vocab = model.putObject("vocab");
        for (int i = 0; i < specials.length; i++) vocab.put(specials[i], i);
        for (int i = 0; i < WORDS.size(); i++) vocab.put(WORDS.get(i), 4 + i);
        return root.toString();
    }

    static GatedTransformer model(ModelWeights w, RuntimeOptions options) {
        return new GatedTransformer(w, GatePolicy.defaults(), options, KernelProvider.scalar());
    }

    static DocumentScorer scorer(ModelWeights w, String fp, RuntimeOptions options, SpikeDetectorConfig spikes,
                                 ScorerConfig config) {
        return new DocumentScorer(model(w, options), fp, CoherenceProbeConfig.defaults(), spikes, config);
    }

    static DocumentScorer micro(ScorerConfig config) {
        return scorer(MICRO, MICRO_FP, RuntimeOptions.defaults(), SpikeDetectorConfig.defaults(), config);
    }

    static int[] repeat(int token, int n) {
        int[] t = new int[n];
        java.util.Arrays.fill(t, token);
        return t;
    }

    static double norm(float[] v) {
        double s = 0;
        for (float x : v) s += (double) x * x;
        return Math.sqrt(s);
    }
}
