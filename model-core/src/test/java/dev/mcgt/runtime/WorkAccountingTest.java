package dev.mcgt.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcgt.config.GatePolicy;
import dev.mcgt.config.Pooling;
import dev.mcgt.config.PoolingMode;
import dev.mcgt.kernel.AttentionBlock;
import dev.mcgt.kernel.KernelProvider;
import dev.mcgt.kernel.Kernels;
import dev.mcgt.kernel.QuantizedMatrix;
import dev.mcgt.model.LayerWeights;
import dev.mcgt.model.ModelWeights;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The counters {@link OpCost} reports equal the work the kernels were actually given: every inference of a
 * script through all tiers and features runs on a kernel that records its calls (GEMMs with their shapes,
 * LayerNorm calls, attention blocks with each query's visible keys), and the stats must match those records
 * exactly (the inputs are ForwardPassGoldenTest's script) — GEMM calls, int8 MACs, attention dots, weight bytes,
 * blocks run and the tokens that went through them — and, where the pass has no step outside the
 * kernels, the f32 operation estimates too. A step added to or changed in {@link ForwardPass} without its cost
 * function fails here.
 */
class WorkAccountingTest {

    /** What the recording kernel saw during one inference. */
    static final class Record {
        long gemmCalls;
        long gemmMacs;
        long gemmOutputs;
        long gemmBiasOutputs;
        long gemmBytes;
        long normCalls;
        long normElements;
        long quantElements;
        long geluElements;
        long addElements;
        long dots;
        /** GEMMs against a block's key projection: one per block run, on the rows that went through the block. */
        long keyProjections;
        long keyProjectionRows;

        void clear() {
            keyProjections = keyProjectionRows = 0;
            gemmCalls = gemmMacs = gemmOutputs = gemmBiasOutputs = gemmBytes = 0;
            normCalls = normElements = quantElements = geluElements = addElements = dots = 0;
        }
    }

    private static Field field(String name) throws NoSuchFieldException {
        Field f = AttentionBlock.class.getDeclaredField(name);
        f.setAccessible(true);
        return f;
    }

    /**
     * The scalar kernel behind a proxy that records every call of the forward pass into {@code r}; GEMMs against
     * one of {@code keyProjections} (compared by identity) are recorded apart as well.
     */
    static Kernels recording(Record r, Set<QuantizedMatrix> keyProjections) throws NoSuchFieldException {
        Kernels k = KernelProvider.scalar();
        Field qb = field("qb");
        Field keyCount = field("keyCount");
        Field heads = field("heads");
        return (Kernels) Proxy.newProxyInstance(Kernels.class.getClassLoader(), new Class<?>[] {Kernels.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "gemm" -> {
                            int m = (int) args[0];
                            QuantizedMatrix w = (QuantizedMatrix) args[5];
                            r.gemmCalls++;
                            r.gemmOutputs += (long) m * w.rows();
                            if (w.bias() != null) r.gemmBiasOutputs += (long) m * w.rows();
                            r.gemmMacs += (long) m * w.rows() * w.cols();
                            r.gemmBytes += w.byteSize();
                            if (keyProjections.contains(w)) {
                                r.keyProjections++;
                                r.keyProjectionRows += m;
                            }
                        }
                        case "layerNormRows" -> {
                            r.normCalls++;
                            r.normElements += (long) (int) args[2] * (int) args[3];
                        }
                        case "layerNorm" -> {
                            r.normCalls++;
                            r.normElements += (int) args[2];
                        }
                        case "quantizeRows" -> r.quantElements += (long) (int) args[2] * (int) args[3];
                        case "gelu" -> r.geluElements += (int) args[2];
                        case "add" -> r.addElements += (int) args[4];
                        case "attendBlock" -> {
                            AttentionBlock at = (AttentionBlock) args[0];
                            int[] counts = (int[]) keyCount.get(at);
                            long keys = 0;
                            for (int i = 0; i < qb.getInt(at); i++) keys += counts[i];
                            r.dots += keys * heads.getInt(at);
                        }
                        default -> { }
                    }
                    try {
                        return method.invoke(k, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static List<RuntimeOptions> options(ModelWeights w) {
        RuntimeOptions d = RuntimeOptions.defaults();
        List<RuntimeOptions> o = new ArrayList<>(List.of(d,
                d.withModRouting(ModRoutingConfig.defaults().withBoundaryTokenForceCompute(true)).withSparseAttention(true),
                d.withRepresentationExitThreshold(0.5f), d.withLayerSelection(LayerSelection.LATE_LAYERS),
                d.withCrossChunkContext(CrossChunkContext.ON)));
        if (w.config().layers() > 2) o.add(d.withEarlyExit(EarlyExitConfig.aggressive()));
        if (w.config().isEncoder()) {
            o.add(d.withTokenPruning(new TokenPruning(1, 12)));
            o.add(d.withTokenPruning(new TokenPruning(1, List.of(30, 20), true, TokenPruning.MergeMetric.KEYS)));
            o.add(d.withTruncatedTier(new TruncatedTier(2, 20)));
        }
        return o;
    }

    /** Runs the script on every option set, checks each inference and returns how many were checked. */
    private static int check(ModelWeights w) throws Exception {
        Record r = new Record();
        Set<QuantizedMatrix> wk = Collections.newSetFromMap(new IdentityHashMap<>());
        for (LayerWeights l : w.layers()) wk.add(l.wk());
        Kernels k = recording(r, wk);
        int checked = 0;
        for (RuntimeOptions opt : options(w)) {
            GatedTransformer m = new GatedTransformer(w, GatePolicy.defaults(), opt, k);
            InferState state = m.newState();
            InferBuffers buf = m.newBuffers();
            InferOutput out = m.newOutput();
            for (InferInput in : ForwardPassGoldenTest.script(w)) {
                r.clear();
                m.infer(in, state, buf, out);
                InferStats s = out.stats();
                int d = w.config().hidden();
                String what = opt + " tier " + s.tier();
                assertThat(s.gemmCalls()).as(what).isEqualTo(r.gemmCalls);
                assertThat(s.attentionDots()).as(what).isEqualTo(r.dots);
                assertThat(s.macs()).as(what).isEqualTo(r.gemmMacs + r.dots * w.config().headDim());
                int tables = w.typeEmbedding() == null ? 2 : 3;
                long embedded = s.skipped() ? (s.cacheHit() ? 0 : in.tokens().length)
                        : Math.min(in.tokens().length, out.witness().effectiveSeqLen());
                assertThat(s.weightBytesRead()).as(what)
                        .isEqualTo(r.gemmBytes + 8L * d * r.normCalls + embedded * tables * (d + 4));
                assertThat(s.layersExecuted()).as(what).isEqualTo(r.keyProjections);
                assertThat(s.tokensComputed()).as(what).isEqualTo(r.keyProjectionRows);
                if (!s.skipped()) assertThat(s.layersExecuted()).as(what).isEqualTo(out.witness().layersRun());
                if (opt.modRouting() == null && opt.tokenPruning() == null && opt.representationExitThreshold() == 0f
                        && !s.skipped() && !w.config().isEncoder()) {
                    // A decoder without routing, merging or pooling: every f32 step but the embedding is a kernel call.
                    long mul = r.normElements * OpCost.NORM_MUL + r.quantElements * OpCost.QUANT_MUL
                            + r.geluElements * OpCost.GELU_MUL + r.gemmOutputs * OpCost.GEMM_OUT_MUL
                            + r.dots * (OpCost.SCORE_MUL + OpCost.SOFTMAX_MUL + 1 + w.config().headDim())
                            + embedded * tables * d;
                    long add = r.normElements * OpCost.NORM_ADD + r.quantElements * OpCost.QUANT_ADD
                            + r.geluElements * OpCost.GELU_ADD + r.gemmBiasOutputs + r.addElements
                            + r.dots * (OpCost.SOFTMAX_ADD + w.config().headDim()) + embedded * (tables - 1) * d;
                    assertThat(s.floatMultiplies()).as(what).isEqualTo(mul);
                    assertThat(s.floatAdds()).as(what).isEqualTo(add);
                }
                checked++;
            }
        }
        return checked;
    }

    @Test
    void microDecoderCountsWhatTheKernelsDid() throws Exception {
        assertThat(check(Fixtures.MICRO)).isPositive();
    }

    @Test
    void baselineDecoderCountsWhatTheKernelsDid() throws Exception {
        assertThat(check(Fixtures.BASELINE)).isPositive();
    }

    @Test
    void encoderCountsWhatTheKernelsDid() throws Exception {
        ModelWeights enc = ForwardPassGoldenTest.encoder();
        assertThat(check(enc)).isPositive();
        assertThat(check(enc.withPooling(new Pooling(PoolingMode.CLS, false)))).isPositive();
    }
}
