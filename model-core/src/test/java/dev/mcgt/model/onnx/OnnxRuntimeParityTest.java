package dev.mcgt.model.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcgt.config.GatePolicy;
import dev.mcgt.config.PoolingMode;
import dev.mcgt.gate.GatePacket;
import dev.mcgt.runtime.GatedTransformer;
import dev.mcgt.runtime.InferBuffers;
import dev.mcgt.runtime.InferInput;
import dev.mcgt.runtime.InferOutput;
import dev.mcgt.runtime.RuntimeOptions;
import dev.mcgt.text.WordPieceTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import dev.mcgt.testing.SpamCorpus;
import org.junit.jupiter.api.Test;

/**
 * Parity of the imported INT8 MiniLM (gate passing: tier 0, all layers, full window, fresh state) with ONNX
 * Runtime fp32 on the same token ids, attention mask of ones and zero token types: ORT's last_hidden_state is
 * mean-pooled over the mask and L2-normalised, as sentence-transformers does. Targets: mean cosine ≥ 0.995,
 * minimum ≥ 0.98 over at least 200 real texts of up to 128 tokens. ONNX Runtime's own INT8 model (the {@code -q}
 * artifact) is measured against fp32 in the same run and printed next to ours.
 *
 * <p>Texts: the bodies (headers dropped) of e-mails of the SpamAssassin corpus ({@link SpamCorpus}, fetched
 * when missing). Tokens: our WordPiece tokenizer from the embedded tokenizer.json,
 * truncated to 128.
 */
class OnnxRuntimeParityTest {
    private static final int MAX_TOKENS = 128;
    private static final int TEXTS = 200;
    /** The normal packet: Allow, tier 0. */
    private static final GatePacket PASS = new GatePacket(100, 95, 5, 8192, 3, 0);

    @Test
    void int8EmbeddingsMatchOnnxRuntimeFp32() throws Exception {
        OnnxImport imp = MiniLm.imported();
        WordPieceTokenizer tok = WordPieceTokenizer.fromJson(imp.weights().tokenizerJson());
        Texts texts = texts();
        List<int[]> ids = new ArrayList<>();
        for (String t : texts.texts()) ids.add(tok.encode(t, MAX_TOKENS).ids());
        assertThat(ids).hasSizeGreaterThanOrEqualTo(200);

        GatedTransformer model = new GatedTransformer(imp.weights(), GatePolicy.defaults(), RuntimeOptions.defaults());
        InferBuffers buf = model.newBuffers();
        InferOutput out = model.newOutput();

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        int n = ids.size();
        double[] oursVsFp32 = new double[n];
        double[] qVsFp32 = new double[n];
        double[] oursVsQ = new double[n];
        long oursNanos = 0;
        long fp32Nanos = 0;
        long qNanos = 0;
        long tokens = 0;
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setIntraOpNumThreads(1);
            try (OrtSession fp32 = env.createSession(MiniLm.onnxBytes(), so);
                 OrtSession q = env.createSession(MiniLm.quantizedOnnxBytes(), so)) {
                for (int i = 0; i < n; i++) {
                    int[] t = ids.get(i);
                    tokens += t.length;
                    long t0 = System.nanoTime();
                    model.infer(InferInput.of(t, PASS), model.newState(), buf, out);
                    long t1 = System.nanoTime();
                    assertThat(out.witness().tier()).isZero();
                    assertThat(out.stats().layersExecuted()).isEqualTo(6);
                    assertThat(out.witness().effectiveWindow()).isEqualTo(MAX_TOKENS);
                    assertThat(out.stats().tokensComputed()).isEqualTo(6L * t.length);
                    float[] ours = out.output().clone();
                    float[] ref = pooled(env, fp32, t);
                    long t2 = System.nanoTime();
                    float[] refQ = pooled(env, q, t);
                    long t3 = System.nanoTime();
                    oursNanos += t1 - t0;
                    fp32Nanos += t2 - t1;
                    qNanos += t3 - t2;
                    oursVsFp32[i] = cosine(ours, ref);
                    qVsFp32[i] = cosine(refQ, ref);
                    oursVsQ[i] = cosine(ours, refQ);
                }
            }
        }
        int worst = 0;
        for (int i = 1; i < n; i++) if (oursVsFp32[i] < oursVsFp32[worst]) worst = i;
        System.out.printf(Locale.ROOT, "MiniLM parity on %d %s (%.1f tokens on average, at most %d):%n", n,
                texts.source(), (double) tokens / n, MAX_TOKENS);
        System.out.println("  " + stats("mcgt INT8 (tier 0)  vs ORT fp32", oursVsFp32));
        System.out.println("  " + stats("ORT INT8 (-q model) vs ORT fp32", qVsFp32));
        System.out.println("  " + stats("mcgt INT8 (tier 0)  vs ORT INT8", oursVsQ));
        System.out.printf(Locale.ROOT, "  worst mcgt text: #%d, %d tokens, cosine %.5f (ORT INT8 on it: %.5f)%n", worst,
                ids.get(worst).length, oursVsFp32[worst], qVsFp32[worst]);
        System.out.printf(Locale.ROOT, "  time per text (single thread, informative only): mcgt %.2f ms, ORT fp32 %.2f ms, "
                + "ORT INT8 %.2f ms%n", oursNanos / 1e6 / n, fp32Nanos / 1e6 / n, qNanos / 1e6 / n);

