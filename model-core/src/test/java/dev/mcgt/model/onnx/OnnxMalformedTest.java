package dev.mcgt.model.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.ByteString;
import dev.mcgt.McgtException;
import dev.mcgt.model.ModelFile;
import dev.mcgt.model.onnx.proto.OnnxSubset.GraphProto;
import dev.mcgt.model.onnx.proto.OnnxSubset.ModelProto;
import dev.mcgt.model.onnx.proto.OnnxSubset.NodeProto;
import dev.mcgt.model.onnx.proto.OnnxSubset.TensorProto;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Malformed, truncated and unsupported ONNX input: each fails with one clear line, nothing else escapes. */
class OnnxMalformedTest {
    private static final OnnxImportOptions OPT = new OnnxImportOptions(16);
    private static final String TRUNCATED = "Bad weights: truncated ONNX file (it ends in the middle of a protobuf field)";

    private static McgtException failure(ModelProto m) {
        return catchThrowableOfType(McgtException.class,
                () -> OnnxImporter.importModel(m, TinyBert.tokenizerJson(), OPT));
    }

    private static void assertFails(ModelProto m, String message) {
        McgtException e = failure(m);
        assertThat(e).as("expected a failure: " + message).isNotNull();
        assertThat(e.getMessage()).isEqualTo(message);
    }

    @Test
    void truncatedAtEveryOffsetFailsWithOneLineOrIsTheWholeModel() {
        byte[] bytes = TinyBert.model().toByteArray();
        byte[] whole = ModelFile.encode(OnnxImporter.importBytes(bytes, TinyBert.tokenizerJson(), OPT).weights());
        int truncated = 0;
        int complete = 0;
        for (int len = 0; len < bytes.length; len++) {
            byte[] cut = Arrays.copyOf(bytes, len);
            try {
                byte[] got = ModelFile.encode(OnnxImporter.importBytes(cut, TinyBert.tokenizerJson(), OPT).weights());
                // only a cut between top-level fields after the graph (the opset list) leaves the model whole
                assertThat(got).as("cut at %d", len).isEqualTo(whole);
                complete++;
            } catch (McgtException e) {
                assertThat(e.getMessage()).as("cut at %d", len).doesNotContain("\n").contains("ONNX");
                if (e.getMessage().equals(TRUNCATED)) truncated++;
            }
        }
        assertThat(complete).isLessThanOrEqualTo(1);
        // every cut inside the graph is reported as truncation
        int graphStart = 30;
        assertThat(truncated).isGreaterThan(bytes.length - graphStart - 20);
        for (int len : new int[] {graphStart + 1, bytes.length / 3, bytes.length / 2, bytes.length - 20}) {
            assertThatThrownBy(() -> OnnxImporter.importBytes(Arrays.copyOf(bytes, len), TinyBert.tokenizerJson(), OPT))
                    .as("cut at %d", len).hasMessage(TRUNCATED);
        }
        assertThatThrownBy(() -> OnnxImporter.importBytes(new byte[0], TinyBert.tokenizerJson(), OPT))
                .hasMessage("Bad weights: empty ONNX file");
    }

    @Test
    void randomBytesFailWithOneLine() {
        SplittableRandom rnd = new SplittableRandom(2024);
        for (int i = 0; i < 200; i++) {
            byte[] junk = new byte[1 + rnd.nextInt(i < 100 ? 64 : 8192)];
            rnd.nextBytes(junk);
            McgtException e = catchThrowableOfType(McgtException.class,
                    () -> OnnxImporter.importBytes(junk, TinyBert.tokenizerJson(), OPT));
            assertThat(e).as("junk %d", i).isNotNull();
            assertThat(e.kind()).isEqualTo(McgtException.Kind.BAD_WEIGHTS);
            assertThat(e.getMessage()).doesNotContain("\n").contains("ONNX");
        }
        assertThatThrownBy(() -> OnnxImporter.importBytes(new byte[] {0, 0, 0, 0}, TinyBert.tokenizerJson(), OPT))
                .hasMessage("Bad weights: malformed ONNX file: not a valid ONNX protobuf (Protocol message contained "
                        + "an invalid tag (zero))");
        assertThatThrownBy(() -> OnnxImporter.importBytes("{\"not\": \"onnx\"}".getBytes(), TinyBert.tokenizerJson(), OPT))
                .hasMessageStartingWith("Bad weights: ");
    }

