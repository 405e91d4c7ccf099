package dev.mcgt.runtime;

import dev.mcgt.gate.GatePacket;
import java.util.ArrayList;
import java.util.List;

/**
 * Early exit, two rules. The λ rule is the original design's (docs/GATE.md): a stable, strong,
 * unconcentrated min-cut lets the model stop before a target layer. Unlike there, the forward pass
 * really stops there. The representation rule stops after a layer when the mean-pooled hidden state of the
 * chunk moved by less than a relative L2 threshold through that layer.
 *
 * <p>Immutable and thread-safe; {@link #canExitAt} and {@link #converged} never allocate.
 */
public final class EarlyExit {
    private final EarlyExitConfig config;
    private final int maxLayers;

    /**
     * @throws dev.mcgt.McgtException BAD_CONFIG when the config does not fit {@code maxLayers}
     */
    public EarlyExit(EarlyExitConfig config, int maxLayers) {
        this.config = config.validate(maxLayers);
        this.maxLayers = maxLayers;
    }

    public EarlyExitConfig config() { return config; }

    /**
     * λ stability in Q15: 0 when λprev is 0, else min(32768 − |Δλ|·32768/λprev (saturating), 32767), with the
     * product wrapping in 32 bits as the original design did.
     */
    public static int stabilityQ15(GatePacket gate) {
        long prev = gate.lambdaPrev();
        if (prev <= 0) return 0;
        long absDelta = Integer.toUnsignedLong(Math.abs(gate.lambdaDelta()));
        long ratio = ((absDelta * 32768L) & 0xFFFF_FFFFL) / prev;
        long s = Math.max(32768L - ratio, 0L);
        return (int) Math.min(s, 32767L);
    }

    /** The layer at which the λ rule may exit for this packet. */
    public int targetLayer(GatePacket gate) {
        int exit = config.exitLayer();
        if (!config.adaptiveExitLayer()) return exit;
        int stability = stabilityQ15(gate);
        if (stability >= 30000 && gate.lambda() >= config.minLambdaForExit()) return Math.max(Math.max(exit - 1, 0), 1);
        if (stability >= 25000) return exit;
        return Math.min(exit + 1, Math.max(maxLayers - 1, 0));
    }

    /** The λ rule at {@code layer}: exit before running it? Same as {@code shouldExit(..).canExit()}, no allocation. */
    public boolean canExitAt(GatePacket gate, int layer) {
        if (layer != targetLayer(gate)) return false;
        return evaluate(gate) >= 0;
    }

    /** The λ rule with its reasons and confidences (golden table in EarlyExitTest). */
    public EarlyExitDecision shouldExit(GatePacket gate, int layer) {
        int target = targetLayer(gate);
        if (layer != target) return new EarlyExitDecision(false, 0, target, ExitReason.FORCED_CONTINUE, false);
        if (gate.lambda() < config.minLambdaForExit()) {
            return new EarlyExitDecision(false, 0, layer, ExitReason.LAMBDA_TOO_LOW, false);
        }
        int stability = stabilityQ15(gate);
        if (stability < config.minLambdaStabilityQ15()) {
            return new EarlyExitDecision(false, stability, layer, ExitReason.LAMBDA_UNSTABLE, false);
        }
        if (gate.boundaryConcentrationQ15() > config.maxBoundaryConcentrationQ15()) {
            return new EarlyExitDecision(false, stability, layer, ExitReason.BOUNDARIES_TOO_CONCENTRATED, false);
        }
        int confidence = confidence(gate, stability);
        if (confidence < config.minConfidenceQ15()) {
            return new EarlyExitDecision(false, confidence, layer, ExitReason.INSUFFICIENT_CONFIDENCE, false);
        }
        return new EarlyExitDecision(true, confidence, layer, ExitReason.CONFIDENT_EXIT, config.speculativeTokens() > 0);
    }

