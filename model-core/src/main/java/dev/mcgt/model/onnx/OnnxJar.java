package dev.mcgt.model.onnx;

import dev.mcgt.McgtException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * An embedding model packed in a jar (the langchain4j artifacts on Maven Central): its one ONNX file, the
 * tokenizer beside it ({@code <name>-tokenizer.json} or {@code tokenizer.json}) and the pooling the jar documents
 * ({@link PoolingDetector}: sentence-transformers files inside the jar, else the PoolingMode its model class uses),
 * read without temporary files.
 *
 * @param onnx          the ONNX file's bytes
 * @param onnxEntry     its entry name
 * @param tokenizerJson the tokenizer.json text
 * @param pooling       the documented pooling, or null when the jar documents none
 */
public record OnnxJar(byte[] onnx, String onnxEntry, String tokenizerJson, PoolingDetector.Found pooling) {
    /** Largest class file or config read when looking for the pooling. */
    private static final long MAX_SMALL_ENTRY = 4L << 20;

    /** Reads the jar; a one-line BAD_INPUT failure naming the jar when it holds no single model. */
    public static OnnxJar read(Path jar) {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            String onnxName = null;
            List<byte[]> classes = new ArrayList<>();
            List<String> classNames = new ArrayList<>();
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                ZipEntry z = e.nextElement();
                String n = z.getName();
                if (n.endsWith(".onnx")) {
                    if (onnxName != null) {
                        throw McgtException.badInput(jar + " holds several ONNX files (" + onnxName + ", " + n
                                + "); import one with --onnx");
                    }
                    onnxName = n;
                } else if (n.endsWith(".class") && z.getSize() <= MAX_SMALL_ENTRY) {
                    classes.add(bytes(zip, z, jar));
                    classNames.add(n);
                }
            }
            if (onnxName == null) throw McgtException.badInput(jar + " holds no ONNX model (no .onnx entry)");
            String stem = onnxName.substring(0, onnxName.length() - 5);
            String base = stem.contains("/") ? stem.substring(0, stem.lastIndexOf('/') + 1) : "";
            ZipEntry tok = zip.getEntry(stem + "-tokenizer.json");
            if (tok == null) tok = zip.getEntry(base + "tokenizer.json");
            if (tok == null) {
                throw McgtException.badInput(jar + " holds no tokenizer for " + onnxName + " (looked for " + stem
                        + "-tokenizer.json and " + base + "tokenizer.json)");
            }
            String tokenizer = new String(bytes(zip, tok, jar), StandardCharsets.UTF_8);
            PoolingDetector.Found found = pooling(zip, jar, base, classes, classNames);
            ZipEntry model = zip.getEntry(onnxName);
            if (model.getSize() > OnnxImporter.MAX_FILE_BYTES) {
                throw McgtException.badInput(jar + "!" + onnxName + " is too large");
            }
            return new OnnxJar(bytes(zip, model, jar), onnxName, tokenizer, found);
        } catch (IOException e) {
            throw McgtException.badInput("cannot read " + jar + ": " + e.getMessage());
        }
    }

    private static PoolingDetector.Found pooling(ZipFile zip, Path jar, String base, List<byte[]> classes,
                                                 List<String> classNames) throws IOException {
        ZipEntry modules = zip.getEntry(base + "modules.json");
        String modulesJson = modules == null ? null : new String(bytes(zip, modules, jar), StandardCharsets.UTF_8);
        String folder = PoolingDetector.poolingFolder(modulesJson, jar + "!" + base + "modules.json");
        ZipEntry config = zip.getEntry(base + folder + "/config.json");
        if (modulesJson != null || config != null) {
            String configJson = config == null ? null : new String(bytes(zip, config, jar), StandardCharsets.UTF_8);
            String where = jar + "!" + base;
            return new PoolingDetector.Found(PoolingDetector.fromSentenceTransformers(configJson, modulesJson, where),
                    where + (config != null ? folder + "/config.json" : "modules.json"));
        }
        var p = PoolingDetector.fromLangchain4jClasses(classes, jar.toString());
        if (p == null) return null;
        String cls = "";
        for (int i = 0; i < classes.size(); i++) {
            List<String> utf8 = ClassConstants.utf8(classes.get(i));
            if (utf8 != null && utf8.contains(p.mode().name())
                    && utf8.stream().anyMatch(s -> s.contains(PoolingDetector.LANGCHAIN4J_POOLING))) {
                cls = classNames.get(i);
                break;
            }
        }
        return new PoolingDetector.Found(p, jar + "!" + cls + " (langchain4j PoolingMode." + p.mode().name() + ")");
    }

    private static byte[] bytes(ZipFile zip, ZipEntry e, Path jar) throws IOException {
        if (e.getSize() > OnnxImporter.MAX_FILE_BYTES) throw McgtException.badInput(jar + "!" + e.getName() + " is too large");
        if (e.isDirectory()) throw McgtException.badInput(jar + "!" + e.getName() + " is a folder");
        try (InputStream in = zip.getInputStream(e)) {
            return in.readAllBytes();
        }
    }
}
