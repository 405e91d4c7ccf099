package dev.mcgt.scoring;

import static dev.mcgt.scoring.ScoringFixtures.TINY_BERT;
import static dev.mcgt.scoring.ScoringFixtures.WORDS;
import static dev.mcgt.scoring.ScoringFixtures.norm;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.mcgt.coherence.SpikeDetectorConfig;
import dev.mcgt.config.GatePolicy;
import dev.mcgt.runtime.RuntimeOptions;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The scorer on text, with a tiny BERT-style encoder that carries its own tokenizer. */
class DocumentScorerTextTest {
    private static final String FP = "synthetic:tiny-bert:11";

    private static DocumentScorer scorer(ScorerConfig c) {
        return ScoringFixtures.scorer(TINY_BERT, FP, RuntimeOptions.defaults(),
                SpikeDetectorConfig.fromPolicy(GatePolicy.defaults()), c);
    }

    /** {@code n} words drawn from the vocabulary, some upper-cased, with punctuation the tokenizer splits off. */
    private static String text(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            String w = WORDS.get(r.nextInt(WORDS.size()));
            sb.append(i % 7 == 0 ? w.toUpperCase() : w).append(i % 5 == 4 ? ". " : " ");
        }
        return sb.toString();
    }

    @Test
    void textIsTokenizedFramedChunkedAndPooled() {
        DocumentScorer s = scorer(ScorerConfig.defaults());
        assertThat(s.hasTokenizer()).isTrue();
        String t = text(40, 1);
        int content = s.tokenizer().tokenize(t).length;
        DocumentResult r = s.scoreDocument("doc-1", t);
        assertThat(r.id()).isEqualTo("doc-1");
        assertThat(r.tokens()).isEqualTo(content);
        // every chunk carries [CLS] and [SEP] around at most 14 content tokens
        assertThat(r.chunks()).isEqualTo((content + 13) / 14);
        assertThat(r.chunkResults().stream().mapToInt(ChunkResult::tokens).sum()).isEqualTo(content + 2 * r.chunks());
        assertThat(r.embedding()).hasSize(32);
        assertThat(norm(r.embedding())).isCloseTo(1.0, within(1e-5));
        assertThat(r.macRatio()).isLessThanOrEqualTo(1.0).isPositive();
        assertThat(scorer(ScorerConfig.defaults()).scoreDocument("doc-1", t)).isEqualTo(r);
        assertThat(s.scoreDocument("doc-1", t)).isEqualTo(r);
    }

    @Test
    void gateOffRunsEveryChunkInFull() {
        DocumentResult r = scorer(ScorerConfig.defaults().withGate(false)).scoreDocument("d", text(60, 2));
        assertThat(r.tierCount(0)).isEqualTo(r.chunks());
        assertThat(r.macRatio()).isEqualTo(1.0);
        assertThat(norm(r.embedding())).isCloseTo(1.0, within(1e-5));
    }

    @Test
    void repeatedParagraphsHitTheCache() {
        StringBuilder para = new StringBuilder();
        for (int i = 0; i < 14; i++) para.append(WORDS.get(i)).append(' ');
        String t = para.toString().repeat(3);
        DocumentResult r = scorer(ScorerConfig.defaults()).scoreDocument("d", t);
        assertThat(r.chunks()).isEqualTo(3);
        assertThat(r.cacheHits()).isEqualTo(2);
        assertThat(r.tierCount(3)).isEqualTo(2);
        float[] first = r.chunkResults().get(0).output();
        assertThat(r.chunkResults().get(2).output()).isEqualTo(first);
        // every chunk contributes the same vector, so the document vector is the first chunk's
        float[] e = r.embedding();
        for (int i = 0; i < e.length; i++) assertThat((double) e[i]).isCloseTo(first[i], within(1e-6));
        assertThat(r.macs()).isLessThan(r.ungatedMacs() / 2);
    }

    @Test
    void textWithoutTokensAndModelsWithoutTokenizerAreRejected() {
        DocumentScorer s = scorer(ScorerConfig.defaults());
        assertThatThrownBy(() -> s.scoreDocument("d", "   \u0000 ")).hasMessageContaining("has no tokens");
        DocumentScorer noTok = ScoringFixtures.micro(ScorerConfig.defaults());
        assertThat(noTok.hasTokenizer()).isFalse();
        assertThatThrownBy(() -> noTok.scoreDocument("d", "apple"))
                .hasMessage("Bad input: model has no tokenizer; import one with mcgt model import");
    }
}
