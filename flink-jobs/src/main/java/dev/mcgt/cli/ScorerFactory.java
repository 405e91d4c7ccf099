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

    /** A new scorer (one per thread) with this policy and scoring settings. */
    DocumentScorer scorer(GatePolicy policy, ScorerConfig config) {
        GatedTransformer t = new GatedTransformer(model.weights(), policy, RuntimeOptions.defaults().withSkipOnCacheHit(true));
        return new DocumentScorer(t, model.fingerprint(), CoherenceProbeConfig.defaults(),
                SpikeDetectorConfig.fromPolicy(policy), config);
    }
}
