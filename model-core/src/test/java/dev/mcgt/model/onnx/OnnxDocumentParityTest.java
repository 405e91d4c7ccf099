package dev.mcgt.model.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcgt.coherence.CoherenceProbeConfig;
import dev.mcgt.coherence.SpikeDetectorConfig;
import dev.mcgt.config.GatePolicy;
import dev.mcgt.runtime.CrossChunkContext;
import dev.mcgt.runtime.GatedTransformer;
import dev.mcgt.runtime.RuntimeOptions;
import dev.mcgt.scoring.DocumentResult;
import dev.mcgt.scoring.DocumentScorer;
import dev.mcgt.scoring.ScorerConfig;
import dev.mcgt.scoring.UngatedMacs;
import dev.mcgt.testing.SpamCorpus;
import dev.mcgt.text.Chunker;
import dev.mcgt.text.WordPieceTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Ungated means the model's own answer: with the gate off, a multi-chunk document's vector from
 * {@link DocumentScorer} equals what a user of the same model in ONNX Runtime fp32 gets for the same chunks — the
 * mean of the L2-normalised, mean-pooled chunk embeddings — to cosine ≥ 0.99 for every document, on whole
 * SpamAssassin e-mails (headers included, at most 512 tokens, chunks of 128). The same documents with cross-chunk
 * context switched on (earlier chunks' KV as left context) are measured and printed beside it.
 */
class OnnxDocumentParityTest {
    /** E-mails compared; {@code -Dmcgt.docParity.docs=N} for more (README quotes a run with 60). */
    private static final int DOCS = Integer.getInteger("mcgt.docParity.docs", 40);
    private static final int MAX_TOKENS = 512;

    private static DocumentScorer scorer(OnnxImport imp, CrossChunkContext context) {
        GatedTransformer t = new GatedTransformer(imp.weights(), GatePolicy.defaults(),
                RuntimeOptions.defaults().withCrossChunkContext(context));
        return new DocumentScorer(t, "minilm", CoherenceProbeConfig.defaults(), SpikeDetectorConfig.defaults(),
                new ScorerConfig(MAX_TOKENS, 0, false, UngatedMacs.ANALYTIC));
    }

    @Test
    void gateOffDocumentVectorsAreOnnxRuntimesChunkMean() throws Exception {
        OnnxImport imp = MiniLm.imported();
        DocumentScorer plain = scorer(imp, CrossChunkContext.MODEL_DEFAULT);
        DocumentScorer context = scorer(imp, CrossChunkContext.ON);
        WordPieceTokenizer tok = plain.tokenizer();
        List<Path> files = SpamCorpus.emails();
        ObjectMapper om = new ObjectMapper();
        double[] cos = new double[DOCS];
        double[] cosContext = new double[DOCS];
        int multi = 0;
        int chunks = 0;
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setIntraOpNumThreads(1);
            try (OrtSession fp32 = env.createSession(MiniLm.onnxBytes(), so)) {
                int step = files.size() / DOCS;
                for (int d = 0; d < DOCS; d++) {
                    String text = om.readTree(files.get(d * step).toFile()).path("text").asText("");
                    DocumentResult ours = plain.scoreDocument("d" + d, text);
                    DocumentResult withContext = context.scoreDocument("d" + d, text);
                    int[] content = tok.tokenize(text);
                    if (content.length > MAX_TOKENS) content = Arrays.copyOf(content, MAX_TOKENS);
                    double[] sum = new double[384];
                    List<Chunker.Chunk> split = plain.chunker().split(content);
                    for (Chunker.Chunk c : split) {
                        float[] v = OnnxRuntimeParityTest.pooled(env, fp32, c.ids());
                        for (int j = 0; j < v.length; j++) sum[j] += v[j];
                    }
                    float[] ref = new float[384];
                    for (int j = 0; j < ref.length; j++) ref[j] = (float) sum[j];
                    assertThat(ours.chunks()).isEqualTo(split.size());
                    cos[d] = OnnxRuntimeParityTest.cosine(ours.embedding(), ref);
                    cosContext[d] = OnnxRuntimeParityTest.cosine(withContext.embedding(), ref);
                    chunks += split.size();
                    if (split.size() > 1) multi++;
                }
            }
        }
        double[] s = cos.clone();
        Arrays.sort(s);
        double[] sc = cosContext.clone();
        Arrays.sort(sc);
        System.out.printf(Locale.ROOT, "Document parity, gate off, %d e-mails (%d with several chunks, %d chunks):%n", DOCS,
                multi, chunks);
        System.out.printf(Locale.ROOT, "  mcgt (cross-chunk context off, the default) vs ORT fp32 chunk mean: mean %.5f min %.5f%n",
                Arrays.stream(cos).average().orElseThrow(), s[0]);
        System.out.printf(Locale.ROOT, "  mcgt (cross-chunk context on)               vs ORT fp32 chunk mean: mean %.5f min %.5f%n",
                Arrays.stream(cosContext).average().orElseThrow(), sc[0]);
        assertThat(multi).as("documents with several chunks").isGreaterThanOrEqualTo(DOCS / 3);
        assertThat(s[0]).as("every document's cosine to ONNX Runtime's chunk mean").isGreaterThanOrEqualTo(0.99);
    }
}
