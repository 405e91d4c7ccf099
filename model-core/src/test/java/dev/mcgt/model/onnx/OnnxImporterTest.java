package dev.mcgt.model.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcgt.McgtException;
import dev.mcgt.config.Activation;
import dev.mcgt.config.AttentionKind;
import dev.mcgt.config.NormPlacement;
import dev.mcgt.config.TransformerConfig;
import dev.mcgt.kernel.QuantizedMatrix;
import dev.mcgt.model.LayerWeights;
import dev.mcgt.model.ModelFile;
import dev.mcgt.model.ModelWeights;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The importer on a tiny BERT built in the test: mapping, transposition, inference of the shape, variants. */
class OnnxImporterTest {
    private static final OnnxImportOptions OPT = new OnnxImportOptions(16);

    @TempDir Path dir;

    @Test
    void importsTheExportedPatternWithEveryTensorMappedOnce() {
        TinyBert.Built b = TinyBert.build(TinyBert.Variant.EXPORTED, 11);
        OnnxImport r = OnnxImporter.importModel(b.proto(), TinyBert.tokenizerJson(), OPT);
        TransformerConfig c = r.weights().config();
        assertThat(c.hidden()).isEqualTo(8);
        assertThat(c.heads()).isEqualTo(2);
        assertThat(c.layers()).isEqualTo(2);
        assertThat(c.ffnIntermediate()).isEqualTo(32);
        assertThat(c.vocabSize()).isEqualTo(10);
        assertThat(c.maxPositions()).isEqualTo(16);
        assertThat(c.typeVocabSize()).isEqualTo(2);
        assertThat(c.layerNormEps()).isEqualTo(1e-12f);
        assertThat(c.activation()).isEqualTo(Activation.GELU_ERF);
        assertThat(c.normPlacement()).isEqualTo(NormPlacement.POST);
        assertThat(c.attention()).isEqualTo(AttentionKind.BIDIRECTIONAL);
        assertThat(c.logits()).isZero();
        // tiers for S = 16: tier 0 full; tier 1 half the layers and tokens, window S/4; tier 2 (under 4 layers) 1 layer
        assertThat(new int[] {c.seqLenMax(), c.windowNormal(), c.layersDegraded(), c.seqLenDegraded(),
                c.windowDegraded(), c.layersSafe(), c.seqLenSafe(), c.windowSafe(), c.kvContext()})
                .containsExactly(16, 16, 1, 8, 4, 1, 4, 2, 16);
        assertThat(r.headsSource()).isEqualTo("graph");
        assertThat(r.producer()).isEqualTo("tiny 1");
        assertThat(r.opsetVersion()).isEqualTo(11);

        // every float initializer used exactly once, position ids left over
        List<String> names = r.mappings().stream().map(TensorMapping::onnxName).toList();
        List<String> targets = r.mappings().stream().map(TensorMapping::target).toList();
        assertThat(new HashSet<>(names)).hasSameSizeAs(names);
        assertThat(new HashSet<>(targets)).hasSameSizeAs(targets);
        assertThat(names).containsExactlyInAnyOrderElementsOf(TinyBert.floatInitializers(b.proto()));
        assertThat(r.unusedInitializers()).containsExactly("embeddings.position_ids");
        assertThat(targets).hasSize(5 + 16 * TinyBert.LAYERS);
        for (TensorMapping m : r.mappings()) {
            assertThat(m.transposed()).isEqualTo(m.onnxName().startsWith("onnx::MatMul_"));
        }
        assertMatchesSource(r, b.source(), true);
        assertThat(r.weights().tokenizerJson()).isEqualTo(TinyBert.tokenizerJson());
    }

    @Test
    void floatDataAndRawDataGiveTheSameModel() {
        ModelWeights raw = OnnxImporter.importModel(TinyBert.build(TinyBert.Variant.EXPORTED, 5).proto(),
                TinyBert.tokenizerJson(), OPT).weights();
        ModelWeights typed = OnnxImporter.importModel(
                TinyBert.build(new TinyBert.Variant(false, false, true, true), 5).proto(),
                TinyBert.tokenizerJson(), OPT).weights();
        assertThat(ModelFile.encode(typed)).isEqualTo(ModelFile.encode(raw));
    }

