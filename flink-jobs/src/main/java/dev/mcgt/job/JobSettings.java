package dev.mcgt.job;

import dev.mcgt.McgtException;
import dev.mcgt.flink.functions.ScoringSettings;
import java.io.Serializable;
import java.time.Duration;

/**
 * Everything {@link DocumentScoringJob} needs, resolved and validated (models found, policy and prototypes read):
 * plain data that travels with the job graph.
 *
 * @param input              input path or URI: a JSON-lines file, or a folder of {@code .jsonl}, {@code .json}
 *                           and {@code .txt} files (searched recursively; other files are ignored)
 * @param output             output folder: {@code scores/}, {@code telemetry/tier-transitions/},
 *                           {@code telemetry/energy/}, {@code telemetry/model-upgrades/}, {@code rejects/}
 * @param streaming          STREAMING execution (checkpoints, RocksDB, exactly-once files) instead of BATCH
 * @param scoring            model, policy and gate of the scoring function
 * @param fields             input field names
 * @param maxTokens          most content tokens per document, 0 = all
 * @param overlap            content tokens shared by consecutive chunks
 * @param maxRecordBytes     records larger than this are rejected without being held in memory
 * @param prototypesJson     the scoring head, or null
 * @param emitEmbeddings     write document embeddings into {@code scores/}
 * @param checkpointInterval checkpoint interval in STREAMING mode
 * @param watch              STREAMING mode only: look for new input files this often and never finish; null = read
 *                           the input once
 * @param incompleteTimeout  processing time after a document's last record at which the aggregation gives it up if
 *                           still incomplete (a reject); {@link Duration#ZERO} = wait for the end of the input only
 *                           (see {@link AggregateDocuments})
 * @param idMemory           processing time after a document id's last record for which the chunking stage remembers
 *                           it (to reject a repeated id and to continue a document sent in parts);
 *                           {@link Duration#ZERO} = for the job's lifetime (see {@link ChunkDocuments})
 */
public record JobSettings(String input, String output, boolean streaming, ScoringSettings scoring, InputFields fields,
                          int maxTokens, int overlap, long maxRecordBytes, String prototypesJson, boolean emitEmbeddings,
                          Duration checkpointInterval, Duration watch, Duration incompleteTimeout,
                          Duration idMemory) implements Serializable {

    /** How long both kinds of per-document memory last by default: the scoring stage's state TTL (24 h). */
    public static final Duration DEFAULT_DOCUMENT_TIMEOUT = ScoringSettings.DEFAULT_STATE_TTL;

    /** Settings with the default incomplete-document timeout and id memory ({@link #DEFAULT_DOCUMENT_TIMEOUT}). */
    public JobSettings(String input, String output, boolean streaming, ScoringSettings scoring, InputFields fields,
                       int maxTokens, int overlap, long maxRecordBytes, String prototypesJson, boolean emitEmbeddings,
                       Duration checkpointInterval, Duration watch) {
        this(input, output, streaming, scoring, fields, maxTokens, overlap, maxRecordBytes, prototypesJson,
                emitEmbeddings, checkpointInterval, watch, DEFAULT_DOCUMENT_TIMEOUT, DEFAULT_DOCUMENT_TIMEOUT);
    }

    /** The same settings with another model, policy or gate. */
    public JobSettings withScoring(ScoringSettings v) {
        return new JobSettings(input, output, streaming, v, fields, maxTokens, overlap, maxRecordBytes, prototypesJson,
                emitEmbeddings, checkpointInterval, watch, incompleteTimeout, idMemory);
    }

    /** The same settings with another incomplete-document timeout and id memory (zero = off, see above). */
    public JobSettings withDocumentTimeouts(Duration incomplete, Duration ids) {
        return new JobSettings(input, output, streaming, scoring, fields, maxTokens, overlap, maxRecordBytes,
                prototypesJson, emitEmbeddings, checkpointInterval, watch, incomplete, ids);
    }

    /** Checks the numbers with one-line messages (in the record's terms; a command line words them as its flags). */
    public JobSettings {
        if (input == null || input.isBlank()) throw McgtException.badConfig("the input path is required");
        if (output == null || output.isBlank()) throw McgtException.badConfig("the output folder is required");
        if (scoring == null || fields == null) throw McgtException.badConfig("scoring settings and fields are required");
        if (maxTokens < 0) throw McgtException.badConfig("max tokens per document cannot be negative, got " + maxTokens);
        if (overlap < 0) throw McgtException.badConfig("chunk overlap cannot be negative, got " + overlap);
        if (maxRecordBytes < 1) throw McgtException.badConfig("max record bytes must be positive, got " + maxRecordBytes);
        if (checkpointInterval == null || checkpointInterval.toMillis() < 10) {
            throw McgtException.badConfig("checkpoint interval must be at least 10 ms, got " + checkpointInterval);
        }
        if (watch != null && !streaming) throw McgtException.badConfig("watching the input needs STREAMING mode");
        if (watch != null && watch.toMillis() < 10) {
            throw McgtException.badConfig("watch interval must be at least 10 ms, got " + watch);
        }
        checkTimeout("incomplete-document timeout", incompleteTimeout);
        checkTimeout("document id memory", idMemory);
    }

    private static void checkTimeout(String what, Duration d) {
        if (d == null || d.isNegative()) {
            throw McgtException.badConfig(what + " must be zero (off) or positive, got " + d);
        }
        if (!d.isZero() && d.toMillis() < 1) throw McgtException.badConfig(what + " must be at least 1 ms, got " + d);
    }
}
