package dev.mcgt.cli;

import dev.mcgt.McgtException;
import dev.mcgt.coherence.CoherenceProbeConfig;
import dev.mcgt.coherence.SpikeDetectorConfig;
import dev.mcgt.config.GatePolicy;
import dev.mcgt.model.LoadedModel;
import dev.mcgt.model.ModelFile;
import dev.mcgt.runtime.GatedTransformer;
import dev.mcgt.runtime.RuntimeOptions;
import dev.mcgt.scoring.DocumentScorer;
import dev.mcgt.scoring.GatingProfile;
import dev.mcgt.scoring.ScorerConfig;
import java.nio.file.Path;

/**
 * Builds document scorers the way {@code mcgt embed} does: the policy's thresholds, its novelty threshold for the
 * spike detector, the default probe, cache hits skipped. The model is loaded once and shared; call
 * {@link #scorer} once per thread.
 */
final class ScorerFactory {
    private final LoadedModel model;

    private ScorerFactory(LoadedModel model) {
        this.model = model;
    }

    /**
     * Loads a model file with a tokenizer.
     *
     * @throws McgtException BAD_CONFIG when the model has no tokenizer; the file's own errors otherwise
     */
    static ScorerFactory load(Path file) {
        LoadedModel m = ModelFile.load(file);
        if (m.weights().tokenizerJson() == null) throw McgtException.badConfig(DocumentScorer.NO_TOKENIZER);
        return new ScorerFactory(m);
    }

    String fingerprint() { return model.fingerprint(); }

    /** The loaded model's weights and fingerprint. */
    LoadedModel model() { return model; }

    /** A new scorer (one per thread) with this policy and scoring settings (the profile's defaults otherwise). */
    DocumentScorer scorer(GatePolicy policy, ScorerConfig config) {
        return scorer(GatingProfile.of(policy), config);
    }

    /**
     * A new scorer (one per thread) with this gating profile — thresholds, tier-1 variant, skip rule, cross-chunk
     * context, lens (decoders: truncated tier 1, no lens) — over {@code config}'s chunking and gate switch.
     */
    DocumentScorer scorer(GatingProfile profile, ScorerConfig config) {
        GatingProfile p = profile.forModel(model.weights().config());
        GatedTransformer t = new GatedTransformer(model.weights(), p.policy(),
                p.runtimeOptions(RuntimeOptions.defaults().withSkipOnCacheHit(true)));
        return new DocumentScorer(t, model.fingerprint(), CoherenceProbeConfig.defaults(),
                SpikeDetectorConfig.fromPolicy(p.policy()), p.scorerConfig(config));
    }
}
