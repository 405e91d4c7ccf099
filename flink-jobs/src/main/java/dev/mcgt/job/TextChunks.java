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
    private final int[] prefixIds;

    /**
     * What one text became.
     *
     * @param tokens  content tokens of the text itself (0: the text has none)
     * @param kept    content tokens kept (within the budget; a text prefix's tokens count)
     * @param dropped content tokens over the budget
     * @param chunks  the framed chunks of the kept tokens
     */
    public record Split(int tokens, int kept, int dropped, List<Chunker.Chunk> chunks) { }

    /** The tokenizer and chunker of a shared model, with {@code overlap} content tokens between chunks. */
    public TextChunks(SharedModels.SharedModel model, int overlap) {
        this(model, overlap, "");
    }

    /**
     * As above, with a text prefix whose tokens go before a document's first part (see {@link InputFields});
     * an empty prefix adds nothing.
     */
    public TextChunks(SharedModels.SharedModel model, int overlap, String textPrefix) {
        String json = model.weights().tokenizerJson();
        if (json == null) throw McgtException.badConfig(DocumentScorer.NO_TOKENIZER);
        tokenizer = WordPieceTokenizer.fromJson(json);
        chunker = tokenizer.chunker(model.weights().config().seqLenMax(), overlap);
        prefixIds = DocumentScorer.prefixIds(tokenizer, textPrefix == null ? "" : textPrefix);
    }

    /** Content token ids of {@code text}. */
    public int[] tokenize(String text) {
        return tokenizer.tokenize(text);
    }

    /** Tokenizes {@code text} and chunks at most {@code room} content tokens of it (no prefix). */
    public Split split(String text, int room) {
        return split(text, room, false);
    }

    /**
     * Tokenizes {@code text} and chunks at most {@code room} content tokens of it; a document's first part
     * ({@code first}) that has tokens gets the text prefix's tokens in front.
     */
    public Split split(String text, int room, boolean first) {
        int[] own = tokenizer.tokenize(text);
        int[] content = first && own.length > 0 && prefixIds.length > 0
                ? DocumentScorer.withPrefix(prefixIds, own) : own;
        int keep = Math.min(room, content.length);
        List<Chunker.Chunk> chunks = keep == 0 ? List.of()
                : chunker.split(keep == content.length ? content : Arrays.copyOf(content, keep));
        return new Split(own.length, keep, content.length - keep, chunks);
    }
}