        assertThat(mean(oursVsFp32)).as("mean cosine, mcgt INT8 vs ORT fp32").isGreaterThanOrEqualTo(0.995);
        assertThat(Arrays.stream(oursVsFp32).min().orElseThrow()).as("min cosine, mcgt INT8 vs ORT fp32")
                .isGreaterThanOrEqualTo(0.98);
    }

    /** ORT's last_hidden_state for one sequence, mean-pooled over the (all-ones) mask and L2-normalised. */
    static float[] pooled(OrtEnvironment env, OrtSession s, int[] ids) throws OrtException {
        return EncoderArtifactParityTest.reference(env, s, ids, PoolingMode.MEAN);
    }

    /** Cosine of two vectors: {@link dev.mcgt.scoring.Evaluation#cosine}, the one the reports use. */
    static double cosine(float[] a, float[] b) {
        return dev.mcgt.scoring.Evaluation.cosine(a, b);
    }

    private static double mean(double[] v) {
        return Arrays.stream(v).average().orElseThrow();
    }

    private static String stats(String label, double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return String.format(Locale.ROOT, "%s: mean %.5f  min %.5f  p1 %.5f  median %.5f", label, mean(v), s[0],
                s[(int) (0.01 * (s.length - 1))], s[s.length / 2]);
    }

    /** Texts and where they came from. */
    record Texts(List<String> texts, String source) { }

    /** E-mail bodies of the corpus (spread over all groups); the corpus is fetched when missing. */
    static Texts texts() throws IOException {
        List<Path> files = SpamCorpus.emails();
        ObjectMapper om = new ObjectMapper();
        List<String> out = new ArrayList<>();
        int step = Math.max(1, files.size() / (TEXTS + TEXTS / 4));
        for (int i = 0; i < files.size() && out.size() < TEXTS; i += step) {
            String body = body(om.readTree(files.get(i).toFile()).path("text").asText(""));
            if (body.length() >= 20) out.add(body);
        }
        assertThat(out).as("e-mail bodies in " + SpamCorpus.dir()).hasSizeGreaterThanOrEqualTo(TEXTS);
        return new Texts(out, "SpamAssassin e-mail bodies");
    }

    /** The body of a raw e-mail (after the first blank line), cut to 3000 chars (far more than 128 tokens). */
    static String body(String mail) {
        String m = mail.replace("\r\n", "\n");
        int cut = m.indexOf("\n\n");
        String b = (cut >= 0 ? m.substring(cut + 2) : m).strip();
        return b.length() > 3000 ? b.substring(0, 3000) : b;
    }
}
