package dev.mcgt.job;

import dev.mcgt.McgtException;
import dev.mcgt.flink.functions.SharedModels;
import dev.mcgt.scoring.DocumentScorer;
import dev.mcgt.text.Chunker;
import dev.mcgt.text.WordPieceTokenizer;
import java.util.Arrays;
import java.util.List;

/**
 * The model's tokenizer and chunker: text to framed chunks exactly like {@link DocumentScorer#scoreDocument},
 * keeping at most a budget of content tokens. Shared by the job's {@link ChunkDocuments} and the SQL functions,
 * so both cut a text into the same chunks.
 */
public final class TextChunks {
    private final WordPieceTokenizer tokenizer;
    private final Chunker chunker;

    /**
     * What one text became.
     *
     * @param tokens  content tokens found
     * @param kept    content tokens kept (within the budget)
     * @param chunks  the framed chunks of the kept tokens
     */
    public record Split(int tokens, int kept, List<Chunker.Chunk> chunks) {
        /** Content tokens over the budget. */
        public int dropped() { return tokens - kept; }
    }

    /** The tokenizer and chunker of a shared model, with {@code overlap} content tokens between chunks. */
    public TextChunks(SharedModels.SharedModel model, int overlap) {
        String json = model.weights().tokenizerJson();
        if (json == null) throw McgtException.badConfig(DocumentScorer.NO_TOKENIZER);
        tokenizer = WordPieceTokenizer.fromJson(json);
        chunker = tokenizer.chunker(model.weights().config().seqLenMax(), overlap);
    }

    /** Content token ids of {@code text}. */
    public int[] tokenize(String text) {
        return tokenizer.tokenize(text);
    }

    /** Tokenizes {@code text} and chunks at most {@code room} content tokens of it. */
    public Split split(String text, int room) {
        int[] content = tokenizer.tokenize(text);
        int keep = Math.min(room, content.length);
        List<Chunker.Chunk> chunks = keep == 0 ? List.of()
                : chunker.split(keep == content.length ? content : Arrays.copyOf(content, keep));
        return new Split(content.length, keep, chunks);
    }
}
