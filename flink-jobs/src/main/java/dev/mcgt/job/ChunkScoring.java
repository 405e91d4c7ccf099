package dev.mcgt.job;

import dev.mcgt.flink.functions.ChunkScore;
import dev.mcgt.flink.functions.DocumentChunk;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The chunk-scoring step of {@link DocumentScoringJob}, the one stage that differs between our job
 * ({@link DocumentScoringJob#gated}) and another engine on the same graph (the benchmarks' ONNX Runtime peer):
 * the chunking stage's chunks in (keyed by document id, each document's in order), one {@link ChunkScore} per
 * chunk out, with {@link ChunkScore#output()} the chunk's embedding and {@link ChunkScore#endOfDocument()} copied
 * from the chunk. The side outputs of {@code dev.mcgt.flink.telemetry.OutputTags} on the returned operator go to
 * the telemetry and rejects sinks (a step without them writes none).
 */
@FunctionalInterface
public interface ChunkScoring {
    /** Adds the scoring operators to the chunks' stream (stable uids) and returns the last. */
    SingleOutputStreamOperator<ChunkScore> score(DataStream<DocumentChunk> chunks);
}
