package dev.mcgt.model.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcgt.config.Activation;
import dev.mcgt.config.AttentionKind;
import dev.mcgt.config.NormPlacement;
import dev.mcgt.config.TransformerConfig;
import dev.mcgt.kernel.QuantizedMatrix;
import dev.mcgt.model.LayerWeights;
import dev.mcgt.model.LoadedModel;
import dev.mcgt.model.ModelFile;
import dev.mcgt.model.ModelWeights;
import dev.mcgt.model.onnx.proto.OnnxSubset.ModelProto;
import dev.mcgt.model.onnx.proto.OnnxSubset.TensorProto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real all-MiniLM-L6-v2 (fp32 ONNX from the langchain4j artifact) imported into the native model. */
class OnnxMiniLmImportTest {
    @TempDir Path dir;

    @Test
    void configIsMiniLm() {
        OnnxImport r = MiniLm.imported();
        TransformerConfig c = r.weights().config();
        assertThat(c.layers()).isEqualTo(6);
        assertThat(c.hidden()).isEqualTo(384);
        assertThat(c.heads()).isEqualTo(12);
        assertThat(r.headsSource()).isEqualTo("graph");
        assertThat(c.ffnIntermediate()).isEqualTo(1536);
        assertThat(c.vocabSize()).isEqualTo(30522);
        assertThat(c.maxPositions()).isEqualTo(512);
        assertThat(c.typeVocabSize()).isEqualTo(2);
        assertThat(c.layerNormEps()).isEqualTo(1e-12f);
        assertThat(c.activation()).isEqualTo(Activation.GELU_ERF);
        assertThat(c.normPlacement()).isEqualTo(NormPlacement.POST);
        assertThat(c.attention()).isEqualTo(AttentionKind.BIDIRECTIONAL);
        assertThat(c.isEncoder()).isTrue();
        assertThat(c.outputSize()).isEqualTo(384);
        assertThat(new int[] {c.seqLenMax(), c.windowNormal(), c.layersDegraded(), c.seqLenDegraded(),
                c.windowDegraded(), c.layersSafe(), c.seqLenSafe(), c.windowSafe(), c.kvContext()})
                .containsExactly(128, 128, 3, 64, 32, 2, 32, 16, 128);
        assertThat(r.producer()).isEqualTo("pytorch 2.0.1");
        assertThat(r.opsetVersion()).isEqualTo(11);
        assertThat(r.weights().tokenizerJson()).isEqualTo(MiniLm.tokenizerJson());
        assertThat(r.weights().finalNormGamma()).isNull();
        assertThat(r.weights().outputHead()).isNull();
    }

    @Test
    void everyTensorIsMappedExactlyOnce() {
        OnnxImport r = MiniLm.imported();
        ModelProto m = OnnxImporter.parse(MiniLm.onnxBytes());
        List<String> all = m.getGraph().getInitializerList().stream().map(TensorProto::getName).toList();
        List<String> names = r.mappings().stream().map(TensorMapping::onnxName).toList();
        List<String> targets = r.mappings().stream().map(TensorMapping::target).toList();
        assertThat(all).hasSize(102);
        assertThat(new HashSet<>(names)).hasSameSizeAs(names);
        assertThat(new HashSet<>(targets)).hasSameSizeAs(targets);
        assertThat(names).hasSize(101);
        assertThat(r.unusedInitializers()).containsExactly("embeddings.position_ids");
        List<String> union = new ArrayList<>(names);
        union.addAll(r.unusedInitializers());
        assertThat(union).containsExactlyInAnyOrderElementsOf(all);
        // 36 anonymous MatMul weights, found through the graph and transposed; everything else named
        List<TensorMapping> matmuls = r.mappings().stream().filter(TensorMapping::transposed).toList();
        assertThat(matmuls).hasSize(36).allMatch(t -> t.onnxName().startsWith("onnx::MatMul_"));
        assertThat(r.mappings().stream().filter(t -> !t.transposed()))
                .noneMatch(t -> t.onnxName().startsWith("onnx::"));
        Map<String, String> byTarget = new HashMap<>();
        r.mappings().forEach(t -> byTarget.put(t.target(), t.onnxName()));
        assertThat(byTarget.get("layers.0.attention.q")).isEqualTo("onnx::MatMul_787");
        assertThat(byTarget.get("layers.0.attention.q.bias")).isEqualTo("encoder.layer.0.attention.self.query.bias");
        assertThat(byTarget.get("layers.5.ffn.w2.bias")).isEqualTo("encoder.layer.5.output.dense.bias");
        assertThat(byTarget.get("embeddings.type")).isEqualTo("embeddings.token_type_embeddings.weight");
        for (TensorMapping t : matmuls) {
            boolean w1 = t.target().endsWith("ffn.w1");
            boolean w2 = t.target().endsWith("ffn.w2");
            assertThat(t.onnxShape()).as(t.target()).containsExactly(w2 ? 1536L : 384L, w1 ? 1536L : 384L);
        }
    }