    @Test
    void missingGraphOrInitializers() {
        assertFails(ModelProto.newBuilder().setIrVersion(7).build(),
                "Bad weights: ONNX file has no graph (is it an ONNX model?)");
        ModelProto m = TinyBert.model();
        assertThatThrownBy(() -> OnnxImporter.importModel(TinyBert.without(m, "embeddings.word_embeddings.weight"),
                TinyBert.tokenizerJson(), OPT)).isInstanceOf(McgtException.class)
                .hasMessageStartingWith("Bad weights: not a BERT-family encoder: the ONNX graph has no initializer named "
                        + "embeddings.word_embeddings.weight (it has ");
        assertFails(TinyBert.without(m, "encoder.layer.1.output.LayerNorm.bias"),
                "Bad weights: ONNX graph has no initializer named encoder.layer.1.output.LayerNorm.bias");
        assertFails(TinyBert.without(m, "encoder.layer.0.attention.self.query.bias"),
                "Bad weights: ONNX graph has no initializer named encoder.layer.0.attention.self.query.bias");
        String keyWeight = weightOf(m, "encoder.layer.0.attention.self.key.bias");
        assertFails(TinyBert.without(m, keyWeight),
                "Bad weights: ONNX graph: the MatMul feeding the Add of encoder.layer.0.attention.self.key.bias has "
                        + "no weight initializer");
        // the bias is there but nothing applies it
        ModelProto noAdd = TinyBert.editingNodes(m, n -> n.getInputList().contains("encoder.layer.1.output.dense.bias")
                ? null : n);
        assertFails(noAdd, "Bad weights: ONNX graph: no MatMul + Add (or Gemm) applies encoder.layer.1.output.dense.bias");
        // layer norm without its epsilon constant
        ModelProto noEps = TinyBert.editingNodes(m, n -> n.getOpType().equals("Sqrt") ? null : n);
        assertFails(noEps, "Bad weights: cannot find the LayerNorm epsilon of embeddings.LayerNorm.weight in the ONNX graph");
        // no activation
        ModelProto noErf = TinyBert.editingNodes(m, n -> n.getOpType().equals("Erf") ? null : n);
        assertFails(noErf, "Bad weights: cannot tell the FFN activation: the ONNX graph has no Erf, Gelu or Tanh node");
    }

    @Test
    void aLoopInTheGraphEndsInAClearFailure() {
        // the heads Concat reads its own output: the constant folding gives up instead of recursing forever
        ModelProto loop = TinyBert.editingNodes(TinyBert.model(), n -> n.getOpType().equals("Concat")
                ? n.toBuilder().setInput(0, n.getOutput(0)).build() : n);
        assertFails(loop, "Bad weights: cannot infer the attention head count: no readable Reshape of the layer-0 "
                + "query and no default for hidden 8");
    }

    @Test
    void oneWeightForTwoLayersIsRejected() {
        ModelProto m = TinyBert.model();
        String q = weightOf(m, "encoder.layer.0.attention.self.query.bias");
        String k = weightOf(m, "encoder.layer.0.attention.self.key.bias");
        ModelProto shared = TinyBert.editingNodes(m, n -> n.getOpType().equals("MatMul") && n.getInput(1).equals(k)
                ? n.toBuilder().setInput(1, q).build() : n);
        assertFails(shared, "Bad weights: ONNX initializer " + q + " would fill both layers.0.attention.q and "
                + "layers.0.attention.k");
    }

    @Test
    void nonFloatTensorsAreRejected() {
        ModelProto m = TinyBert.model();
        String bias = "encoder.layer.0.attention.self.query.bias";
        assertFails(TinyBert.editing(m, bias, t -> t.toBuilder().setDataType(TensorProto.DataType.INT64_VALUE)
                        .setRawData(ByteString.copyFrom(new byte[8 * 8])).build()),
                "Bad weights: ONNX tensor " + bias + " has data type INT64; only FLOAT tensors are supported");
        assertFails(TinyBert.editing(m, bias, t -> t.toBuilder().setDataType(TensorProto.DataType.FLOAT16_VALUE)
                        .setRawData(ByteString.copyFrom(new byte[2 * 8])).build()),
                "Bad weights: ONNX tensor " + bias + " has data type FLOAT16; only FLOAT tensors are supported");
        assertFails(TinyBert.editing(m, "embeddings.word_embeddings.weight", t -> t.toBuilder().setDataType(99).build()),
                "Bad weights: ONNX tensor embeddings.word_embeddings.weight has data type unknown type 99; only FLOAT "
                        + "tensors are supported");
        assertFails(TinyBert.editing(m, bias, t -> t.toBuilder()
                        .setDataLocation(TensorProto.DataLocation.EXTERNAL).clearRawData().build()),
                "Bad weights: ONNX tensor " + bias + " keeps its data in an external file, which is not supported");
    }

