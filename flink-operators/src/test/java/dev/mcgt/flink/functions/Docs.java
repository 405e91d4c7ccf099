package dev.mcgt.flink.functions;

import dev.mcgt.config.TransformerConfig;
import dev.mcgt.model.SyntheticWeights;
import dev.mcgt.scoring.ChunkResult;
import dev.mcgt.scoring.DocumentScorer;
import dev.mcgt.stream.StreamState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Synthetic documents and the direct (Flink-free) scoring they are compared against. */
final class Docs {
    private Docs() { }

    static final ModelSource MICRO_42 = ModelSource.synthetic("micro", 42);
    static final ModelSource MICRO_43 = ModelSource.synthetic("micro", 43);

    static ScoringSettings settings() {
        return ScoringSettings.of(MICRO_42);
    }

    static int[] repeat(int token, int n) {
        int[] t = new int[n];
        Arrays.fill(t, token);
        return t;
    }

    /**
     * A document of {@code chunks} chunks of {@code size} random micro-vocabulary tokens; chunk 3 repeats chunk 2
     * (the gate skips it); the last chunk ends the document when {@code ends}.
     */
    static List<DocumentChunk> document(String id, int chunks, int size, long seed, boolean ends) {
        SplittableRandom r = new SplittableRandom(seed);
        List<DocumentChunk> doc = new ArrayList<>();
        int[] previous = null;
        for (int k = 0; k < chunks; k++) {
            int[] t = new int[size];
            for (int i = 0; i < size; i++) t[i] = r.nextInt(256);
            if (k == 3 && previous != null) t = previous.clone();
            doc.add(new DocumentChunk(id, k, t, ends && k == chunks - 1));
            previous = t;
        }
        return doc;
    }

    /** Round robin over the documents: chunk 0 of each, then chunk 1 of each, … (keeps each document's order). */
    static List<DocumentChunk> interleave(List<List<DocumentChunk>> docs) {
        List<DocumentChunk> all = new ArrayList<>();
        int longest = docs.stream().mapToInt(List::size).max().orElse(0);
        for (int k = 0; k < longest; k++) {
            for (List<DocumentChunk> d : docs) if (k < d.size()) all.add(d.get(k));
        }
        return all;
    }

    /** {@code n} documents "doc-0" … of the given shape, seeds 100 + i. */
    static List<List<DocumentChunk>> documents(int n, int chunks, int size, boolean ends) {
        List<List<DocumentChunk>> docs = new ArrayList<>();
        for (int i = 0; i < n; i++) docs.add(document("doc-" + i, chunks, size, 100 + i, ends));
        return docs;
    }

    /** The scorer a function with these settings builds, on freshly generated (not shared) weights. */
    static DocumentScorer directScorer(ScoringSettings s) {
        ModelSource m = s.model();
        return s.newScorer(new SharedModels.SharedModel(
                SyntheticWeights.generate(TransformerConfig.preset(m.location()), m.seed()),
                StreamState.syntheticFingerprint(m.location(), m.seed())));
    }

    /** Scores the chunks in order with {@link DocumentScorer#scoreChunk}, one stream per document id. */
    static final class Direct {
        final DocumentScorer scorer;
        final Map<String, StreamState> streams = new HashMap<>();

        Direct(ScoringSettings s) {
            this.scorer = directScorer(s);
        }

        ChunkScore score(DocumentChunk c) {
            StreamState st = streams.computeIfAbsent(c.docId(), k -> scorer.newState());
            ChunkResult r = scorer.scoreChunk(st, c.tokenIds());
            if (c.endOfDocument()) streams.remove(c.docId());
            return ChunkScore.of(c.docId(), c, r);
        }

        List<ChunkScore> scoreAll(List<DocumentChunk> chunks) {
            List<ChunkScore> out = new ArrayList<>();
            for (DocumentChunk c : chunks) out.add(score(c));
            return out;
        }
    }
}
