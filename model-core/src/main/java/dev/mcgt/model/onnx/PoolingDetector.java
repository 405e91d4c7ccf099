package dev.mcgt.model.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcgt.McgtException;
import dev.mcgt.config.Pooling;
import dev.mcgt.config.PoolingMode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Finds the pooling a model was trained with, for {@code mcgt model import --pooling auto}:
 * <ul>
 *   <li>sentence-transformers files: {@code modules.json} (the Pooling module's folder, and whether a Normalize
 *       module follows) and that folder's {@code config.json} ({@code 1_Pooling/config.json}:
 *       {@code pooling_mode_cls_token} or {@code pooling_mode_mean_tokens});</li>
 *   <li>in a langchain4j embedding jar, the {@code PoolingMode} constant its model class passes to the encoder
 *       (read from the class file's constant pool; langchain4j always L2-normalises);</li>
 *   <li>otherwise nothing: the caller uses the default (mean) unless {@link #clsHint} says the name suggests CLS,
 *       in which case it refuses to guess.</li>
 * </ul>
 * Only MEAN and CLS are supported; a config asking for max, weighted-mean, last-token or several modes at once is
 * refused in one line.
 */
public final class PoolingDetector {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The class langchain4j's model classes name their pooling with. */
    static final String LANGCHAIN4J_POOLING = "dev/langchain4j/model/embedding/onnx/PoolingMode";

    /** A pooling found and where it was read from. */
    public record Found(Pooling pooling, String source) { }

    private PoolingDetector() { }

    /**
     * sentence-transformers files beside an ONNX file: in its folder or the folder above (the Hugging Face layout
     * keeps the ONNX file in {@code onnx/}); null when neither has a {@code modules.json} or {@code 1_Pooling}.
     */
    public static Found fromFolder(Path onnx) {
        Path dir = onnx.toAbsolutePath().getParent();
        List<Path> dirs = dir.getParent() == null ? List.of(dir) : List.of(dir, dir.getParent());
        for (Path d : dirs) {
            String modules = read(d.resolve("modules.json"));
            Path poolingDir = d.resolve(poolingFolder(modules, d.resolve("modules.json").toString()));
            String config = read(poolingDir.resolve("config.json"));
            if (modules != null || config != null) {
                return new Found(fromSentenceTransformers(config, modules, d.toString()), d.toString());
            }
        }
        return null;
    }

    /**
     * The pooling of sentence-transformers files given as text (either may be null, not both).
     *
     * @param where named in error messages
     */
    public static Pooling fromSentenceTransformers(String poolingConfig, String modules, String where) {
        PoolingMode mode = PoolingMode.MEAN;
        if (poolingConfig != null) {
            JsonNode c = tree(poolingConfig, where + " pooling config.json");
            List<String> on = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = c.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().startsWith("pooling_mode_") && e.getValue().asBoolean(false)) on.add(e.getKey());
            }
            if (on.equals(List.of("pooling_mode_cls_token"))) {
                mode = PoolingMode.CLS;
            } else if (!on.equals(List.of("pooling_mode_mean_tokens"))) {
                throw McgtException.unsupported(where + ": the pooling config asks for " + (on.isEmpty() ? "no pooling"
                        : String.join(" + ", on)) + "; supported are pooling_mode_mean_tokens and pooling_mode_cls_token");
            }
        }
        boolean normalize = modules == null || hasNormalize(modules, where);
        return new Pooling(mode, normalize);
    }

    /**
     * The pooling a langchain4j model class in a jar passes to its encoder, from the class files' constant pools
     * (a UTF-8 constant naming {@code PoolingMode} and one of the field names {@code CLS} or {@code MEAN}); null
     * when no class names it, a failure when classes name both.
     *
     * @param classFiles the bytes of the jar's class files
     */
    public static Pooling fromLangchain4jClasses(List<byte[]> classFiles, String where) {
        TreeSet<PoolingMode> modes = new TreeSet<>();
        for (byte[] c : classFiles) {
            List<String> utf8 = ClassConstants.utf8(c);
            if (utf8 == null || utf8.stream().noneMatch(s -> s.contains(LANGCHAIN4J_POOLING))) continue;
            for (PoolingMode m : PoolingMode.values()) {
                if (utf8.contains(m.name())) modes.add(m);
            }
        }
        if (modes.isEmpty()) return null;
        if (modes.size() > 1) {
            throw McgtException.badInput(where + ": its classes name both MEAN and CLS pooling; pass --pooling");
        }
        return new Pooling(modes.first(), true);
    }

    /**
     * Why a model of this name is probably not mean-pooled (so that {@code auto} without a config refuses to
     * guess), or null: the BGE family ({@code bge-*}) is trained with CLS pooling.
     */
    public static String clsHint(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.contains("bge")) return "BGE models are trained with CLS pooling";
        return null;
    }

    /** The Pooling module's folder named in modules.json, default {@code 1_Pooling}. */
    static String poolingFolder(String modules, String where) {
        if (modules != null) {
            for (JsonNode m : tree(modules, where)) {
                if (m.path("type").asText("").endsWith(".Pooling") && !m.path("path").asText("").isBlank()) {
                    String p = m.path("path").asText();
                    if (p.contains("..") || p.startsWith("/")) throw McgtException.badInput(where + ": bad module path " + p);
                    return p;
                }
            }
        }
        return "1_Pooling";
    }

    private static boolean hasNormalize(String modules, String where) {
        JsonNode arr = tree(modules, where + " modules.json");
        if (!arr.isArray()) throw McgtException.badInput(where + ": modules.json is not a JSON array");
        for (JsonNode m : arr) {
            if (m.path("type").asText("").endsWith(".Normalize")) return true;
        }
        return false;
    }

    private static JsonNode tree(String json, String where) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw McgtException.badInput(where + " is not valid JSON");
        }
    }

    private static String read(Path p) {
        if (!Files.isRegularFile(p)) return null;
        try {
            if (Files.size(p) > 1 << 20) throw McgtException.badInput(p + " is too large for a sentence-transformers config");
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw McgtException.badInput("cannot read " + p + ": " + e.getMessage());
        }
    }
}