    @Test
    void gemmLayersAndFusedLayerNormsImportToo() {
        TinyBert.Built b = TinyBert.build(new TinyBert.Variant(true, true, false, true), 3);
        OnnxImport r = OnnxImporter.importModel(b.proto(), TinyBert.tokenizerJson(), OPT);
        assertThat(r.weights().config().layerNormEps()).isEqualTo(1e-12f);
        assertThat(r.mappings()).noneMatch(TensorMapping::transposed);
        assertMatchesSource(r, b.source(), false);
    }

    @Test
    void headsComeFromTheGraphOrAFailureWhenNoDefaultFits() {
        TinyBert.Built b = TinyBert.build(new TinyBert.Variant(false, false, false, false), 3);
        assertThatThrownBy(() -> OnnxImporter.importModel(b.proto(), TinyBert.tokenizerJson(), OPT))
                .isInstanceOf(McgtException.class)
                .hasMessage("Bad weights: cannot infer the attention head count: no readable Reshape of the layer-0 "
                        + "query and no default for hidden 8");
        assertThat(OnnxImporter.defaultHeads(384)).isEqualTo(12);
        assertThat(OnnxImporter.defaultHeads(768)).isEqualTo(12);
        assertThat(OnnxImporter.defaultHeads(1024)).isEqualTo(16);
    }

    @Test
    void sequenceLengthAndTokenizerAreChecked() {
        var m = TinyBert.model();
        assertThatThrownBy(() -> OnnxImporter.importModel(m, TinyBert.tokenizerJson(), new OnnxImportOptions(17)))
                .hasMessage("Bad configuration: sequence length 17 exceeds the model's 16 positions");
        assertThatThrownBy(() -> new OnnxImportOptions(0))
                .hasMessage("Bad configuration: sequence length must be in 1..65535, got 0");
        assertThatThrownBy(() -> OnnxImporter.importModel(m, TinyBert.tokenizerJson(20), OPT))
                .hasMessage("Bad input: the tokenizer has 24 tokens but the model's vocabulary has 10 rows");
        assertThatThrownBy(() -> OnnxImporter.importModel(m, "{\"model\": 1", OPT))
                .hasMessageStartingWith("Bad input: the tokenizer.json cannot be used: tokenizer.json is not valid JSON");
        assertThatThrownBy(() -> OnnxImporter.importModel(m, " ", OPT))
                .hasMessage("Bad weights: a tokenizer.json is required to import a model");
    }

