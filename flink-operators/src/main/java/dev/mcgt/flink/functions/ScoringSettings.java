package dev.mcgt.flink.functions;

import dev.mcgt.McgtException;
import dev.mcgt.coherence.CoherenceProbeConfig;
import dev.mcgt.coherence.SpikeDetectorConfig;
import dev.mcgt.config.GatePolicy;
import dev.mcgt.config.PolicyJson;
import dev.mcgt.runtime.GatedTransformer;
import dev.mcgt.runtime.RuntimeOptions;
import dev.mcgt.scoring.DocumentScorer;
import dev.mcgt.scoring.GatingProfile;
import dev.mcgt.scoring.GatingProfileJson;
import dev.mcgt.scoring.ScorerConfig;
import dev.mcgt.scoring.UngatedMacs;
import java.io.Serializable;
import java.time.Duration;

/**
 * Everything the {@link GatedScoringFunction} needs to build its scorer, as one serializable value shipped with
 * the job graph. The policy travels as its JSON text — a policy file, {@link PolicyJson} thresholds plus the
 * optional sections of a {@link GatingProfile} ({@link GatingProfileJson}: tier-1 variant, skip rule, cross-chunk
 * context, lens) — so this stays plain data.
 *
 * @param model          where the weights come from
 * @param policyJson     the gating profile as a policy file's JSON
 * @param gate           true: the gate picks each chunk's tier; false: every chunk runs ungated (tier 0)
 * @param skipOnCacheHit skip a chunk whose tokens equal the stream's last computed chunk (reason CACHE_HIT)
 * @param spikeDetection run the spike detector (novelty packets); off, the gate decides on λ alone
 * @param stateTtl       how long the state of a document that never ends lives after its last write;
 *                       {@link Duration#ZERO} disables the TTL
 * @param latencyWindow  samples kept by the latency histogram
 */
public record ScoringSettings(ModelSource model, String policyJson, boolean gate, boolean skipOnCacheHit,
                              boolean spikeDetection, Duration stateTtl, int latencyWindow) implements Serializable {

    /** TTL of an unfinished document's state by default. */
    public static final Duration DEFAULT_STATE_TTL = Duration.ofHours(24);
    /** Latency samples kept by default. */
    public static final int DEFAULT_LATENCY_WINDOW = 1024;

    /** Validates every field (the policy is parsed once here) with a one-line message. */
    public ScoringSettings {
        if (model == null) throw McgtException.badConfig("the model source must be set");
        if (policyJson == null) throw McgtException.badConfig("the gate policy must be set");
        GatingProfileJson.fromJson(policyJson);
        if (stateTtl == null || stateTtl.isNegative()) {
            throw McgtException.badConfig("state TTL must be zero (off) or positive, got " + stateTtl);
        }
        if (!stateTtl.isZero() && stateTtl.toMillis() < 1) {
            throw McgtException.badConfig("state TTL must be at least 1 ms, got " + stateTtl);
        }
        if (latencyWindow < 1) throw McgtException.badConfig("latency window must be positive, got " + latencyWindow);
    }

    /** Default policy, gate on, cache-hit skipping on, spikes on, a 24 h TTL (like {@code mcgt embed}). */
    public static ScoringSettings of(ModelSource model) {
        return new ScoringSettings(model, PolicyJson.toJson(GatePolicy.defaults()), true, true, true,
                DEFAULT_STATE_TTL, DEFAULT_LATENCY_WINDOW);
    }

    public ScoringSettings withModel(ModelSource v) {
        return new ScoringSettings(v, policyJson, gate, skipOnCacheHit, spikeDetection, stateTtl, latencyWindow);
    }

    /** These settings with a whole gating profile (thresholds, tier-1 variant, skip rule, context, lens). */
    public ScoringSettings withProfile(GatingProfile v) {
        return new ScoringSettings(model, GatingProfileJson.toJson(v), gate, skipOnCacheHit, spikeDetection, stateTtl,
                latencyWindow);
    }

    public ScoringSettings withPolicy(GatePolicy v) {
        return new ScoringSettings(model, PolicyJson.toJson(v.validate()), gate, skipOnCacheHit, spikeDetection,
                stateTtl, latencyWindow);
    }

    public ScoringSettings withGate(boolean v) {
        return new ScoringSettings(model, policyJson, v, skipOnCacheHit, spikeDetection, stateTtl, latencyWindow);
    }

    public ScoringSettings withSkipOnCacheHit(boolean v) {
        return new ScoringSettings(model, policyJson, gate, v, spikeDetection, stateTtl, latencyWindow);
    }

    public ScoringSettings withSpikeDetection(boolean v) {
        return new ScoringSettings(model, policyJson, gate, skipOnCacheHit, v, stateTtl, latencyWindow);
    }

    public ScoringSettings withStateTtl(Duration v) {
        return new ScoringSettings(model, policyJson, gate, skipOnCacheHit, spikeDetection, v, latencyWindow);
    }

    public ScoringSettings withLatencyWindow(int v) {
        return new ScoringSettings(model, policyJson, gate, skipOnCacheHit, spikeDetection, stateTtl, v);
    }

    /** The gate policy. */
    public GatePolicy policy() {
        return PolicyJson.fromJson(policyJson);
    }

    /** The gating profile (the policy file's sections, defaults for absent ones). */
    public GatingProfile profile() {
        return GatingProfileJson.fromJson(policyJson);
    }

    /** Whether unfinished documents expire. */
    public boolean ttlEnabled() {
        return !stateTtl.isZero();
    }

    /**
     * A scorer over shared weights: the model with this profile's policy, tier-1 variant and context (the JVM's
     * kernel; decoders: truncated tier 1, no lens), the default probe, the spike detector of the policy (or none),
     * no chunking (chunks arrive ready), analytic ungated MACs, the profile's skip rule and lens. Not thread-safe:
     * one per function instance.
     */
    public DocumentScorer newScorer(SharedModels.SharedModel m) {
        GatingProfile profile = profile().forModel(m.weights().config());
        GatePolicy p = profile.policy();
        GatedTransformer t = new GatedTransformer(m.weights(), p,
                profile.runtimeOptions(RuntimeOptions.defaults().withSkipOnCacheHit(skipOnCacheHit)));
        SpikeDetectorConfig spikes = spikeDetection ? SpikeDetectorConfig.fromPolicy(p) : SpikeDetectorConfig.disabled();
        return new DocumentScorer(t, m.fingerprint(), CoherenceProbeConfig.defaults(), spikes,
                profile.scorerConfig(new ScorerConfig(0, 0, gate, UngatedMacs.ANALYTIC)));
    }
}
