package dev.mcgt.model.onnx;

import dev.mcgt.McgtException;
import dev.mcgt.config.Pooling;

/**
 * Choices of an ONNX import that the file itself does not fix.
 *
 * @param seqLenMax tokens per chunk of the imported model (at most the model's position count); the tier sizes
 *                  are derived from it (see {@link OnnxImporter#encoderConfig})
 * @param pooling   the encoder's pooling and normalisation, stored in the model (see {@link PoolingDetector} for
 *                  how the command line finds it)
 */
public record OnnxImportOptions(int seqLenMax, Pooling pooling) {
    /** Default chunk length: 128 tokens, the length all-MiniLM-L6-v2 was trained and is usually run with. */
    public static final int DEFAULT_SEQ_LEN = 128;

    public OnnxImportOptions {
        if (seqLenMax < 1 || seqLenMax > 0xFFFF) {
            throw McgtException.badConfig("sequence length must be in 1..65535, got " + seqLenMax);
        }
        if (pooling == null) pooling = Pooling.DEFAULT;
    }

    /** Default pooling (mean, L2-normalised). */
    public OnnxImportOptions(int seqLenMax) {
        this(seqLenMax, Pooling.DEFAULT);
    }

    /** seqLenMax 128, mean pooling, L2-normalised. */
    public static OnnxImportOptions defaults() {
        return new OnnxImportOptions(DEFAULT_SEQ_LEN);
    }
}
