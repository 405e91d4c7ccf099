package dev.mcgt.config;

/** Where a block's LayerNorms sit: before each sub-layer (GPT style) or after the residual add (BERT style). */
public enum NormPlacement { PRE, POST }
