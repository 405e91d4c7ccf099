package dev.mcgt.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.mcgt.flink.functions.ChunkScore;
import dev.mcgt.flink.functions.DocumentChunk;
import dev.mcgt.gate.GateDecision;
import dev.mcgt.gate.GateReason;
import dev.mcgt.job.ChunkScoring;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;

/**
 * The peer of our scoring step: what a Flink user writes instead, all-MiniLM-L6-v2 on ONNX Runtime (langchain4j's
 * in-process artifacts, fp32 or INT8) in a map function, one intra-op thread per subtask, the model opened by each
 * subtask in {@code open}. Each chunk (our tokenizer's ids, framed like ours) becomes the mean of its token
 * vectors, L2-normalised — the chunk pooling of {@link SpamAssassinPeersBenchmark} — in a {@link ChunkScore} at
 * tier 0 with no MACs counted; the job's aggregation then pools a document's chunks exactly as it pools ours.
 */
public final class OrtPeerScoring extends RichMapFunction<DocumentChunk, ChunkScore> {
    private static final long serialVersionUID = 1L;

    /** Uid of the peer's operator. */
    public static final String UID = "peer-ort-embedding";

    private final boolean fp32;

    private transient OrtEnvironment env;
    private transient OrtSession session;

    /** @param fp32 the fp32 model, else the INT8 ({@code -q}) one */
    public OrtPeerScoring(boolean fp32) {
        this.fp32 = fp32;
    }

    /** The peer as the job's chunk-scoring step: a map chained to the chunking stage (no shuffle). */
    public static ChunkScoring step(boolean fp32) {
        return chunks -> chunks.map(new OrtPeerScoring(fp32)).uid(UID)
                .name("ONNX Runtime " + (fp32 ? "fp32" : "INT8"));
    }

    @Override
    public void open(OpenContext ctx) throws OrtException {
        env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setIntraOpNumThreads(1);
            so.setInterOpNumThreads(1);
            session = env.createSession(Workloads.resource(fp32 ? "/all-minilm-l6-v2.onnx" : "/all-minilm-l6-v2-q.onnx"), so);
        }
    }

    @Override
    public void close() throws OrtException {
        if (session != null) session.close();
        session = null;
    }

    @Override
    public ChunkScore map(DocumentChunk chunk) throws OrtException {
        long start = System.nanoTime();
        int[] ids = chunk.tokenIds();
        int n = ids.length;
        long[][] in = new long[1][n];
        long[][] mask = new long[1][n];
        long[][] types = new long[1][n];
        for (int t = 0; t < n; t++) {
            in[0][t] = ids[t];
            mask[0][t] = 1;
        }
        float[] pooled;
        try (OnnxTensor a = OnnxTensor.createTensor(env, in);
             OnnxTensor b = OnnxTensor.createTensor(env, mask);
             OnnxTensor c = OnnxTensor.createTensor(env, types);
             OrtSession.Result r = session.run(Map.of("input_ids", a, "attention_mask", b, "token_type_ids", c))) {
            float[][] h = ((float[][][]) r.get("last_hidden_state").orElseThrow().getValue())[0];
            pooled = ChunkPooling.meanNormalised(h);
        }
        long micros = (System.nanoTime() - start) / 1000;
        return new ChunkScore(chunk.docId(), chunk.chunkIndex(), chunk.chunkIndex(), n, -1, 0, GateDecision.ALLOW,
                GateReason.NONE, 0, 0, 0, false, 0, false, false, 6, 0, 0, 0, 0.0, micros, false,
                chunk.endOfDocument(), pooled);
    }
}
