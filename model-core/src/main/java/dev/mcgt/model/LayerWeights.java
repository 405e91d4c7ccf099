package dev.mcgt.model;

import dev.mcgt.kernel.QuantizedMatrix;

/**
 * One transformer block: attention projections (Q, K, V, O: hidden × hidden), FFN (W1: ffn × hidden,
 * W2: hidden × ffn) and two LayerNorms. With PRE placement norm1 precedes attention and norm2 the FFN; with
 * POST placement norm1 follows the attention residual add and norm2 the FFN residual add (BERT).
 */
public record LayerWeights(QuantizedMatrix wq, QuantizedMatrix wk, QuantizedMatrix wv, QuantizedMatrix wo,
                           QuantizedMatrix w1, QuantizedMatrix w2, float[] norm1Gamma, float[] norm1Beta,
                           float[] norm2Gamma, float[] norm2Beta) {
}
