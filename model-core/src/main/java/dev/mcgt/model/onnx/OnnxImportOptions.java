package dev.mcgt.model.onnx;

import dev.mcgt.McgtException;

/**
 * Choices of an ONNX import that the file itself does not fix.
 *
 * @param seqLenMax tokens per chunk of the imported model (at most the model's position count); the tier sizes
 *                  are derived from it (see {@link OnnxImporter#encoderConfig})
 */
public record OnnxImportOptions(int seqLenMax) {
    /** Default chunk length: 128 tokens, the length all-MiniLM-L6-v2 was trained and is usually run with. */
    public static final int DEFAULT_SEQ_LEN = 128;

    public OnnxImportOptions {
        if (seqLenMax < 1 || seqLenMax > 0xFFFF) {
            throw McgtException.badConfig("sequence length must be in 1..65535, got " + seqLenMax);
        }
    }

    /** seqLenMax 128. */
    public static OnnxImportOptions defaults() {
        return new OnnxImportOptions(DEFAULT_SEQ_LEN);
    }
}
