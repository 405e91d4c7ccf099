package dev.mcgt.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.mcgt.config.GatePolicy;
import dev.mcgt.gate.GatePacket;
import dev.mcgt.kernel.KernelProvider;
import dev.mcgt.model.onnx.OnnxImport;
import dev.mcgt.model.onnx.MavenArtifact;
import dev.mcgt.model.onnx.OnnxImportOptions;
import dev.mcgt.model.onnx.OnnxJar;
import dev.mcgt.model.onnx.OnnxImporter;
import dev.mcgt.runtime.GatedTransformer;
import dev.mcgt.runtime.InferBuffers;
import dev.mcgt.runtime.InferInput;
import dev.mcgt.runtime.InferOutput;
import dev.mcgt.runtime.InferState;
import dev.mcgt.runtime.RuntimeOptions;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
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
 * all-MiniLM-L6-v2 on one chunk, one thread: our INT8 tier 0 (gate passing, full window, fresh stream state per
 * call, as the parity test) against ONNX Runtime fp32 and ONNX Runtime's INT8 ({@code -q}) model on the same
 * token ids ({@code model} picks all-MiniLM-L6-v2 or a 12-layer artifact). Our engine returns the embedding pooled
 * as the model says; ONNX Runtime's hidden states are mean-pooled and L2-normalised for every model (pooling costs
 * next to nothing beside the encoder). Ratios within one run are what to
 * compare; the input is {@code tokens} ids framed by [CLS] ... [SEP]. The secondary counters {@code cpuNanos} /
 * {@code calls} give the benchmark thread's CPU time per call (see {@link CpuTime}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx2g"})
public class MiniLmBenchmark {
    private static final GatePacket PASS = new GatePacket(100, 95, 5, 8192, 3, 0);

    @Param({"mcgt", "ortFp32", "ortInt8"})
    public String engine;

    /**
     * The model: {@code all-minilm-l6-v2} (from the benchmarks' classpath), or {@code bge-small-en-v15} /
     * {@code e5-small-v2}, the 12-layer langchain4j artifacts (version 0.36.2) read from the local Maven repository
     * ({@code -Dmaven.repo.local}, else ~/.m2/repository; fetch them with {@code mvn dependency:get}); these have no
     * {@code ortInt8} variant. Each is imported with its documented pooling and run as the product runs it.
     */
    @Param({"all-minilm-l6-v2"})
    public String model;

    @Param({"64", "128"})
    public int tokens;

    /** The kernel of engine {@code mcgt}: {@code auto} (what the product picks), {@code vector}, {@code native-<rung>}. */
    @Param({"auto"})
    public String kernel;

    private int[] ids;
    private GatedTransformer transformer;
    private InferBuffers buffers;
    private InferOutput output;
    private InferState state;
    private OrtEnvironment env;
    private OrtSession session;
    private long[][] inputIds;
    private long[][] mask;
    private long[][] types;
    private boolean withTypes = true;

    @Setup(Level.Trial)
    public void setUp() throws OrtException {
        SplittableRandom r = new SplittableRandom(42);
        ids = new int[tokens];
        ids[0] = 101;
        for (int i = 1; i < tokens - 1; i++) ids[i] = 1000 + r.nextInt(28000);
        ids[tokens - 1] = 102;
        switch (engine) {
            case "mcgt" -> {
                OnnxImport imp = minilm() ? OnnxImporter.importBytes(Workloads.resource("/all-minilm-l6-v2.onnx"),
                        new String(Workloads.resource("/all-minilm-l6-v2-tokenizer.json"), StandardCharsets.UTF_8),
                        OnnxImportOptions.defaults())
                        : OnnxImporter.importBytes(artifact().onnx(), artifact().tokenizerJson(),
                                new OnnxImportOptions(OnnxImportOptions.DEFAULT_SEQ_LEN, artifact().pooling().pooling()));
                transformer = new GatedTransformer(imp.weights(), GatePolicy.defaults(), RuntimeOptions.defaults(),
                        KernelProvider.choose(kernel));
                buffers = transformer.newBuffers();
                output = transformer.newOutput();
                state = transformer.newState();
            }
            case "ortFp32", "ortInt8" -> {
                env = OrtEnvironment.getEnvironment();
                OrtSession.SessionOptions so = new OrtSession.SessionOptions();
                so.setIntraOpNumThreads(1);
                so.setInterOpNumThreads(1);
                if (!minilm() && engine.equals("ortInt8")) throw new IllegalArgumentException(model + " has no ortInt8");
                session = env.createSession(!minilm() ? artifact().onnx()
                        : Workloads.resource(engine.equals("ortFp32") ? "/all-minilm-l6-v2.onnx"
                        : "/all-minilm-l6-v2-q.onnx"), so);
                withTypes = session.getInputNames().contains("token_type_ids");
                inputIds = new long[1][tokens];
                mask = new long[1][tokens];
                types = new long[1][tokens];
                for (int i = 0; i < tokens; i++) {
                    inputIds[0][i] = ids[i];
                    mask[0][i] = 1;
                }
            }
            default -> throw new IllegalArgumentException("engine must be mcgt, ortFp32 or ortInt8");
        }
    }

    /** all-MiniLM-L6-v2, also named {@code minilm} (the name scripts/bench.sh passes to its whole MiniLM group). */
    private boolean minilm() {
        return model.equals("all-minilm-l6-v2") || model.equals("minilm");
    }

    private OnnxJar artifact;

    /** The model's langchain4j jar from the local Maven repository, read once. */
    private OnnxJar artifact() {
        if (artifact == null) {
            if (!model.equals("bge-small-en-v15") && !model.equals("e5-small-v2")) {
                throw new IllegalArgumentException("model must be all-minilm-l6-v2 (or minilm), bge-small-en-v15 or "
                        + "e5-small-v2");
            }
            MavenArtifact a = new MavenArtifact("dev.langchain4j", "langchain4j-embeddings-" + model, "0.36.2");
            artifact = OnnxJar.read(a.locate(MavenArtifact.defaultRepository(), false));
        }
        return artifact;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws OrtException {
        if (session != null) session.close();
    }

    @Benchmark
    public float embed(CpuTime cpu) throws OrtException {
        cpu.calls++;
        if (transformer != null) {
            state.reset();
            transformer.infer(InferInput.of(ids, PASS), state, buffers, output);
            return output.output()[0];
        }
        try (OnnxTensor a = OnnxTensor.createTensor(env, inputIds);
             OnnxTensor b = OnnxTensor.createTensor(env, mask);
             OnnxTensor c = OnnxTensor.createTensor(env, types);
             OrtSession.Result res = session.run(withTypes ? Map.of("input_ids", a, "attention_mask", b,
                     "token_type_ids", c) : Map.of("input_ids", a, "attention_mask", b))) {
            float[][] h = ((float[][][]) res.get("last_hidden_state").orElseThrow().getValue())[0];
            return pooledFirst(h);
        }
    }

    /** Mean-pools and L2-normalises ONNX Runtime's hidden states (as our encoder does); returns element 0. */
    private static float pooledFirst(float[][] h) {
        int d = h[0].length;
        float[] sum = new float[d];
        for (float[] row : h) for (int j = 0; j < d; j++) sum[j] += row[j];
        double norm = 0;
        for (int j = 0; j < d; j++) norm += (double) sum[j] * sum[j];
        return (float) (sum[0] / Math.sqrt(norm));
    }


}
