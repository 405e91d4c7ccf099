package dev.mcgt.runtime;

/**
 * One evaluation of the λ early-exit rule at a layer (docs/GATE.md).
 *
 * @param canExit           stop before this layer
 * @param confidenceQ15     the rule's confidence (0 when not evaluated)
 * @param exitLayer         the layer evaluated, or the target layer when the rule forced continuing
 * @param reason            why
 * @param enableSpeculation the config allows speculative tokens after an exit
 */
public record EarlyExitDecision(boolean canExit, int confidenceQ15, int exitLayer, ExitReason reason,
                                boolean enableSpeculation) {
}
