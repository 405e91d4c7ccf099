package dev.mcgt.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcgt.coherence.CoherenceProbeConfig;
import dev.mcgt.coherence.SpikeDetectorConfig;
import dev.mcgt.config.GatePolicy;
import dev.mcgt.scoring.GatingProfile;
import dev.mcgt.scoring.GatingProfileJson;
import dev.mcgt.model.ModelWeights;
import dev.mcgt.runtime.GatedTransformer;
import dev.mcgt.runtime.RuntimeOptions;
import dev.mcgt.scoring.DocumentResult;
import dev.mcgt.scoring.DocumentScorer;
import dev.mcgt.scoring.ScorerConfig;
import dev.mcgt.scoring.UngatedMacs;
import dev.mcgt.text.Chunker;
import dev.mcgt.text.WordPieceTokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The peers on real documents, one thread: {@code docs} SpamAssassin e-mails (every k-th line of
 * {@code data/spam-assassin.jsonl}), at most {@code maxTokens} content tokens each, tokenized with our WordPiece
 * tokenizer and cut into the same framed 128-token chunks for every engine. One call scores all of them, so
 * documents per second = docs / time per call. Engines: ONNX Runtime fp32 and INT8 ({@code -q} model), our
 * ungated tier 0 ({@code DocumentScorer}, gate off) and our gated run (gate on, the policy in
 * {@code $MCGT_PEERS_POLICY}, e.g. from {@code mcgt calibrate}, else the default policy). A document's embedding
 * is the normalised mean of its chunk embeddings (ours: the scorer's pooling).
 *
 * <p>Quality: after the measurement each engine's document embeddings are compared with ONNX Runtime fp32's
 * (cosine: mean, p5, min) and, with {@value WorkRecorder#ENV} set, written to {@code peers-<engine>.json} with
 * the gated run's tier mix and MAC ratio; {@code ReportMain peers} turns those and the JMH results into the
 * report's peers table.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx3g"})
public class SpamAssassinPeersBenchmark {
    /** Policy file for the gated engine. */
    public static final String POLICY_ENV = "MCGT_PEERS_POLICY";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Param({"ortFp32", "ortInt8", "mcgtTier0", "mcgtGated"})
    public String engine;

    @Param({"100"})
    public int docs;

    @Param({"256"})
    public int maxTokens;

    private List<String> ids;
    private List<String> texts;
    private WordPieceTokenizer tokenizer;
    private Chunker chunker;
    private DocumentScorer scorer;
    private OrtEnvironment env;
    private OrtSession session;
    private String policyName = "default";

    @Setup
    public void setUp() throws Exception {
        readCorpus();
        ModelWeights w = Workloads.miniLm();
        tokenizer = WordPieceTokenizer.fromJson(w.tokenizerJson());
        chunker = tokenizer.chunker(w.config().seqLenMax(), 0);
        switch (engine) {
            case "ortFp32", "ortInt8" -> session = ortSession(engine.equals("ortFp32"));
            case "mcgtTier0", "mcgtGated" -> {
                boolean gate = engine.equals("mcgtGated");
                GatingProfile profile = GatingProfile.of(GatePolicy.defaults());
                String file = System.getenv(POLICY_ENV);
                if (gate && file != null && !file.isBlank()) {
                    profile = GatingProfileJson.load(Path.of(file));
                    policyName = Path.of(file).getFileName().toString();
                }
                // the policy file's whole profile (tier-1 variant, skip rule, lens), as mcgt eval uses it
                profile = profile.forModel(w.config());
                GatePolicy policy = profile.policy();
                GatedTransformer model = new GatedTransformer(w, policy,
                        profile.runtimeOptions(RuntimeOptions.defaults().withSkipOnCacheHit(true)));
                scorer = new DocumentScorer(model, Workloads.miniLmFingerprint(), CoherenceProbeConfig.defaults(),
                        SpikeDetectorConfig.fromPolicy(policy),
                        profile.scorerConfig(new ScorerConfig(maxTokens, 0, gate, UngatedMacs.ANALYTIC)));
            }
            default -> throw new IllegalArgumentException("engine must be ortFp32, ortInt8, mcgtTier0 or mcgtGated");
        }
    }

    private OrtSession ortSession(boolean fp32) throws OrtException {
        env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        so.setIntraOpNumThreads(1);
        so.setInterOpNumThreads(1);
        return env.createSession(Workloads.resource(fp32 ? "/all-minilm-l6-v2.onnx" : "/all-minilm-l6-v2-q.onnx"), so);
    }

    private void readCorpus() throws IOException {
        Path corpus = corpusFile();
        List<String> lines = Files.readAllLines(corpus, StandardCharsets.UTF_8);
        ids = new ArrayList<>();
        texts = new ArrayList<>();
        for (int i = 0; i < docs; i++) {
            JsonNode n = JSON.readTree(lines.get((int) ((long) i * lines.size() / docs)));
            ids.add(n.get("id").asText());
            texts.add(n.get("text").asText());
        }
    }

    private static Path corpusFile() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path c = p.resolve("data").resolve("spam-assassin.jsonl");
            if (Files.isRegularFile(c)) return c;
        }
        throw new IllegalStateException("data/spam-assassin.jsonl not found; run scripts/fetch-corpus.sh");
    }

    @TearDown
    public void tearDown() throws Exception {
        String dir = System.getenv(WorkRecorder.ENV);
        if (dir != null && !dir.isBlank()) writeQuality(Path.of(dir));
        if (session != null) session.close();
    }

    /** Scores every document once; returns a value derived from all embeddings (so nothing is optimised away). */
    @Benchmark
    public double scoreAll(CpuTime cpu) throws OrtException {
        double sink = 0;
        for (int i = 0; i < ids.size(); i++) sink += embed(i)[0];
        cpu.calls++;
        return sink;
    }

    private float[] embed(int i) throws OrtException {
        if (scorer != null) return scorer.scoreDocument(ids.get(i), texts.get(i)).embedding();
        return ortDocument(session, i);
    }

    /** ONNX Runtime: the same chunks, each embedded (mean-pooled, normalised), averaged, normalised. */
    private float[] ortDocument(OrtSession s, int i) throws OrtException {
        int[] content = tokenizer.tokenize(texts.get(i));
        if (content.length > maxTokens) content = Arrays.copyOf(content, maxTokens);
        double[] sum = new double[384];
        for (Chunker.Chunk c : chunker.split(content)) {
            int n = c.ids().length;
            long[][] idsIn = new long[1][n];
            long[][] mask = new long[1][n];
            long[][] types = new long[1][n];
            for (int t = 0; t < n; t++) {
                idsIn[0][t] = c.ids()[t];
                mask[0][t] = 1;
            }
            try (OnnxTensor a = OnnxTensor.createTensor(env, idsIn);
                 OnnxTensor b = OnnxTensor.createTensor(env, mask);
                 OnnxTensor t = OnnxTensor.createTensor(env, types);
                 OrtSession.Result r = s.run(Map.of("input_ids", a, "attention_mask", b, "token_type_ids", t))) {
                float[][] h = ((float[][][]) r.get("last_hidden_state").orElseThrow().getValue())[0];
                float[] pooled = ChunkPooling.meanNormalised(h);   // the peer job's chunk pooling
                for (int j = 0; j < pooled.length; j++) sum[j] += pooled[j];
            }
        }
        return normalise(sum);
    }

    private static float[] normalise(double[] sum) {
        double norm = 0;
        for (double v : sum) norm += v * v;
        norm = Math.sqrt(norm);
        float[] out = new float[sum.length];
        for (int j = 0; j < out.length; j++) out[j] = (float) (norm == 0 ? 0 : sum[j] / norm);
        return out;
    }

    /** Cosine of each document against ONNX Runtime fp32, plus the gated figures; one JSON file per engine. */
    private void writeQuality(Path dir) throws Exception {
        env = env == null ? OrtEnvironment.getEnvironment() : env;
        double[] cos = new double[ids.size()];
        long chunks = 0;
        long macs = 0;
        long ungated = 0;
        long[] tiers = new long[4];
        try (OrtSession reference = ortSession(true)) {
            for (int i = 0; i < ids.size(); i++) {
                float[] ref = ortDocument(reference, i);
                float[] mine;
                if (scorer != null) {
                    DocumentResult r = scorer.scoreDocument(ids.get(i), texts.get(i));
                    mine = r.embedding();
                    chunks += r.chunks();
                    macs += r.macs();
                    ungated += r.ungatedMacs();
                    for (int t = 0; t < 4; t++) tiers[t] += r.tierCount(t);
                } else {
                    mine = ortDocument(session, i);
                }
                double dot = 0;
                for (int j = 0; j < ref.length; j++) dot += (double) ref[j] * mine[j];
                cos[i] = dot;
            }
        }
        double[] sorted = cos.clone();
        Arrays.sort(sorted);
        double mean = Arrays.stream(cos).average().orElse(Double.NaN);
        ObjectNode o = JSON.createObjectNode().put("engine", engine).put("docs", docs).put("maxTokens", maxTokens)
                .put("cosineMean", mean).put("cosineP5", sorted[(int) Math.floor(0.05 * (sorted.length - 1))])
                .put("cosineMin", sorted[0]);
        if (scorer != null) {
            o.put("policy", engine.equals("mcgtGated") ? policyName : "gate off").put("chunks", chunks)
                    .put("macRatio", ungated == 0 ? Double.NaN : (double) macs / ungated);
            var t = o.putArray("tiers");
            for (long v : tiers) t.add(v);
        }
        Files.createDirectories(dir);
        JSON.writeValue(dir.resolve("peers-" + engine + ".json").toFile(), o);
    }

}