    @Test
    void dequantizedWeightsAreCloseToTheFp32Initializers() {
        OnnxImport r = MiniLm.imported();
        ModelWeights w = r.weights();
        ModelProto m = OnnxImporter.parse(MiniLm.onnxBytes());
        Map<String, TensorProto> init = new HashMap<>();
        m.getGraph().getInitializerList().forEach(t -> init.put(t.getName(), t));
        double worstRow = 0;
        String worstName = "";
        double sumRel = 0;
        int rows = 0;
        double[] rels = new double[60_000];
        for (TensorMapping t : r.mappings()) {
            float[] src = OnnxTensors.floats(init.get(t.onnxName()));
            QuantizedMatrix q = matrixOf(w, t.target());
            if (q == null) {
                assertThat(vectorOf(w, t.target())).as(t.target()).containsExactly(src);
                continue;
            }
            for (int row = 0; row < q.rows(); row++) {
                double err = 0;
                double norm = 0;
                float s = q.scales()[row];
                for (int col = 0; col < q.cols(); col++) {
                    float expected = t.transposed() ? src[col * q.rows() + row] : src[row * q.cols() + col];
                    float got = q.weight(row, col) * s;
                    assertThat(Math.abs(got - expected)).isLessThanOrEqualTo(0.5f * s + 1e-7f);
                    err += (double) (got - expected) * (got - expected);
                    norm += (double) expected * expected;
                }
                double rel = norm == 0 ? 0 : Math.sqrt(err / norm);
                sumRel += rel;
                rels[rows++] = rel;
                if (rel > worstRow) {
                    worstRow = rel;
                    worstName = t.target() + " row " + row;
                }
            }
        }
        double[] sorted = Arrays.copyOf(rels, rows);
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "MiniLM INT8 import: %d matrix rows, relative L2 error per row: mean %.5f, "
                + "p99 %.5f, worst %.5f (%s)%n", rows, sumRel / rows, sorted[(int) (0.99 * (rows - 1))], worstRow,
                worstName);
        // symmetric per-row INT8 of near-Gaussian rows: ~0.7 % typical; a row with one outlier weight (it sets the
        // scale for the whole row) reaches a few percent; a wrong layout (transposed) would give ~140 %
        assertThat(sumRel / rows).isLessThan(0.01);
        assertThat(sorted[(int) (0.99 * (rows - 1))]).isLessThan(0.02);
        assertThat(worstRow).isLessThan(0.1);
    }

    @Test
    void writesAndReadsBackWithTheSameFingerprint() throws Exception {
        ModelWeights w = MiniLm.imported().weights();
        Path file = dir.resolve("minilm.mcgt");
        String fingerprint = ModelFile.write(w, file);
        LoadedModel back = ModelFile.load(file);
        assertThat(back.fingerprint()).isEqualTo(fingerprint).matches("[0-9a-f]{64}");
        assertThat(ModelFile.encode(back.weights())).isEqualTo(Files.readAllBytes(file));
        assertThat(back.weights().config()).isEqualTo(w.config());
        assertThat(back.weights().tokenizerJson()).isEqualTo(MiniLm.tokenizerJson());
        assertThat(Files.size(file)).isBetween(22_000_000L, 25_000_000L);
        // a second import of the same bytes gives the same file
        ModelWeights again = OnnxImporter.importBytes(MiniLm.onnxBytes(), MiniLm.tokenizerJson(),
                OnnxImportOptions.defaults()).weights();
        assertThat(ModelFile.encode(again)).isEqualTo(Files.readAllBytes(file));
    }

    @Test
    void truncatedRealFileIsReportedAsTruncated() {
        byte[] bytes = MiniLm.onnxBytes();
        for (int len : new int[] {64, 1 << 20, bytes.length / 2, bytes.length - 100, bytes.length - 1}) {
            assertThatThrownBy(() -> OnnxImporter.importBytes(Arrays.copyOf(bytes, len), MiniLm.tokenizerJson(),
                    OnnxImportOptions.defaults()))
                    .as("cut at %d", len)
                    .hasMessage("Bad weights: truncated ONNX file (it ends in the middle of a protobuf field)");
        }
    }

    @Test
    void theInt8OnnxVariantIsRejectedWithOneLine() {
        assertThatThrownBy(() -> OnnxImporter.importBytes(MiniLm.quantizedOnnxBytes(), MiniLm.tokenizerJson(),
                OnnxImportOptions.defaults()))
                .hasMessage("Bad weights: ONNX model is already quantized (it has MatMulInteger nodes): import its fp32 "
                        + "version");
    }

    static QuantizedMatrix matrixOf(ModelWeights w, String target) {
        switch (target) {
            case "embeddings.token": return w.tokenEmbedding();
            case "embeddings.position": return w.positionEmbedding();
            case "embeddings.type": return w.typeEmbedding();
            default: break;
        }
        if (!target.startsWith("layers.") || target.endsWith(".bias") || target.contains("norm")) return null;
        return OnnxImporterTest.matrix(w, target);
    }

    static float[] vectorOf(ModelWeights w, String target) {
        switch (target) {
            case "embeddings.norm.gamma": return w.embeddingNormGamma();
            case "embeddings.norm.beta": return w.embeddingNormBeta();
            default: break;
        }
        String[] p = target.split("\\.");
        LayerWeights l = w.layers().get(Integer.parseInt(p[1]));
        if (target.endsWith(".bias")) return OnnxImporterTest.matrix(w, target.substring(0, target.length() - 5)).bias();
        return switch (p[2] + "." + p[3]) {
            case "norm1.gamma" -> l.norm1Gamma();
            case "norm1.beta" -> l.norm1Beta();
            case "norm2.gamma" -> l.norm2Gamma();
            case "norm2.beta" -> l.norm2Beta();
            default -> throw new IllegalArgumentException(target);
        };
    }
}
