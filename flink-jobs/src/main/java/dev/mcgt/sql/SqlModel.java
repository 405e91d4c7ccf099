package dev.mcgt.sql;

import dev.mcgt.flink.functions.ChunkStep;
import dev.mcgt.flink.functions.DocumentChunk;
import dev.mcgt.flink.functions.SharedModels;
import dev.mcgt.job.TextChunks;
import dev.mcgt.scoring.DocumentAccumulator;
import dev.mcgt.scoring.DocumentScorer;
import dev.mcgt.stream.StreamState;
import dev.mcgt.text.Chunker;
import java.util.List;
import java.util.function.Consumer;
import org.apache.flink.table.functions.FunctionContext;

/**
 * A SQL function's hold on the model: a lease on the TaskManager-wide {@link SharedModels} (loaded once per
 * TaskManager, as for the DataStream job), this instance's scorer and the job's chunker. {@link #score} runs one
 * document through {@link ChunkStep}, the step of {@code GatedScoringFunction}, and pools the chunk outputs with
 * the core's {@link DocumentAccumulator}, so a document's vector is the DataStream job's.
 */
final class SqlModel implements AutoCloseable {
    private final SqlScoring settings;
    private final SharedModels.Lease lease;
    private final DocumentScorer scorer;
    private final TextChunks chunks;

    SqlModel(SqlScoring settings, ClassLoader classLoader) {
        this.settings = settings;
        this.lease = SharedModels.acquire(settings.scoring().model(), classLoader);
        try {
            this.scorer = settings.scoring().newScorer(lease.model());
            this.chunks = new TextChunks(lease.model(), settings.overlap());
        } catch (RuntimeException e) {
            lease.close();
            throw e;
        }
    }

    /**
     * A function's model in {@code open}: the fixed settings, or those of the job's configuration
     * ({@link SqlScoring#fromConfig}); {@code ungated} turns the gate off.
     */
    static SqlModel open(SqlScoring fixed, FunctionContext context, boolean ungated) {
        SqlScoring s = fixed != null ? fixed : SqlScoring.fromConfig(k -> context.getJobParameter(k, null));
        return new SqlModel(ungated ? s.ungated() : s, context.getUserCodeClassLoader());
    }

    /** Closes {@code model} if there is one; returns null (for the function's field). */
    static SqlModel release(SqlModel model) {
        if (model != null) model.close();
        return null;
    }

    SqlScoring settings() { return settings; }

    String fingerprint() { return scorer.fingerprint(); }

    /** Content tokens of {@code text}. */
    int tokens(String text) {
        return chunks.tokenize(text).length;
    }

    /**
     * Why {@code text} of document {@code id} cannot be scored, or null when it can: a missing id, a missing,
     * blank or too long text.
     */
    String check(String id, String text) {
        if (id == null || id.isEmpty()) return ChunkStep.NO_ID;
        if (text == null) return "text is missing";
        if (text.length() > settings.maxTextChars()) {
            return "text has " + text.length() + " characters, over the limit of " + settings.maxTextChars() + " ("
                    + SqlScoring.MAX_TEXT_MB + ")";
        }
        if (text.isBlank()) return "text is empty";
        return null;
    }

    /** A scored document: the pooled chunks, or a reject reason. */
    record Document(TextChunks.Split split, DocumentAccumulator pooled, String reject) { }

    /**
     * Scores one checked document chunk by chunk against {@code state} (a fresh stream when null; the caller
     * stores what it gets back through {@code store}, null once the document ended), handing each step to
     * {@code perChunk}.
     */
    Document score(String id, String text, StreamState state, Consumer<StreamState> store,
                   Consumer<ChunkStep.Outcome> perChunk) {
        int room = settings.maxTokens() > 0 ? settings.maxTokens() : Integer.MAX_VALUE;
        TextChunks.Split split = chunks.split(text, room);
        List<Chunker.Chunk> list = split.chunks();
        if (list.isEmpty()) return new Document(split, null, "text has no tokens");
        DocumentAccumulator acc = null;
        int rejected = 0;
        StreamState s = state;
        for (int i = 0; i < list.size(); i++) {
            ChunkStep.Outcome o = ChunkStep.run(scorer, s, id, new DocumentChunk(id, i, list.get(i).ids(),
                    i == list.size() - 1));
            if (o.clear()) s = null;
            else if (o.keep() != null) s = o.keep();
            store.accept(s);
            perChunk.accept(o);
            if (o.rejected()) {
                rejected++;
                continue;
            }
            if (acc == null) acc = new DocumentAccumulator(o.result().output().length);
            acc.add(o.result());
        }
        String reject = rejected == 0 ? null
                : "only " + (list.size() - rejected) + " of " + list.size() + " chunks were scored (see the chunk rejects)";
        return new Document(split, acc, reject);
    }

    @Override
    public void close() {
        lease.close();
    }
}
