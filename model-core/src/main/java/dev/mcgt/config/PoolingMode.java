package dev.mcgt.config;

/** How an encoder turns its final hidden states into one vector: the mean of the rows, or the [CLS] row. */
public enum PoolingMode {
    /** Mean over the chunk's rows (sentence-transformers {@code pooling_mode_mean_tokens}). */
    MEAN,
    /** The first row, the [CLS] token (sentence-transformers {@code pooling_mode_cls_token}). */
    CLS
}
