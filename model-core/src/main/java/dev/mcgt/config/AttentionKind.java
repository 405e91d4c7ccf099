package dev.mcgt.config;

/** Causal (decoder) or bidirectional (encoder) attention within a chunk. */
public enum AttentionKind { CAUSAL, BIDIRECTIONAL }
