package dev.mcgt.model;

import dev.mcgt.config.Pooling;
import dev.mcgt.config.TransformerConfig;
import java.util.List;

/**
 * What a native model file holds, without the weights themselves.
 *
 * @param formatVersion  the file's format version
 * @param config         the model's full config
 * @param tokenizerBytes size of the embedded tokenizer.json in UTF-8 bytes, or -1 when the file has none
 * @param tensors        every tensor in file order
 * @param totalBytes     size of the whole file
 * @param fingerprint    lower-case hex SHA-256 of the file content (the model's identity)
 * @param pooling        the encoder's pooling ({@link Pooling#DEFAULT} in version 1 files)
 */
public record ModelInfo(int formatVersion, TransformerConfig config, long tokenizerBytes, List<TensorInfo> tensors,
                        long totalBytes, String fingerprint, Pooling pooling) {

    /** Defensive copy of the tensor list. */
    public ModelInfo {
        tensors = List.copyOf(tensors);
    }

    /** Sum of the tensors' payload bytes. */
    public long tensorBytes() {
        long sum = 0;
        for (TensorInfo t : tensors) sum += t.bytes();
        return sum;
    }
}
