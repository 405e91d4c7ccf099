package dev.mcgt.model.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcgt.McgtException;
import dev.mcgt.config.GatePolicy;
import dev.mcgt.config.Pooling;
import dev.mcgt.config.PoolingMode;
import dev.mcgt.gate.GatePacket;
import dev.mcgt.model.ModelFile;
import dev.mcgt.model.ModelWeights;
import dev.mcgt.model.onnx.proto.OnnxSubset.ModelProto;
import dev.mcgt.runtime.GatedTransformer;
import dev.mcgt.runtime.InferInput;
import dev.mcgt.runtime.InferOutput;
import dev.mcgt.runtime.RuntimeOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pooling as part of the model: stored in the file only when it is not the default (old files and mean-pooled
 * models stay version 1, byte for byte), used by the forward pass, found from sentence-transformers files; and the
 * one-line refusals of graphs the importer does not support.
 */
class PoolingImportTest {
    private static final OnnxImportOptions MEAN = new OnnxImportOptions(16);
    private static final Pooling CLS = new Pooling(PoolingMode.CLS, true);
    private static final GatePacket PASS = new GatePacket(100, 95, 5, 8192, 3, 0);

    @TempDir Path dir;

    private static ModelWeights tiny(Pooling p) {
        return OnnxImporter.importModel(TinyBert.model(), TinyBert.tokenizerJson(), new OnnxImportOptions(16, p))
                .weights();
    }

    private static int version(byte[] file) {
        return ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getInt(8);
    }

    @Test
    void defaultPoolingKeepsFormatVersionOneByteForByte() {
        ModelWeights mean = tiny(Pooling.DEFAULT);
        byte[] v1 = ModelFile.encode(mean);
        assertThat(version(v1)).isEqualTo(1);
        // the same weights without any pooling given (as before pooling existed) give the same bytes
        ModelWeights legacy = new ModelWeights(mean.config(), mean.tokenEmbedding(), mean.positionEmbedding(),
                mean.typeEmbedding(), mean.embeddingNormGamma(), mean.embeddingNormBeta(), mean.layers(), null, null,
                null, mean.tokenizerJson());
        assertThat(ModelFile.encode(legacy)).isEqualTo(v1);
        assertThat(ModelFile.decode(v1).weights().pooling()).isEqualTo(Pooling.DEFAULT);
        assertThat(ModelFile.decode(v1).info().pooling()).isEqualTo(Pooling.DEFAULT);

        for (Pooling p : new Pooling[] {CLS, new Pooling(PoolingMode.MEAN, false), new Pooling(PoolingMode.CLS, false)}) {
            byte[] v2 = ModelFile.encode(mean.withPooling(p));
            assertThat(version(v2)).as(p.toString()).isEqualTo(2);
            assertThat(ModelFile.decode(v2).weights().pooling()).isEqualTo(p);
            assertThat(ModelFile.decode(v2).info().formatVersion()).isEqualTo(2);
            assertThat(ModelFile.encode(ModelFile.decode(v2).weights())).isEqualTo(v2);
        }
    }

