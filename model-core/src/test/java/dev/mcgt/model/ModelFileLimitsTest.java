package dev.mcgt.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcgt.McgtException;
import dev.mcgt.config.TransformerConfig;
import dev.mcgt.runtime.GatedTransformer;
import dev.mcgt.config.GatePolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sizes in a model file that no tensor backs (the KV context) are bounded against the model's dimensions and the
 * heap when the file is read, so a file with a valid hash but an absurd header fails with one line instead of a
 * {@code NegativeArraySizeException} or an {@code OutOfMemoryError} later; a folder is never taken for a model
 * file, neither to read nor to be replaced by one.
 */
class ModelFileLimitsTest {
    @TempDir Path dir;

    private static ModelWeights withKvContext(ModelWeights w, int kvContext) {
        TransformerConfig c = w.config().toBuilder().kvContext(kvContext).build();
        return new ModelWeights(c, w.tokenEmbedding(), w.positionEmbedding(), w.typeEmbedding(), w.embeddingNormGamma(),
                w.embeddingNormBeta(), w.layers(), w.finalNormGamma(), w.finalNormBeta(), w.outputHead(),
                w.tokenizerJson());
    }

    @Test
    void aHugeKvContextIsRefusedWhenTheFileIsRead() {
        ModelWeights micro = SyntheticWeights.generate(TransformerConfig.micro(), 3);
        for (int kv : new int[] {1_000_000, 70_000, 2_000_000_000, Integer.MAX_VALUE}) {
            byte[] file = ModelFile.encode(withKvContext(micro, kv));
            assertThatThrownBy(() -> ModelFile.decode(file)).isInstanceOf(McgtException.class)
                    .satisfies(e -> {
                        McgtException m = (McgtException) e;
                        assertThat(m.kind()).isEqualTo(McgtException.Kind.BAD_WEIGHTS);
                        assertThat(m.detail()).contains("kvContext " + kv).contains("at most 65535")
                                .doesNotContain("\n");
                    });
        }
        // the largest allowed context still builds a transformer
        LoadedModel ok = ModelFile.decode(ModelFile.encode(withKvContext(micro, 4096)));
        assertThat(new GatedTransformer(ok.weights(), GatePolicy.defaults(), dev.mcgt.runtime.RuntimeOptions.defaults()).config().kvContext()).isEqualTo(4096);
    }

    @Test
    void aModelThatCannotRunInTheHeapIsRefusedBeforeAllocating() {
        ModelWeights micro = SyntheticWeights.generate(TransformerConfig.micro(), 3);
        byte[] file = ModelFile.encode(withKvContext(micro, 65_535));
        // 2 layers x 65535 positions x (2 x 128 + 8 x 4) bytes = 36 MiB of KV cache per document stream
        assertThatThrownBy(() -> ModelFileReader.decode(file, 16L << 20)).isInstanceOf(McgtException.class)
                .hasMessageContaining("KV cache of 36 MiB per document stream")
                .hasMessageContaining("the Java heap holds at most 16 MiB");
        assertThat(ModelFileReader.decode(file, 1L << 30).info().config().kvContext()).isEqualTo(65_535);
        assertThat(ModelFileReader.decode(ModelFile.encode(micro), 16L << 20).info().config().kvContext()).isEqualTo(32);
    }

    @Test
    void aFolderIsNeitherReadNorReplaced() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("model.mcgt"));
        assertThatThrownBy(() -> ModelFile.load(folder)).isInstanceOf(McgtException.class)
                .hasMessageContaining("'" + folder + "' is a folder, not a model file");
        ModelWeights micro = SyntheticWeights.generate(TransformerConfig.micro(), 3);
        assertThatThrownBy(() -> ModelFile.write(micro, folder)).isInstanceOf(McgtException.class)
                .hasMessageContaining("'" + folder + "': it is a folder");
        assertThat(folder).isDirectory();
        try (var s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("model.mcgt");
        }
    }
}
