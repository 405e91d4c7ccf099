package dev.mcgt.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcgt.McgtException;
import dev.mcgt.config.TransformerConfig;
import dev.mcgt.gate.GatePacket;
import dev.mcgt.kernel.KernelProvider;
import dev.mcgt.config.GatePolicy;
import dev.mcgt.model.ModelWeights;
import dev.mcgt.model.SyntheticWeights;
import dev.mcgt.runtime.GatedTransformer;
import dev.mcgt.runtime.InferInput;
import dev.mcgt.runtime.RuntimeOptions;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The stream state value and its versioned binary form. */
class StreamStateTest {
    private static final TransformerConfig MICRO = TransformerConfig.micro();
    private static final ModelWeights WEIGHTS = SyntheticWeights.generate(MICRO, 42);
    private static final String FP = StreamState.syntheticFingerprint("micro", 42);

    /** A state with a filled KV cache, λ and spike history. */
    static StreamState busyState() {
        GatedTransformer m = new GatedTransformer(WEIGHTS, GatePolicy.defaults(), RuntimeOptions.defaults(),
                KernelProvider.scalar());
        StreamState s = StreamState.create(MICRO, FP);
        SplittableRandom r = new SplittableRandom(9);
        for (int c = 0; c < 3; c++) {
            int[] tokens = new int[20];
            for (int i = 0; i < tokens.length; i++) tokens[i] = r.nextInt(256);
            m.infer(InferInput.of(tokens, GatePacket.of(100, 100)), s.inferState(), m.newBuffers(), m.newOutput());
            float[] mean = new float[MICRO.hidden()];
            for (int i = 0; i < mean.length; i++) mean[i] = (float) r.nextGaussian();
            int[] set = java.util.Arrays.stream(tokens).distinct().sorted().toArray();
            s.spikeHistory().record(set, set.length, mean, c != 1, 1000 * c);
            s.advance(100 + 50L * c, c, tokens.length, MICRO.kvContext());
            if (c < 2) {
                float[] v = new float[MICRO.outputSize()];
                for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
                s.poolingMemory().remember(mean, v);
            }
        }
        return s;
    }

    @Test
    void aFreshStateHasNoHistory() {
        StreamState s = StreamState.create(MICRO, FP);
        assertThat(s.lambdaPrev()).isZero();
        assertThat(s.lastTier()).isEqualTo(-1);
        assertThat(s.chunkCount()).isZero();
        assertThat(s.modelFingerprint()).isEqualTo("synthetic:micro:42");
        assertThat(s.inferState().kvCache().totalLength()).isZero();
        assertThat(StreamState.fromBytes(s.toBytes())).isEqualTo(s);
    }

    @Test
    void theBinaryFormRoundTripsExactly() {
        StreamState s = busyState();
        byte[] bytes = s.toBytes();
        StreamState back = StreamState.fromBytes(bytes);
        assertThat(back.toBytes()).isEqualTo(bytes);
        assertThat(back).isEqualTo(s);
        assertThat(back.lambdaHistory()).isEqualTo(s.lambdaHistory());
        assertThat(back.spikeHistory()).isEqualTo(s.spikeHistory());
        assertThat(back.inferState()).isEqualTo(s.inferState());
        assertThat(back.lambdaPrev()).isEqualTo(200);
        assertThat(back.lastTier()).isEqualTo(2);
        assertThat(back.chunkCount()).isEqualTo(3);
        assertThat(back.tokensSeen()).isEqualTo(60);
        assertThat(back.ungatedKvLength()).isEqualTo(32);
        assertThat(StreamStateCodec.versionOf(bytes)).isEqualTo(2);
        assertThat(back.poolingMemory().size()).isEqualTo(2);
        assertThat(s.copy()).isEqualTo(s);
        assertThat(s.copy().toBytes()).isEqualTo(bytes);
    }

    @Test
    void versionOneBytesStillDecodeWithAnEmptyPoolingMemory() {
        StreamState s = busyState();
        byte[] v1 = StreamStateCodec.encode(s, StreamStateCodec.VERSION_1);
        assertThat(StreamStateCodec.versionOf(v1)).isEqualTo(1);
        StreamState back = StreamState.fromBytes(v1);
        assertThat(back.poolingMemory().isEmpty()).isTrue();
        assertThat(back.poolingMemory().vectorWidth()).isEqualTo(s.poolingMemory().vectorWidth());
        assertThat(back.lambdaHistory()).isEqualTo(s.lambdaHistory());
        assertThat(back.spikeHistory()).isEqualTo(s.spikeHistory());
        assertThat(back.inferState()).isEqualTo(s.inferState());
        assertThat(back.chunkCount()).isEqualTo(s.chunkCount());
        assertThat(StreamStateCodec.encode(back, StreamStateCodec.VERSION_1)).isEqualTo(v1);
        // upgraded on the next write
        assertThat(StreamStateCodec.versionOf(back.toBytes())).isEqualTo(StreamStateCodec.CURRENT_VERSION);
    }

