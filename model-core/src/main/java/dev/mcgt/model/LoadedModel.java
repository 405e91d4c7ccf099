package dev.mcgt.model;

/**
 * A model read from a native model file: its weights and the file's description (fingerprint included).
 *
 * @param weights the weights, ready for inference
 * @param info    what the file holds, with its fingerprint
 */
public record LoadedModel(ModelWeights weights, ModelInfo info) {

    /** The model fingerprint: the hex SHA-256 stored at the end of the file. */
    public String fingerprint() { return info.fingerprint(); }
}
