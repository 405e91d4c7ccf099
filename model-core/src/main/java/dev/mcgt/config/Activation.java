package dev.mcgt.config;

/** FFN activation: GELU with the tanh approximation, or the exact erf form (BERT / MiniLM). */
public enum Activation { GELU_TANH, GELU_ERF }
