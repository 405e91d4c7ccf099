package dev.mcgt.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcgt.McgtException;
import dev.mcgt.config.Activation;
import dev.mcgt.config.AttentionKind;
import dev.mcgt.config.NormPlacement;
import dev.mcgt.config.TransformerConfig;
import dev.mcgt.kernel.QuantizedMatrix;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFileTest {

    private static final TransformerConfig TINY_DECODER = TransformerConfig.builder().seqLenMax(4).hidden(8).heads(2)
            .layers(2).windowNormal(4).windowDegraded(2).ffnMult(2).logits(16).layersDegraded(1).seqLenDegraded(2)
            .seqLenSafe(1).windowSafe(2).vocabSize(16).maxPositions(4).kvContext(4).build();

    private static final TransformerConfig TINY_ENCODER = TINY_DECODER.toBuilder().attention(AttentionKind.BIDIRECTIONAL)
            .normPlacement(NormPlacement.POST).activation(Activation.GELU_ERF).typeVocabSize(2).layerNormEps(1e-12f)
            .enableExternalWrites(false).build();

    @TempDir Path dir;

    // ---- building small models -------------------------------------------------------------------------------

    private static QuantizedMatrix matrix(Random r, int rows, int cols, boolean bias) {
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) w[i] = (float) r.nextGaussian();
        float[] b = null;
        if (bias) {
            b = new float[rows];
            for (int i = 0; i < rows; i++) b[i] = (float) r.nextGaussian() * 0.1f;
        }
        return QuantizedMatrix.quantize(rows, cols, w, b);
    }

    private static float[] vector(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = 1f + (float) r.nextGaussian() * 0.05f;
        return v;
    }

    private static ModelWeights model(TransformerConfig c, long seed, String tokenizer) {
        Random r = new Random(seed);
        int d = c.hidden();
        int f = c.ffnIntermediate();
        boolean encoder = c.isEncoder();
        List<LayerWeights> layers = new ArrayList<>();
        for (int i = 0; i < c.layers(); i++) {
            layers.add(new LayerWeights(matrix(r, d, d, encoder), matrix(r, d, d, encoder), matrix(r, d, d, encoder),
                    matrix(r, d, d, encoder), matrix(r, f, d, encoder), matrix(r, d, f, encoder), vector(r, d),
                    vector(r, d), vector(r, d), vector(r, d)));
        }
        return new ModelWeights(c, matrix(r, c.vocabSize(), d, false), matrix(r, c.maxPositions(), d, false),
                encoder ? matrix(r, c.typeVocabSize(), d, false) : null, encoder ? vector(r, d) : null,
                encoder ? vector(r, d) : null, layers, encoder ? null : vector(r, d), encoder ? null : vector(r, d),
                encoder ? null : matrix(r, c.logits(), d, false), tokenizer);
    }

    // ---- round trips -----------------------------------------------------------------------------------------

    @Test
    void roundTripIsByteExactAndKeepsEveryValue() {
        ModelWeights original = model(TINY_DECODER, 1, null);
        byte[] first = ModelFile.encode(original);
        LoadedModel loaded = ModelFile.decode(first);
        byte[] second = ModelFile.encode(loaded.weights());

        assertThat(second).isEqualTo(first);
        ModelWeights back = loaded.weights();
        assertThat(back.config()).isEqualTo(TINY_DECODER);
        assertSameMatrix(back.tokenEmbedding(), original.tokenEmbedding());
        assertSameMatrix(back.outputHead(), original.outputHead());
        assertSameMatrix(back.layers().get(1).w2(), original.layers().get(1).w2());
        assertThat(back.layers().get(0).norm2Beta()).isEqualTo(original.layers().get(0).norm2Beta());
        assertThat(back.finalNormGamma()).isEqualTo(original.finalNormGamma());
        assertThat(back.typeEmbedding()).isNull();
        assertThat(back.tokenizerJson()).isNull();
    }

    @Test
    void encoderWithBiasesTokenizerAndTypeEmbeddingsRoundTrips() {
        String tokenizer = "{\"model\":{\"vocab\":{\"[UNK]\":0,\"café\":1,\"日本\":2,\"😀\":3}}}";
        ModelWeights original = model(TINY_ENCODER, 2, tokenizer);
        byte[] first = ModelFile.encode(original);
        LoadedModel loaded = ModelFile.decode(first);

        assertThat(ModelFile.encode(loaded.weights())).isEqualTo(first);
        assertThat(loaded.weights().config()).isEqualTo(TINY_ENCODER);
        assertThat(loaded.weights().tokenizerJson()).isEqualTo(tokenizer);
        assertThat(loaded.weights().outputHead()).isNull();
        assertSameMatrix(loaded.weights().typeEmbedding(), original.typeEmbedding());
        assertThat(loaded.weights().layers().get(0).wq().bias()).isEqualTo(original.layers().get(0).wq().bias());
        assertThat(loaded.info().tokenizerBytes()).isEqualTo(tokenizer.getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void writeReadAndInfoThroughAFile() throws Exception {
        Path p = dir.resolve("m.mcgt");
        ModelWeights original = model(TINY_DECODER, 3, null);
        String fingerprint = ModelFile.write(original, p);

        byte[] bytes = Files.readAllBytes(p);
        String expected = HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(Arrays.copyOf(bytes, bytes.length - 32)));
        assertThat(fingerprint).isEqualTo(expected).hasSize(64);

        ModelInfo info = ModelFile.info(p);
        assertThat(info.fingerprint()).isEqualTo(fingerprint);
        assertThat(info.totalBytes()).isEqualTo(bytes.length);
        assertThat(info.formatVersion()).isEqualTo(1);
        assertThat(info.config()).isEqualTo(TINY_DECODER);
        assertThat(info.tokenizerBytes()).isEqualTo(-1);
        // token, position, 2 layers × 10, final norm × 2, head
        assertThat(info.tensors()).hasSize(2 + 20 + 2 + 1);
        TensorInfo token = info.tensors().get(0);
        assertThat(token.name()).isEqualTo("embeddings.token");
        assertThat(token.type()).isEqualTo("int8");
        assertThat(token.shape()).containsExactly(16, 8);
        assertThat(token.bytes()).isEqualTo(16 * 8 + 16 * 4);
        TensorInfo w1 = info.tensors().stream().filter(t -> t.name().equals("layers.1.ffn.w1")).findFirst().orElseThrow();
        assertThat(w1.shape()).containsExactly(16, 8);
        assertThat(info.tensorBytes()).isLessThan(info.totalBytes());

        assertThat(ModelFile.encode(ModelFile.read(p))).isEqualTo(bytes);
        // same weights, same file: the fingerprint identifies the model
        assertThat(ModelFile.write(model(TINY_DECODER, 3, null), dir.resolve("again.mcgt"))).isEqualTo(fingerprint);
        assertThat(ModelFile.write(model(TINY_DECODER, 4, null), dir.resolve("other.mcgt"))).isNotEqualTo(fingerprint);
    }

    // ---- damaged files ---------------------------------------------------------------------------------------

    @Test
    void everyTruncationIsReportedAsTruncated() {
        byte[] good = ModelFile.encode(model(TINY_DECODER, 5, "{}"));
        for (int len = 0; len < good.length; len++) {
            byte[] cut = Arrays.copyOf(good, len);
            assertBadWeights(() -> ModelFile.decode(cut), "truncated");
        }
    }

    @Test
    void everySingleFlippedByteIsRejected() {
        byte[] good = ModelFile.encode(model(TINY_DECODER, 6, "{\"a\":1}"));
        for (int i = 0; i < good.length; i++) {
            byte[] bad = good.clone();
            bad[i] ^= 0x10;
            ThrowingCallable decode = () -> ModelFile.decode(bad);
            if (i < 8) {
                assertBadWeights(decode, "wrong magic");
            } else if (i < 12) {
                assertBadWeights(decode, "unsupported format version");
            } else if (i >= 20) {
                assertBadWeights(decode, "checksum mismatch");
            } else {
                assertThatThrownBy(decode).isInstanceOf(McgtException.class)
                        .extracting(e -> ((McgtException) e).kind()).isEqualTo(McgtException.Kind.BAD_WEIGHTS);
            }
        }
    }

    @Test
    void wrongMagicAndVersionAndExtraBytes() {
        byte[] good = ModelFile.encode(model(TINY_DECODER, 7, null));
        byte[] text = "hello, I am not a model at all, just some text".getBytes(StandardCharsets.US_ASCII);
        assertBadWeights(() -> ModelFile.decode(text), "not an mcgt model file (wrong magic)");

        byte[] v3 = good.clone();
        le(v3).putInt(8, 3);
        rehash(v3);
        assertBadWeights(() -> ModelFile.decode(v3), "unsupported format version 3 (this build reads versions 1 and 2)");
        // a version-1 file relabelled 2 has no pooling where version 2 keeps it: one line, not a wrong model
        byte[] v2 = good.clone();
        le(v2).putInt(8, 2);
        rehash(v2);
        assertThatThrownBy(() -> ModelFile.decode(v2)).isInstanceOf(McgtException.class)
                .hasMessageStartingWith("Bad weights: ");

        byte[] longer = Arrays.copyOf(good, good.length + 3);
        assertBadWeights(() -> ModelFile.decode(longer), "3 unexpected bytes after its end");
    }

    @Test
    void hugeSizeFieldsFailBeforeAllocating() {
        byte[] good = ModelFile.encode(model(TINY_DECODER, 8, "{\"tokenizer\":true}"));
        int token = indexOf(good, "embeddings.token");
        int tokenizer = indexOf(good, "{\"tokenizer\":true}");
        int gamma = indexOf(good, "layers.0.norm1.gamma");

        assertPatched(good, token + 17, 0xFFFF_FFFF, "tensor 'embeddings.token' (4294967295x8) needs 4294967295 bytes");
        assertPatched(good, token + 21, 0x7FFF_FFFF, "tensor 'embeddings.token' (16x2147483647) needs 2147483647 bytes");
        assertPatched(good, token - 6, 0xFFFF_FFFF, "the 4294967295 tensors listed needs");
        assertPatched(good, tokenizer - 4, 0xFFFF_FFFF, "the tokenizer needs 4294967295 bytes");
        assertPatched(good, gamma + 21, 0x4000_0000, "tensor 'layers.0.norm1.gamma' (1073741824 floats) needs");
        byte[] name = good.clone();
        le(name).putShort(token - 2, (short) 0xFFFF);
        rehash(name);
        assertBadWeights(() -> ModelFile.decode(name), "name of tensor 0 needs 65535 bytes");
    }

    @Test
    void contentProblemsNameTheTensor() {
        byte[] good = ModelFile.encode(model(TINY_DECODER, 9, null));
        int token = indexOf(good, "embeddings.token");

        byte[] kind = good.clone();
        kind[token + 16] = 9;
        rehash(kind);
        assertBadWeights(() -> ModelFile.decode(kind), "tensor 'embeddings.token' has unknown kind 9");

        byte[] nan = good.clone();
        int firstScale = token + 16 + 1 + 4 + 4 + 1 + 16 * 8;
        le(nan).putFloat(firstScale, Float.NaN);
        rehash(nan);
        assertBadWeights(() -> ModelFile.decode(nan), "tensor 'embeddings.token': scale is NaN or infinite");

        byte[] nanNorm = good.clone();
        int gamma = indexOf(good, "layers.1.norm2.gamma");
        le(nanNorm).putFloat(gamma + 20 + 1 + 4 + 4 * 3, Float.POSITIVE_INFINITY);
        rehash(nanNorm);
        assertBadWeights(() -> ModelFile.decode(nanNorm), "layers.1.norm2.gamma holds a NaN or infinite value at index 3");

        // config says vocabulary 17 (offset: header 20 + 11 ints + 2 booleans), tensors hold 16 rows
        byte[] vocab = good.clone();
        le(vocab).putInt(20 + 44 + 2, 17);
        rehash(vocab);
        assertBadWeights(() -> ModelFile.decode(vocab), "tensor 'embeddings.token' has shape 16x8, the config needs 17x8");

        // config says 3 layers: invalid? no, valid, but layer 2 is missing
        byte[] layers = good.clone();
        le(layers).putInt(20 + 12, 3);
        rehash(layers);
        assertBadWeights(() -> ModelFile.decode(layers), "tensor 'layers.2.attention.q' is missing");

        byte[] heads = good.clone();
        le(heads).putInt(20 + 8, 3);
        rehash(heads);
        assertBadWeights(() -> ModelFile.decode(heads), "the file's config is invalid: hidden must be divisible by heads");

        byte[] renamed = good.clone();
        renamed[token] = 'E';
        rehash(renamed);
        assertBadWeights(() -> ModelFile.decode(renamed), "tensor 'embeddings.token' is missing");
    }

    @Test
    void invalidWeightsAreNotWritten() {
        ModelWeights good = model(TINY_DECODER, 11, null);
        ModelWeights oneLayerShort = new ModelWeights(TINY_DECODER, good.tokenEmbedding(), good.positionEmbedding(), null,
                null, null, good.layers().subList(0, 1), good.finalNormGamma(), good.finalNormBeta(), good.outputHead(),
                null);
        assertBadWeights(() -> ModelFile.encode(oneLayerShort), "layer count mismatch");
    }

    @Test
    void fileErrorsNameTheFile() throws Exception {
        Path missing = dir.resolve("nope.mcgt");
        assertBadWeights(() -> ModelFile.read(missing), "cannot read model file '" + missing + "': no such file");

        Path cut = dir.resolve("cut.mcgt");
        byte[] good = ModelFile.encode(model(TINY_DECODER, 10, null));
        Files.write(cut, Arrays.copyOf(good, good.length / 2));
        assertBadWeights(() -> ModelFile.info(cut), "model file '" + cut + "': file is truncated: " + good.length / 2
                + " of " + good.length + " bytes");
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private static void assertSameMatrix(QuantizedMatrix actual, QuantizedMatrix expected) {
        assertThat(actual.rows()).isEqualTo(expected.rows());
        assertThat(actual.cols()).isEqualTo(expected.cols());
        assertThat(actual.weights()).isEqualTo(expected.weights());
        assertThat(actual.scales()).isEqualTo(expected.scales());
        assertThat(actual.bias()).isEqualTo(expected.bias());
    }

    private static void assertPatched(byte[] good, int offset, int value, String... fragments) {
        byte[] bad = good.clone();
        le(bad).putInt(offset, value);
        rehash(bad);
        assertBadWeights(() -> ModelFile.decode(bad), fragments);
    }

    private static void assertBadWeights(ThrowingCallable call, String... fragments) {
        assertThatThrownBy(call).isInstanceOf(McgtException.class)
                .satisfies(e -> {
                    McgtException m = (McgtException) e;
                    assertThat(m.kind()).isEqualTo(McgtException.Kind.BAD_WEIGHTS);
                    assertThat(m.getMessage()).startsWith("Bad weights: ").doesNotContain("\n").contains(fragments);
                });
    }

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Recomputes the SHA-256 trailer so that the patched content is what gets checked. */
    private static void rehash(byte[] b) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(b, 0, b.length - 32);
            System.arraycopy(md.digest(), 0, b, b.length - 32, 32);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static int indexOf(byte[] hay, String needle) {
        byte[] n = needle.getBytes(StandardCharsets.UTF_8);
        outer:
        for (int i = 0; i + n.length <= hay.length; i++) {
            for (int j = 0; j < n.length; j++) {
                if (hay[i + j] != n[j]) continue outer;
            }
            return i;
        }
        throw new AssertionError("not found: " + needle);
    }
}