    @Test
    void forwardPassPoolsAsTheModelSays() {
        int[] ids = {2, 5, 6, 7, 8, 3};
        float[] mean = run(tiny(Pooling.DEFAULT), ids);
        float[] cls = run(tiny(CLS), ids);
        float[] clsRaw = run(tiny(new Pooling(PoolingMode.CLS, false)), ids);
        float[] meanRaw = run(tiny(new Pooling(PoolingMode.MEAN, false)), ids);
        assertThat(norm(mean)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
        assertThat(norm(cls)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
        assertThat(cls).isNotEqualTo(mean);
        // unnormalised outputs point the same way as the normalised ones
        double n = norm(clsRaw);
        assertThat(Math.abs(n - 1.0)).isGreaterThan(1e-3);
        for (int j = 0; j < cls.length; j++) assertThat((double) clsRaw[j] / n).isCloseTo(cls[j], org.assertj.core.data.Offset.offset(1e-5));
        double m = norm(meanRaw);
        for (int j = 0; j < mean.length; j++) assertThat((double) meanRaw[j] / m).isCloseTo(mean[j], org.assertj.core.data.Offset.offset(1e-5));
        // CLS is the first row: changing the last token changes it (attention), but it is not the mean
        float[] clsOther = run(tiny(CLS), new int[] {2, 5, 6, 7, 9, 3});
        assertThat(clsOther).isNotEqualTo(cls);
    }

    private static float[] run(ModelWeights w, int[] ids) {
        GatedTransformer model = new GatedTransformer(w, GatePolicy.defaults(), RuntimeOptions.defaults());
        InferOutput out = model.newOutput();
        model.infer(InferInput.of(ids, PASS), model.newState(), model.newBuffers(), out);
        return out.output().clone();
    }

    private static double norm(float[] v) {
        double s = 0;
        for (float x : v) s += (double) x * x;
        return Math.sqrt(s);
    }

    @Test
    void sentenceTransformersFilesNameThePooling() throws Exception {
        String cls = "{\"word_embedding_dimension\": 384, \"pooling_mode_cls_token\": true, "
                + "\"pooling_mode_mean_tokens\": false, \"pooling_mode_max_tokens\": false}";
        String mean = "{\"pooling_mode_cls_token\": false, \"pooling_mode_mean_tokens\": true}";
        String modulesNorm = "[{\"idx\":0,\"name\":\"0\",\"path\":\"\",\"type\":\"sentence_transformers.models.Transformer\"},"
                + "{\"idx\":1,\"name\":\"1\",\"path\":\"1_Pooling\",\"type\":\"sentence_transformers.models.Pooling\"},"
                + "{\"idx\":2,\"name\":\"2\",\"path\":\"2_Normalize\",\"type\":\"sentence_transformers.models.Normalize\"}]";
        String modulesPlain = "[{\"idx\":1,\"name\":\"1\",\"path\":\"1_Pooling\",\"type\":\"sentence_transformers.models.Pooling\"}]";
        assertThat(PoolingDetector.fromSentenceTransformers(cls, modulesNorm, "x")).isEqualTo(CLS);
        assertThat(PoolingDetector.fromSentenceTransformers(mean, modulesPlain, "x"))
                .isEqualTo(new Pooling(PoolingMode.MEAN, false));
        assertThat(PoolingDetector.fromSentenceTransformers(cls, null, "x")).isEqualTo(CLS);
        assertThatThrownBy(() -> PoolingDetector.fromSentenceTransformers(
                "{\"pooling_mode_max_tokens\": true}", null, "m")).isInstanceOf(McgtException.class)
                .hasMessageEndingWith("m: the pooling config asks for pooling_mode_max_tokens; supported are "
                        + "pooling_mode_mean_tokens and pooling_mode_cls_token");
        assertThatThrownBy(() -> PoolingDetector.fromSentenceTransformers("{", null, "m"))
                .hasMessageEndingWith("m pooling config.json is not valid JSON");

        // the Hugging Face layout: onnx/model.onnx, with modules.json and 1_Pooling/ in the folder above
        Path repo = Files.createDirectories(dir.resolve("bge"));
        Path onnx = Files.createDirectories(repo.resolve("onnx")).resolve("model.onnx");
        assertThat(PoolingDetector.fromFolder(onnx)).isNull();
        Files.writeString(repo.resolve("modules.json"), modulesNorm);
        Files.writeString(Files.createDirectories(repo.resolve("1_Pooling")).resolve("config.json"), cls);
        PoolingDetector.Found f = PoolingDetector.fromFolder(onnx);
        assertThat(f.pooling()).isEqualTo(CLS);
        assertThat(f.source()).isEqualTo(repo.toString());

        assertThat(PoolingDetector.clsHint("bge-small-en-v1.5.onnx")).isNotNull();
        assertThat(PoolingDetector.clsHint("e5-small-v2.onnx")).isNull();
    }

    @Test
    void langchain4jClassesNameThePooling() throws Exception {
        // a class file whose constant pool names PoolingMode and CLS, as langchain4j's BgeSmallEnV15EmbeddingModel
        byte[] clsClass = classFile("dev/langchain4j/model/embedding/onnx/PoolingMode", "CLS");
        byte[] meanClass = classFile("Ldev/langchain4j/model/embedding/onnx/PoolingMode;", "MEAN");
        byte[] other = classFile("java/lang/Object", "CLS");
        assertThat(PoolingDetector.fromLangchain4jClasses(java.util.List.of(other, clsClass), "j")).isEqualTo(CLS);
        assertThat(PoolingDetector.fromLangchain4jClasses(java.util.List.of(meanClass), "j")).isEqualTo(Pooling.DEFAULT);
        assertThat(PoolingDetector.fromLangchain4jClasses(java.util.List.of(other, new byte[] {1, 2}), "j")).isNull();
        assertThatThrownBy(() -> PoolingDetector.fromLangchain4jClasses(java.util.List.of(clsClass, meanClass), "j"))
                .hasMessageEndingWith("j: its classes name both MEAN and CLS pooling; pass --pooling");
    }

    /** A minimal class file header with a constant pool of UTF-8 entries and one Class entry. */
    private static byte[] classFile(String... utf8) {
        ByteBuffer b = ByteBuffer.allocate(1024);
        b.putInt(0xCAFEBABE).putShort((short) 0).putShort((short) 61).putShort((short) (utf8.length + 2));
        for (String s : utf8) {
            byte[] v = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            b.put((byte) 1).putShort((short) v.length).put(v);
        }
        b.put((byte) 7).putShort((short) 1);
        return java.util.Arrays.copyOf(b.array(), b.position());
    }

    @Test
    void unsupportedGraphsAreRefusedInOneLine() {
        ModelProto m = TinyBert.model();
        // another architecture: GPT-2's names instead of BERT's
        ModelProto gpt = TinyBert.editing(m, "embeddings.word_embeddings.weight",
                t -> t.toBuilder().setName("transformer.wte.weight").build());
        assertThatThrownBy(() -> OnnxImporter.importModel(gpt, TinyBert.tokenizerJson(), MEAN))
                .isInstanceOf(McgtException.class)
                .hasMessageStartingWith("Bad weights: not a BERT-family encoder: the ONNX graph has no initializer named "
                        + "embeddings.word_embeddings.weight (it has ")
                .hasMessageContaining("transformer.wte.weight")
                .hasMessageNotContaining("\n");
        // dynamically quantized graphs (MatMulInteger after DynamicQuantizeLinear)
        for (String op : new String[] {"DynamicQuantizeLinear", "MatMulInteger"}) {
            ModelProto q = TinyBert.editingNodes(m, n -> n.getOpType().equals("MatMul")
                    ? n.toBuilder().setOpType(op).build() : n);
            assertThatThrownBy(() -> OnnxImporter.importModel(q, TinyBert.tokenizerJson(), MEAN))
                    .hasMessage("Bad weights: ONNX model is already quantized (it has " + op
                            + " nodes): import its fp32 version");
        }
        // a wrong shape: the word embedding narrower than the rest
        ModelProto narrow = TinyBert.editing(m, "encoder.layer.0.attention.self.query.bias",
                t -> t.toBuilder().clearDims().addDims(TinyBert.HIDDEN - 1).build());
        assertThatThrownBy(() -> OnnxImporter.importModel(narrow, TinyBert.tokenizerJson(), MEAN))
                .isInstanceOf(McgtException.class).hasMessageStartingWith("Bad weights: ")
                .hasMessageContaining("encoder.layer.0.attention.self.query.bias");
        // a missing tensor
        assertThatThrownBy(() -> OnnxImporter.importModel(TinyBert.without(m, "embeddings.LayerNorm.bias"),
                TinyBert.tokenizerJson(), MEAN))
                .hasMessage("Bad weights: ONNX graph has no initializer named embeddings.LayerNorm.bias");
    }

}