    /** The confidence if every condition holds at the target layer, else −1. */
    private int evaluate(GatePacket gate) {
        if (gate.lambda() < config.minLambdaForExit()) return -1;
        int stability = stabilityQ15(gate);
        if (stability < config.minLambdaStabilityQ15()) return -1;
        if (gate.boundaryConcentrationQ15() > config.maxBoundaryConcentrationQ15()) return -1;
        int confidence = confidence(gate, stability);
        return confidence < config.minConfidenceQ15() ? -1 : confidence;
    }

    /** (4·λstrength + 4·stability + 2·dispersion) / 10, capped at 32767 (docs/GATE.md). */
    private static int confidence(GatePacket gate, int stability) {
        long lambdaStrength = Math.min(gate.lambda() * 32768L / 100L, 32767L);
        long dispersion = 32767L - gate.boundaryConcentrationQ15();
        long c = (4 * lambdaStrength + 4 * stability + 2 * dispersion) / 10;
        return (int) Math.min(c, 32767L);
    }

    /**
     * The representation rule: true when ‖cur − prev‖ < threshold · ‖prev‖ over {@code len} values (f32,
     * left-to-right sums). A zero {@code prev} converges only when {@code cur} is zero too.
     */
    public static boolean converged(float[] prev, float[] cur, int len, float threshold) {
        float diff = 0f;
        float norm = 0f;
        for (int i = 0; i < len; i++) {
            float d = cur[i] - prev[i];
            diff += d * d;
            norm += prev[i] * prev[i];
        }
        return diff < threshold * threshold * norm || (diff == 0f && norm == 0f);
    }

    /**
     * Relative L2 change ‖cur − prev‖ / ‖prev‖ (for reports; NaN or ∞ when prev is zero). The loop repeats
     * {@link #converged}'s on purpose: both sums in one pass without a holder object, in the same order, so the
     * two agree bit for bit.
     */
    public static float relativeChange(float[] prev, float[] cur, int len) {
        float diff = 0f;
        float norm = 0f;
        for (int i = 0; i < len; i++) {
            float d = cur[i] - prev[i];
            diff += d * d;
            norm += prev[i] * prev[i];
        }
        return (float) Math.sqrt(diff) / (float) Math.sqrt(norm);
    }

    /** Reference verifySpeculation: same length and the same first argmax. */
    public static boolean verifySpeculation(float[] draft, float[] full) {
        return draft.length == full.length && argmax(draft) == argmax(full);
    }

    /** Reference verifySpeculationTopk: the draft's argmax is among the top {@code k} of {@code full}. */
    public static boolean verifySpeculationTopk(float[] draft, float[] full, int k) {
        if (draft.length != full.length || k == 0) return false;
        int a = argmax(draft);
        for (int i : topk(full, k)) {
            if (i == a) return true;
        }
        return false;
    }

    /** First index of the maximum (strict {@code >} scan), 0 when empty. */
    public static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) best = i;
        }
        return best;
    }

    /**
     * The indices of the {@code k} largest values, largest first, with the original design's tie placement (a binary
     * search that inserts a new value before an equal element it lands on; golden in EarlyExitTest).
     */
    public static int[] topk(float[] values, int k) {
        int kk = Math.min(k, values.length);
        List<int[]> order = new ArrayList<>();
        List<Float> vals = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            float x = values[i];
            int p;
            if (vals.isEmpty()) {
                p = 0;
            } else {
                int size = vals.size();
                int base = 0;
                while (size > 1) {
                    int half = size / 2;
                    int mid = base + half;
                    if (!(x > vals.get(mid))) base = mid;
                    size -= half;
                }
                float at = vals.get(base);
                if (x == at) p = base;
                else if (x < at) p = base + 1;
                else p = base;
            }
            if (p < kk) {
                order.add(p, new int[] {i});
                vals.add(p, x);
                if (order.size() > kk) {
                    order.remove(order.size() - 1);
                    vals.remove(vals.size() - 1);
                }
            }
        }
        int[] out = new int[order.size()];
        for (int i = 0; i < out.length; i++) out[i] = order.get(i)[0];
        return out;
    }
}