    @Test
    void dataLengthsMustMatchTheDimensions() {
        ModelProto m = TinyBert.model();
        String bias = "encoder.layer.0.attention.self.value.bias";
        assertFails(TinyBert.editing(m, bias, t -> t.toBuilder().setRawData(t.getRawData().substring(0, 28)).build()),
                "Bad weights: ONNX tensor " + bias + " has 28 bytes of raw_data, its shape [8] needs 32");
        assertFails(TinyBert.editing(m, bias, t -> t.toBuilder().clearRawData().addFloatData(1f).build()),
                "Bad weights: ONNX tensor " + bias + " holds 1 float_data values, its shape [8] needs 8");
        // huge or negative dimensions are refused before anything is allocated
        String word = "embeddings.word_embeddings.weight";
        assertFails(TinyBert.editing(m, word, t -> t.toBuilder().setDims(0, 1L << 40).build()),
                "Bad weights: ONNX tensor " + word + " is too large (more than 268435456 elements)");
        assertFails(TinyBert.editing(m, word, t -> t.toBuilder().setDims(0, 1L << 20).setDims(1, 1L << 20).build()),
                "Bad weights: ONNX tensor " + word + " is too large (more than 268435456 elements)");
        assertFails(TinyBert.editing(m, word, t -> t.toBuilder().setDims(0, -3).build()),
                "Bad weights: ONNX tensor " + word + " has a negative dimension -3");
        assertFails(TinyBert.editing(m, word, t -> t.toBuilder().setDims(0, 1000).build()),
                "Bad weights: ONNX tensor " + word + " has 320 bytes of raw_data, its shape [1000, 8] needs 32000");
        // shapes that do not fit the encoder
        assertFails(TinyBert.editing(m, bias, t -> t.toBuilder().setDims(0, 4).setRawData(t.getRawData().substring(0, 16))
                        .build()),
                "Bad weights: ONNX tensor " + bias + " (layers.0.attention.v.bias) has shape [4], expected [8]");
        assertFails(TinyBert.editing(m, "embeddings.position_embeddings.weight", t -> t.toBuilder().clearDims()
                        .addDims(32).addDims(4).build()),
                "Bad weights: ONNX tensor embeddings.position_embeddings.weight (embeddings.position) has shape "
                        + "[32, 4], expected [*, 8]");
        String w1 = weightOf(m, "encoder.layer.0.intermediate.dense.bias");
        assertFails(TinyBert.editing(m, w1, t -> t.toBuilder().clearDims().addDims(32).addDims(8).build()),
                "Bad weights: ONNX tensor " + w1 + " (layers.0.ffn.w1) has shape [32, 8], expected [8, 32]");
    }

    @Test
    void layerNormsMustShareOneEpsilon() {
        ModelProto m = TinyBert.model();
        // change the ε constant of the last LayerNorm (the last Constant feeding an Add before a Sqrt)
        GraphProto g = m.getGraph();
        String lastEps = null;
        for (NodeProto n : g.getNodeList()) {
            if (n.getOpType().equals("Add") && n.getInput(0).contains("ReduceMean")) lastEps = n.getInput(1);
        }
        String target = lastEps;
        ModelProto changed = TinyBert.editingNodes(m, n -> {
            if (!n.getOutputList().contains(target)) return n;
            var a = n.getAttribute(0).toBuilder().setT(n.getAttribute(0).getT().toBuilder()
                    .setRawData(TinyBert.rawFloats(new float[] {1e-5f})));
            return n.toBuilder().setAttribute(0, a).build();
        });
        assertFails(changed, "Bad weights: LayerNorm epsilons differ: encoder.layer.1.output.LayerNorm.weight uses "
                + "1.0E-5, the embedding norm 1.0E-12 (the native format has one)");
    }

    /** The weight initializer of the MatMul whose output meets {@code bias} in an Add. */
    static String weightOf(ModelProto m, String bias) {
        for (NodeProto add : m.getGraph().getNodeList()) {
            if (!add.getOpType().equals("Add") || !add.getInputList().contains(bias)) continue;
            String other = add.getInput(0).equals(bias) ? add.getInput(1) : add.getInput(0);
            for (NodeProto mm : m.getGraph().getNodeList()) {
                if (mm.getOpType().equals("MatMul") && mm.getOutput(0).equals(other)) return mm.getInput(1);
            }
        }
        throw new IllegalArgumentException("no MatMul for " + bias);
    }
}
