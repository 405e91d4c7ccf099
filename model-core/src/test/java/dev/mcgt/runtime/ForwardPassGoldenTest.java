package dev.mcgt.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcgt.config.Activation;
import dev.mcgt.config.AttentionKind;
import dev.mcgt.config.GatePolicy;
import dev.mcgt.config.NormPlacement;
import dev.mcgt.config.TransformerConfig;
import dev.mcgt.gate.GatePacket;
import dev.mcgt.gate.SpikePacket;
import dev.mcgt.kernel.KernelProvider;
import dev.mcgt.kernel.Kernels;
import dev.mcgt.model.ModelWeights;
import dev.mcgt.model.SyntheticWeights;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden outputs: a script of inferences through every tier and feature (routing, spikes, partitions, cache hits,
 * KV cache across chunks, early exit) on a decoder and an encoder, digested (SHA-256 of the output bits, the
 * stream state bytes and the work counters) and compared with digests recorded before the kernels were reworked.
 * Every kernel must reproduce them: a change of the arithmetic shows up here, on every machine.
 */
class ForwardPassGoldenTest {
    /** Digests recorded on the code before the native kernel and the fused attention block existed. */
    private static final String MICRO = "a91ec12b0dba408fd7a620a3f1b86965346cba528c9845c7c7cf0128d7f86332";
    private static final String BASELINE = "4f91e489d503318b5d05931a6f76d4e45efb7248ff5b51f06217c70b4d7daa1d";
    /** The encoder with earlier chunks' keys and values as left context (the only behaviour when recorded). */
    private static final String ENCODER = "8750f6e88e645867b5336f0dfdc0b50272f9d2d1e50b283f90268dada02532ba";
    /** The encoder as it runs by default since cross-chunk context became optional (off for encoders). */
    private static final String ENCODER_NO_CONTEXT = "463658783cb3172e8e5dbbf139c1aace5cb4e9fdd3df2b95fb9b39e9695c24fe";

    static List<Kernels> kernels() {
        List<Kernels> k = new ArrayList<>();
        k.add(KernelProvider.scalar());
        k.addAll(KernelProvider.vectorWidths());
        k.addAll(KernelProvider.nativeRungs());
        return k;
    }

    static ModelWeights encoder() {
        TransformerConfig c = TransformerConfig.builder().seqLenMax(48).hidden(96).heads(3).layers(3).windowNormal(48)
                .windowDegraded(16).ffnMult(4).logits(96).layersDegraded(2).seqLenDegraded(24).seqLenSafe(8)
                .vocabSize(500).maxPositions(48).typeVocabSize(2).normPlacement(NormPlacement.POST)
                .activation(Activation.GELU_ERF).attention(AttentionKind.BIDIRECTIONAL).kvContext(32).build();
        return SyntheticWeights.generate(c, 11);
    }

    static String digest(ModelWeights w, Kernels k) throws Exception {
        return digest(w, k, CrossChunkContext.MODEL_DEFAULT);
    }

    static String digest(ModelWeights w, Kernels k, CrossChunkContext context) throws Exception {
        RuntimeOptions plain = RuntimeOptions.defaults().withCrossChunkContext(context);
        RuntimeOptions o = plain.withModRouting(ModRoutingConfig.defaults()).withSparseAttention(true);
        if (w.config().layers() > 2) o = o.withEarlyExit(EarlyExitConfig.defaults());
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (RuntimeOptions opt : List.of(plain, o)) {
            GatedTransformer m = new GatedTransformer(w, GatePolicy.defaults(), opt, k);
            InferState state = m.newState();
            InferBuffers buf = m.newBuffers();
            InferOutput out = m.newOutput();
            for (InferInput in : script(w)) {
                m.infer(in, state, buf, out);
                ByteBuffer bb = ByteBuffer.allocate(out.output().length * 4 + 64);
                for (float f : out.output()) bb.putInt(Float.floatToRawIntBits(f));
                InferStats s = out.stats();
                bb.putLong(s.macs()).putLong(s.tokensComputed()).putInt(s.layersExecuted()).putLong(s.attentionDots())
                        .putInt(s.tier()).putInt(s.earlyExitLayer());
                md.update(bb.array(), 0, bb.position());
                md.update(state.toBytes());
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /**
     * The pinned script. It repeats most of DeterminismTest's list on purpose: the digests pin exactly these
     * inputs, so this copy never changes when the other test's list does.
     */
    static List<InferInput> script(ModelWeights w) {
        int v = w.config().vocabSize();
        int s = w.config().seqLenMax();
        SpikePacket spikes = new SpikePacket(1, 20000, 15000, new int[] {5, 10, 15, 20},
                new int[] {16384, 12288, 8192, 4096}, SpikePacket.FLAG_SPARSE_MASK);
        int[] parts = new int[s];
        for (int i = s / 2; i < s; i++) parts[i] = 1;
        List<InferInput> in = new ArrayList<>();
        in.add(InferInput.of(Fixtures.tokens(s, v, 1), Fixtures.NORMAL));
        in.add(InferInput.of(Fixtures.tokens(s, v, 9), Fixtures.NORMAL));
        in.add(InferInput.of(Fixtures.tokens(s / 2, v, 2), Fixtures.REDUCED).withSpikes(spikes));
        in.add(InferInput.of(Fixtures.tokens(s, v, 3), Fixtures.SAFE));
        in.add(InferInput.of(Fixtures.tokens(7, v, 4), Fixtures.NORMAL).withSignature(99));
        in.add(InferInput.of(Fixtures.tokens(7, v, 4), Fixtures.SKIP).withSignature(99));
        in.add(InferInput.of(Fixtures.tokens(s, v, 5), Fixtures.SKIP));
        in.add(InferInput.of(Fixtures.tokens(s, v, 6), new GatePacket(100, 98, 5, 10000, 3, 0))
                .withPartitionOf(parts).withBoundaryTokens(new int[] {0, s - 1}).withSpikes(spikes));
        in.add(InferInput.of(Fixtures.tokens(s, v, 7), Fixtures.FLUSH));
        in.add(InferInput.of(Fixtures.tokens(3, v, 8), Fixtures.NORMAL));
        in.add(InferInput.of(Fixtures.tokens(s - 3, v, 10), Fixtures.NORMAL));
        return in;
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void microDecoder(Kernels k) throws Exception {
        assertThat(digest(Fixtures.MICRO, k)).as(k.name()).isEqualTo(MICRO);
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void baselineDecoder(Kernels k) throws Exception {
        assertThat(digest(Fixtures.BASELINE, k)).as(k.name()).isEqualTo(BASELINE);
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void postNormEncoderWithCrossChunkContext(Kernels k) throws Exception {
        assertThat(digest(encoder(), k, CrossChunkContext.ON)).as(k.name()).isEqualTo(ENCODER);
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void postNormEncoder(Kernels k) throws Exception {
        assertThat(digest(encoder(), k)).as(k.name()).isEqualTo(ENCODER_NO_CONTEXT);
    }
}
