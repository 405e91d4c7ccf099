package dev.mcgt.flink.telemetry;

/**
 * A document's state was written under another model (side output {@link OutputTags#MODEL_UPGRADE}): emitted
 * once per key, at its first chunk scored after a restore under a model with another fingerprint. The KV cache
 * and cached output were dropped; the λ and spike histories were kept.
 *
 * @param docId          the document id
 * @param oldFingerprint the fingerprint recorded in the restored state
 * @param newFingerprint the fingerprint of the model now scoring
 * @param chunkIndex     the input index of the chunk that adopted the new model
 * @param chunksBefore   chunks the stream had scored before it (the restored counter: history kept)
 * @param lambdaPrev     the λ the gate compared this chunk with, from the restored λ history (0 if it was empty)
 */
public record ModelUpgrade(String docId, String oldFingerprint, String newFingerprint, long chunkIndex,
                           long chunksBefore, long lambdaPrev) { }