    @Test
    void filesWithTheTokenizerNextToThem() throws Exception {
        Path onnx = dir.resolve("tiny.onnx");
        Files.write(onnx, TinyBert.model().toByteArray());
        assertThatThrownBy(() -> OnnxImporter.importFile(onnx, null, OPT))
                .hasMessage("Bad input: no tokenizer next to " + onnx + " (looked for tiny-tokenizer.json and "
                        + "tokenizer.json): give the tokenizer.json explicitly");
        Files.writeString(dir.resolve("tokenizer.json"), TinyBert.tokenizerJson(), StandardCharsets.UTF_8);
        ModelWeights plain = OnnxImporter.importFile(onnx, null, OPT).weights();
        Files.writeString(dir.resolve("tiny-tokenizer.json"), TinyBert.tokenizerJson(), StandardCharsets.UTF_8);
        assertThat(OnnxImporter.findTokenizer(onnx)).isEqualTo(dir.resolve("tiny-tokenizer.json"));
        ModelWeights named = OnnxImporter.importFile(onnx, null, OPT).weights();
        assertThat(ModelFile.encode(named)).isEqualTo(ModelFile.encode(plain));

        Path missing = dir.resolve("missing.onnx");
        assertThatThrownBy(() -> OnnxImporter.importFile(missing, dir.resolve("tokenizer.json"), OPT))
                .hasMessage("Bad weights: cannot read ONNX file " + missing + ": no such file");
        assertThatThrownBy(() -> OnnxImporter.importFile(onnx, dir.resolve("nope.json"), OPT))
                .hasMessage("Bad input: cannot read tokenizer file " + dir.resolve("nope.json") + ": no such file");
        Path cut = dir.resolve("cut.onnx");
        byte[] bytes = Files.readAllBytes(onnx);
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> OnnxImporter.importFile(cut, dir.resolve("tokenizer.json"), OPT))
                .hasMessage("Bad weights: " + cut + ": truncated ONNX file (it ends in the middle of a protobuf field)");
    }

    /**
     * Every native tensor against the source floats: norms and biases exactly, matrices within half a
     * quantization step per element (the bound of symmetric rounding), MatMul weights read transposed.
     */
    static void assertMatchesSource(OnnxImport r, TinyBert src, boolean matMulLayout) {
        ModelWeights w = r.weights();
        Map<String, float[]> f = src.floats;
        assertClose(w.tokenEmbedding(), f.get("embeddings.word_embeddings.weight"), false);
        assertClose(w.positionEmbedding(), f.get("embeddings.position_embeddings.weight"), false);
        assertClose(w.typeEmbedding(), f.get("embeddings.token_type_embeddings.weight"), false);
        assertThat(w.embeddingNormGamma()).containsExactly(f.get("embeddings.LayerNorm.weight"));
        assertThat(w.embeddingNormBeta()).containsExactly(f.get("embeddings.LayerNorm.bias"));
        Set<String> seen = new HashSet<>();
        for (Map.Entry<String, String> e : src.weightTargets.entrySet()) {
            QuantizedMatrix m = matrix(w, e.getValue());
            assertClose(m, f.get(e.getKey()), matMulLayout);
            String bias = biasName(e.getValue());
            assertThat(m.bias()).as(bias).containsExactly(f.get(bias));
            seen.add(e.getValue());
        }
        assertThat(seen).hasSize(6 * TinyBert.LAYERS);
        for (int l = 0; l < TinyBert.LAYERS; l++) {
            LayerWeights lw = w.layers().get(l);
            String p = "encoder.layer." + l + ".";
            assertThat(lw.norm1Gamma()).containsExactly(f.get(p + "attention.output.LayerNorm.weight"));
            assertThat(lw.norm1Beta()).containsExactly(f.get(p + "attention.output.LayerNorm.bias"));
            assertThat(lw.norm2Gamma()).containsExactly(f.get(p + "output.LayerNorm.weight"));
            assertThat(lw.norm2Beta()).containsExactly(f.get(p + "output.LayerNorm.bias"));
        }
    }

    private static String biasName(String target) {
        String[] parts = target.split("\\.");
        String p = "encoder.layer." + parts[1] + ".";
        return p + switch (parts[2] + "." + parts[3]) {
            case "attention.q" -> "attention.self.query.bias";
            case "attention.k" -> "attention.self.key.bias";
            case "attention.v" -> "attention.self.value.bias";
            case "attention.o" -> "attention.output.dense.bias";
            case "ffn.w1" -> "intermediate.dense.bias";
            case "ffn.w2" -> "output.dense.bias";
            default -> throw new IllegalArgumentException(target);
        };
    }

    static QuantizedMatrix matrix(ModelWeights w, String target) {
        String[] parts = target.split("\\.");
        LayerWeights l = w.layers().get(Integer.parseInt(parts[1]));
        return switch (parts[2] + "." + parts[3]) {
            case "attention.q" -> l.wq();
            case "attention.k" -> l.wk();
            case "attention.v" -> l.wv();
            case "attention.o" -> l.wo();
            case "ffn.w1" -> l.w1();
            case "ffn.w2" -> l.w2();
            default -> throw new IllegalArgumentException(target);
        };
    }

    /**
     * {@code m} (rows = outputs) against {@code src}: [rows, cols] as is, or [cols, rows] ({@code inOut}, ONNX
     * MatMul) read transposed.
     */
    static void assertClose(QuantizedMatrix m, float[] src, boolean inOut) {
        int rows = m.rows();
        int cols = m.cols();
        assertThat(src).hasSize(rows * cols);
        for (int r = 0; r < rows; r++) {
            float s = m.scales()[r];
            for (int c = 0; c < cols; c++) {
                float expected = inOut ? src[c * rows + r] : src[r * cols + c];
                float got = m.weight(r, c) * s;
                assertThat(Math.abs(got - expected)).as("row %d col %d", r, c).isLessThanOrEqualTo(s * 0.5f + 1e-7f);
            }
        }
    }
}