    @Test
    void thePoolingMemoryFindsTheMostSimilarSketchAndForgetsTheOldest() {
        PoolingMemory m = new PoolingMemory(2, 2, 1);
        float[] out = new float[1];
        assertThat(m.nearest(new float[] {1, 0}, out)).isEqualTo(-1);
        m.remember(new float[] {1, 0}, new float[] {10});
        m.remember(new float[] {0, 1}, new float[] {20});
        assertThat(m.nearest(new float[] {0.2f, 0.9f}, out)).isEqualTo(1);
        assertThat(out[0]).isEqualTo(20f);
        assertThat(m.nearest(new float[] {0.5f, 0.5f}, out)).isEqualTo(0);   // a tie: the oldest
        assertThat(out[0]).isEqualTo(10f);
        m.remember(new float[] {0.9f, 0.1f}, new float[] {30});            // forgets {1, 0}
        assertThat(m.size()).isEqualTo(2);
        m.nearest(new float[] {1, 0}, out);
        assertThat(out[0]).isEqualTo(30f);
        assertThat(m.copy().nearest(new float[] {0, 1}, out)).isEqualTo(0);
        assertThat(out[0]).isEqualTo(20f);
    }

    @Test
    void truncatedBytesAreRejectedWithOneClearLine() {
        byte[] bytes = busyState().toBytes();
        for (int len = 0; len < bytes.length; len += len < 200 ? 1 : 97) {
            byte[] cut = java.util.Arrays.copyOf(bytes, len);
            assertThatThrownBy(() -> StreamState.fromBytes(cut)).as("length %d", len)
                    .isInstanceOf(McgtException.class).hasMessageStartingWith("Bad input: ")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        }
    }

    @Test
    void wrongMagicVersionSectionsAndTrailingBytesAreRejected() {
        byte[] bytes = busyState().toBytes();
        byte[] magic = bytes.clone();
        magic[0] = 'X';
        assertThatThrownBy(() -> StreamState.fromBytes(magic)).hasMessage("Bad input: not a stream state (bad magic)");
        byte[] v3 = bytes.clone();
        ByteBuffer.wrap(v3).putInt(4, 3);
        assertThatThrownBy(() -> StreamState.fromBytes(v3)).hasMessageContaining("unsupported stream state version 3");
        byte[] tag = bytes.clone();
        tag[8] = 'Z';
        assertThatThrownBy(() -> StreamState.fromBytes(tag)).hasMessageContaining("expected section HEAD");
        byte[] longer = java.util.Arrays.copyOf(bytes, bytes.length + 1);
        assertThatThrownBy(() -> StreamState.fromBytes(longer)).hasMessageContaining("trailing");
        byte[] badLen = bytes.clone();
        ByteBuffer.wrap(badLen).putInt(12, Integer.MAX_VALUE);
        assertThatThrownBy(() -> StreamState.fromBytes(badLen)).hasMessageContaining("section HEAD has an invalid length");
        assertThatThrownBy(() -> StreamState.fromBytes(new byte[0])).hasMessageContaining("truncated");
    }

    @Test
    void corruptedBytesNeverEscapeAsAnythingButABadInputError() {
        StreamState state = busyState();
        byte[] bytes = state.toBytes();
        // this codec's own sections plus the runtime section's header (the KV cache has its own tests)
        int span = bytes.length - state.inferState().toBytes().length + 9;
        SplittableRandom r = new SplittableRandom(5);
        for (int trial = 0; trial < 1000; trial++) {
            byte[] b = bytes.clone();
            int flips = 1 + r.nextInt(3);
            for (int f = 0; f < flips; f++) b[r.nextInt(span)] ^= (byte) (1 + r.nextInt(255));
            try {
                StreamState s = StreamState.fromBytes(b);
                assertThat(s.toBytes()).hasSize(b.length);
            } catch (McgtException e) {
                assertThat(e.kind()).isEqualTo(McgtException.Kind.BAD_INPUT);
            }
        }
    }

    @Test
    void droppingTheKvCacheKeepsTheHistories() {
        StreamState s = busyState();
        LambdaHistory lambdas = s.lambdaHistory().copy();
        SpikeHistory spikes = s.spikeHistory().copy();
        assertThat(s.inferState().kvCache().totalLength()).isPositive();
        s.dropKvCache();
        assertThat(s.inferState().kvCache().totalLength()).isZero();
        assertThat(s.inferState().hasCachedSignature()).isFalse();
        assertThat(s.lambdaHistory()).isEqualTo(lambdas);
        assertThat(s.spikeHistory()).isEqualTo(spikes);
        assertThat(s.chunkCount()).isEqualTo(3);
        assertThat(s.lastTier()).isEqualTo(2);
        assertThat(s.ungatedKvLength()).isZero();
        assertThat(StreamState.fromBytes(s.toBytes())).isEqualTo(s);
    }

    @Test
    void adoptingAnotherModelDropsKvAndKeepsLambda() {
        StreamState s = busyState();
        assertThat(s.adoptModel(FP, MICRO)).isFalse();
        assertThat(s.inferState().kvCache().totalLength()).isPositive();

        assertThat(s.adoptModel("abc123", MICRO)).isTrue();
        assertThat(s.modelFingerprint()).isEqualTo("abc123");
        assertThat(s.inferState().kvCache().totalLength()).isZero();
        assertThat(s.lambdaPrev()).isEqualTo(200);
        assertThat(s.spikeHistory().hasMean()).isTrue();

        TransformerConfig baseline = TransformerConfig.baseline();
        assertThat(s.adoptModel("def456", baseline)).isTrue();
        assertThat(s.inferState().fits(baseline)).isTrue();
        assertThat(s.spikeHistory().hasMean()).as("other width, other space").isFalse();
        assertThat(s.spikeHistory().observed()).isEqualTo(3);
        assertThat(s.lambdaHistory().count()).isEqualTo(3);
        assertThat(StreamState.fromBytes(s.toBytes())).isEqualTo(s);
        assertThatThrownBy(() -> s.adoptModel("", MICRO)).hasMessageContaining("fingerprint");
    }
}
