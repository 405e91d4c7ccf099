package dev.mcgt.gate;

import dev.mcgt.config.GatePolicy;

/**
 * A heuristic "energy" of a gate packet (docs/GATE.md: the original formula and golden values, all f32): low λ, many
 * or concentrated boundary edges and many partitions raise the energy; a finite-difference gradient and the
 * distance to the thresholds give a confidence. In the original design it could override the rule path; here it is
 * only an advisor that {@link GateController} consults to make a decision more conservative (fix 3).
 */
public final class EnergyGate {
    /** Confidence the controller requires before it takes the advice (as in the original design). */
    public static final float CONTROLLER_CONFIDENCE = 0.7f;

    /** A decision with the gate's confidence in it. */
    public record Advice(GateDecision decision, float confidence) { }

    /** Finite-difference gradient of the energy and its magnitude. */
    public record Gradient(float dLambda, float dBoundary, float dPartition, float magnitude) { }

    private final EnergyGateConfig config;
    private final GatePolicy policy;

    public EnergyGate(EnergyGateConfig config, GatePolicy fallbackPolicy) {
        this.config = config;
        this.policy = fallbackPolicy;
    }

    public EnergyGate withPolicy(GatePolicy p) { return new EnergyGate(config, p); }

    public EnergyGateConfig config() { return config; }

    /** The energy of a packet, roughly in [0, 1]; higher means less coherent. */
    public float energy(GatePacket g) {
        return energy(g.lambda(), g.boundaryEdges(), g.boundaryConcentrationQ15(), g.partitionCount());
    }

    private float energy(long lambda, int edges, int conc, int parts) {
        float ln = (float) lambda / config.lambdaNorm();
        float eLambda = ln > 0f ? 1f / (1f + ln) : 1f;
        float eBoundary = ((float) edges / 100f) * 0.5f + ((float) conc / 32768f) * 0.5f;
        float ePartition = parts > 1 ? Math.min((float) Math.log(parts) / (float) Math.log(10.0), 1f) : 0f;
        float wl = config.lambdaWeight();
        float wb = config.boundaryPenaltyWeight();
        float wp = config.partitionEntropyWeight();
        return (wl * eLambda + wb * eBoundary + wp * ePartition) / (wl + wb + wp);
    }

    /** Forward differences with step 1 on λ, boundary edges and partitions (saturating, as the original). */
    public Gradient gradient(GatePacket g) {
        float e0 = energy(g);
        long lambdaUp = saturate((float) g.lambda() + 1.0f, 0, 0xFFFF_FFFFL);
        int edgesUp = (int) saturate((float) g.boundaryEdges() + 1.0f, 0, 0xFFFF);
        int partsUp = (int) saturate(Math.max((float) g.partitionCount() + 1.0f, 1.0f), 0, 0xFFFF);
        float dl = energy(lambdaUp, g.boundaryEdges(), g.boundaryConcentrationQ15(), g.partitionCount()) - e0;
        float db = energy(g.lambda(), edgesUp, g.boundaryConcentrationQ15(), g.partitionCount()) - e0;
        float dp = energy(g.lambda(), g.boundaryEdges(), g.boundaryConcentrationQ15(), partsUp) - e0;
        float mag = (float) Math.sqrt(dl * dl + db * db + dp * dp);
        return new Gradient(dl, db, dp, mag);
    }

    private static long saturate(float v, long lo, long hi) {
        if (Float.isNaN(v)) return 0;
        if (v <= lo) return lo;
        if (v >= hi) return hi;
        return (long) v;
    }

    /** The reference's decide(): flags first, then energy regions, then confidence or the rule fallback at 0.5. */
    public Advice decide(GatePacket g) {
        if (g.skipRequested()) return new Advice(GateDecision.ALLOW, 1.0f);
        if (g.forceSafe()) return new Advice(GateDecision.FREEZE_WRITES, 1.0f);
        float e = energy(g);
        Gradient grad = gradient(g);
        GateDecision provisional;
        if (e >= config.energyQuarantineThreshold()) {
            provisional = GateDecision.QUARANTINE_UPDATES;
        } else if (e >= config.energyThreshold()) {
            provisional = intervention(g, grad);
        } else {
            provisional = GateDecision.ALLOW;
        }
        float thr = config.energyThreshold();
        float qthr = config.energyQuarantineThreshold();
        float dist = e < thr ? thr - e : e < qthr ? Math.min(e - thr, qthr - e) : e - qthr;
        float distanceConf = Math.min(dist / 0.5f, 1.0f);
        float gradientConf = Math.min(grad.magnitude() / 2.0f, 1.0f);
        float confidence = distanceConf * 0.7f + gradientConf * 0.3f;
        if (confidence < config.minConfidence()) return new Advice(fallback(g), 0.5f);
        return new Advice(provisional, confidence);
    }

    private GateDecision intervention(GatePacket g, Gradient grad) {
        float cl = Math.abs(grad.dLambda());
        float cb = Math.abs(grad.dBoundary());
        float cp = Math.abs(grad.dPartition());
        if (cl > cb && cl > cp) {
            if (g.lambda() < policy.lambdaMin()) return GateDecision.QUARANTINE_UPDATES;
            if (g.dropRatioQ15() > policy.dropRatioQ15Max()) return GateDecision.FLUSH_KV;
        }
        return GateDecision.REDUCE_SCOPE;
    }

    private GateDecision fallback(GatePacket g) {
        if (g.lambda() < policy.lambdaMin()) return GateDecision.QUARANTINE_UPDATES;
        if (g.dropRatioQ15() > policy.dropRatioQ15Max()) return GateDecision.FLUSH_KV;
        if (g.boundaryEdges() > policy.boundaryEdgesMax()) return GateDecision.REDUCE_SCOPE;
        if (g.boundaryConcentrationQ15() > policy.boundaryConcentrationQ15Max()) return GateDecision.REDUCE_SCOPE;
        if (g.partitionCount() > policy.partitionsMax()) return GateDecision.REDUCE_SCOPE;
        return GateDecision.ALLOW;
    }

    /** Reference refineDecision: the most confident decision over {@code steps} small λ moves (quirks kept). */
    public GateDecision refine(GatePacket g, int steps) {
        GateDecision best = GateDecision.ALLOW;
        float bestConf = 0f;
        GatePacket current = g;
        for (int s = 0; s < steps; s++) {
            Advice a = decide(current);
            if (a.confidence() > bestConf) {
                best = a.decision();
                bestConf = a.confidence();
            }
            Gradient grad = gradient(current);
            float step = config.convexityRadius() / steps;
            if (grad.dLambda() < 0) {
                long l = saturate(Math.min((float) current.lambda() + step, 500.0f), 0, 0xFFFF_FFFFL);
                current = new GatePacket(l, current.lambdaPrev(), current.boundaryEdges(),
                        current.boundaryConcentrationQ15(), current.partitionCount(), current.flags());
            }
        }
        return best;
    }
}
