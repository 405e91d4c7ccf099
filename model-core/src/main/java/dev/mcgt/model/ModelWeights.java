package dev.mcgt.model;

import dev.mcgt.config.TransformerConfig;
import dev.mcgt.kernel.QuantizedMatrix;
import java.util.List;

/**
 * Everything a forward pass reads, immutable and shared by all threads and streams: the config, INT8
 * embeddings (one scale per row), the blocks, the final norm (PRE models), the output head (decoders), and
 * the tokenizer definition of imported models.
 *
 * @param config             shape of the model
 * @param tokenEmbedding     vocabSize × hidden
 * @param positionEmbedding  maxPositions × hidden
 * @param typeEmbedding      typeVocabSize × hidden, or null
 * @param embeddingNormGamma LayerNorm after the embedding sum (BERT), or null
 * @param embeddingNormBeta  its beta, or null
 * @param layers             config.layers blocks
 * @param finalNormGamma     final LayerNorm (PRE models), or null
 * @param finalNormBeta      its beta, or null
 * @param outputHead         logits × hidden (decoders), or null (encoders output the pooled embedding)
 * @param tokenizerJson      the Hugging Face tokenizer.json of an imported model, or null
 */
public record ModelWeights(TransformerConfig config, QuantizedMatrix tokenEmbedding,
                           QuantizedMatrix positionEmbedding, QuantizedMatrix typeEmbedding,
                           float[] embeddingNormGamma, float[] embeddingNormBeta, List<LayerWeights> layers,
                           float[] finalNormGamma, float[] finalNormBeta, QuantizedMatrix outputHead,
                           String tokenizerJson) {
}
