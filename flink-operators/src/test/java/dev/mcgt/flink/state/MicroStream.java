package dev.mcgt.flink.state;

import dev.mcgt.config.GatePolicy;
import dev.mcgt.config.TransformerConfig;
import dev.mcgt.model.SyntheticWeights;
import dev.mcgt.runtime.GatedTransformer;
import dev.mcgt.runtime.RuntimeOptions;
import dev.mcgt.scoring.DocumentScorer;
import dev.mcgt.stream.StreamState;
import java.util.SplittableRandom;

/** The stream state the serializer tests use: a micro model (seed 42) after three chunks of random tokens. */
final class MicroStream {
    private MicroStream() { }

    /** KV cache, histories, pooling memory and cached output all filled; the same bytes on every run. */
    static StreamState afterThreeChunks() {
        GatedTransformer t = new GatedTransformer(SyntheticWeights.generate(TransformerConfig.micro(), 42),
                GatePolicy.defaults(), RuntimeOptions.defaults());
        DocumentScorer scorer = DocumentScorer.withDefaults(t, "synthetic:micro:42");
        StreamState state = scorer.newState();
        SplittableRandom r = new SplittableRandom(1);
        for (int k = 0; k < 3; k++) {
            int[] ids = new int[24];
            for (int i = 0; i < ids.length; i++) ids[i] = r.nextInt(256);
            scorer.scoreChunk(state, ids);
        }
        return state;
    }
}
