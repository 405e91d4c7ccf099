package dev.mcgt.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcgt.flink.functions.ChunkScore;
import dev.mcgt.flink.functions.DocumentChunk;
import dev.mcgt.flink.functions.GatedScoringFunction;
import dev.mcgt.flink.functions.ScoringSettings;
import dev.mcgt.flink.telemetry.ChunkReject;
import dev.mcgt.flink.telemetry.OutputTags;
import java.io.Serializable;
import java.util.function.Predicate;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.serialization.SimpleStringEncoder;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.enumerate.NonSplittingRecursiveEnumerator;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.BasePathBucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.rollingpolicies.DefaultRollingPolicy;
import org.apache.flink.streaming.api.functions.sink.filesystem.rollingpolicies.OnCheckpointRollingPolicy;

/**
 * The batch document scoring job: files → records → documents (rejects aside) → per-document tokenizing and
 * chunking (duplicates aside) → {@link GatedScoringFunction} keyed by document → per-document aggregation →
 * JSON lines in {@code scores/}, with the tier transitions, energy samples and model upgrades of the scoring
 * function in {@code telemetry/} and every rejected record, document or chunk in {@code rejects/}.
 *
 * <p>Every operator has a stable uid so that a savepoint taken with one build or model restores into another: the
 * {@code UID_*} constants for the sources and the keyed stages, fixed names for the rest ({@code mcgt-chunk-rejects},
 * {@code mcgt-*-json} for the JSON maps, {@code mcgt-sink-<folder>} for the sinks). BATCH mode is the default for files; STREAMING mode checkpoints (exactly-once
 * files, rolled on every checkpoint) and is the mode for savepoint-based model upgrades. {@link #run} is the
 * entry point for settings already resolved; on a real cluster {@code flink run mcgt-job.jar --model … --input …
 * --output …} reaches it through {@code dev.mcgt.cli.JobMain}, and {@code mcgt score} runs the same graph on an
 * embedded local Flink. Progress (chunks and documents scored) is in Flink accumulators ({@link JobProgress}).
 * The chunk-scoring step is a parameter ({@link ChunkScoring}), so another engine can run on the same graph.
 */
public final class DocumentScoringJob {
    public static final String UID_SOURCE = "mcgt-source";
    public static final String UID_PARSE = "mcgt-parse";
    public static final String UID_DOCUMENT_ORDER = "mcgt-document-order";
    public static final String UID_CHUNK = "mcgt-chunk";
    public static final String UID_CHUNK_ORDER = "mcgt-chunk-order";
    public static final String UID_SCORE = "mcgt-gated-scoring";
    public static final String UID_COUNT = "mcgt-count-chunks";
    public static final String UID_AGGREGATE = "mcgt-aggregate";

    /** Output sub-folders. */
    public static final String SCORES = "scores";
    public static final String TRANSITIONS = "telemetry/tier-transitions";
    public static final String ENERGY = "telemetry/energy";
    public static final String UPGRADES = "telemetry/model-upgrades";
    public static final String REJECTS = "rejects";

    private static final ObjectMapper JSON = new ObjectMapper();

    private DocumentScoringJob() { }

    /**
     * Runs the job on the environment Flink provides ({@code StreamExecutionEnvironment.getExecutionEnvironment}:
     * the cluster under {@code flink run}) and waits for it: the parser-free entry point, given settings already
     * resolved ({@code dev.mcgt.cli.JobMain} is the command-line one).
     */
    public static JobExecutionResult run(JobSettings settings, RunSettings run) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
                run.flinkConfiguration(settings, false));
        // parallelism.default alone is only an upper bound for BATCH's adaptive scheduler; set it on the job itself
        if (run.parallelism() != null) env.setParallelism(run.parallelism());
        build(env, settings);
        return env.execute(run.jobName());
    }

    /**
     * Our chunk-scoring step: chunk order, then {@link GatedScoringFunction} keyed by document. The chunks come from
     * the chunking stage, which is keyed by the same document id with the same key type, so each chunk is already in
     * the subtask that owns its key: the stream is reinterpreted as keyed instead of shuffled again. In STREAMING
     * mode the scoring function is chained to the chunking; in BATCH mode the edge is a forward one (no hash
     * partitioning), and Flink still sorts each subtask's chunks by key and chunk index before scoring.
     */
    public static ChunkScoring gated(ScoringSettings scoring) {
        return chunks -> DataStreamUtils.reinterpretAsKeyedStream(chunks
                        .assignTimestampsAndWatermarks(DocumentChunk.chunkOrder()).uid(UID_CHUNK_ORDER).name("chunk order"),
                        DocumentChunk.KEY, Types.STRING)
                .process(new GatedScoringFunction(scoring))
                .uid(UID_SCORE).name("gated scoring");
    }

    /** Adds the whole job to {@code env} and sets its execution mode (and checkpointing in STREAMING mode). */
    public static void build(StreamExecutionEnvironment env, JobSettings s) {
        build(env, s, gated(s.scoring()), System.currentTimeMillis());
    }

    /**
     * Adds the job with {@code scoring} as its chunk-scoring step; {@link JobProgress}'s time buckets count from
     * {@code baseMillis} (epoch ms).
     */
    public static void build(StreamExecutionEnvironment env, JobSettings s, ChunkScoring scoring, long baseMillis) {
        env.setRuntimeMode(s.streaming() ? RuntimeExecutionMode.STREAMING : RuntimeExecutionMode.BATCH);
        if (s.streaming()) env.enableCheckpointing(s.checkpointInterval().toMillis(), CheckpointingMode.EXACTLY_ONCE);

        Path inputPath = new Path(s.input());
        FileSource.FileSourceBuilder<RawRecord> builder = FileSource
                .forBulkFileFormat(new DocumentFileFormat(s.input(), s.maxRecordBytes(), RawRecord.Kind.JSON_LINE), inputPath)
                .setFileEnumerator(() -> new NonSplittingRecursiveEnumerator(new InputFileFilter(inputPath)));
        if (s.watch() != null) builder.monitorContinuously(s.watch());
        FileSource<RawRecord> source = builder.build();
        DataStream<RawRecord> raw = env.fromSource(source, WatermarkStrategy.noWatermarks(), "read documents")
                .uid(UID_SOURCE);

        SingleOutputStreamOperator<SourceDocument> docs = raw
                .process(new ParseDocuments(new DocumentParser(s.fields(), s.maxRecordBytes())))
                .uid(UID_PARSE).name("parse");

        SingleOutputStreamOperator<DocumentChunk> chunks = docs
                .assignTimestampsAndWatermarks(WatermarkStrategy.<SourceDocument>noWatermarks()
                        .withTimestampAssigner(new ByLine())).uid(UID_DOCUMENT_ORDER).name("document order")
                .keyBy(new DocumentId(), Types.STRING)
                .process(new ChunkDocuments(s.scoring().model(), s.maxTokens(), s.overlap(), s.fields().textPrefix(),
                        s.idMemory()))
                .uid(UID_CHUNK).name("tokenize and chunk");

        SingleOutputStreamOperator<ChunkScore> scores = scoring.score(chunks);
        DataStream<ChunkScore> counted = scores.map(new CountScoredChunks(baseMillis)).uid(UID_COUNT).name("count chunks");

        SingleOutputStreamOperator<DocumentScore> documents = counted
                .keyBy(new ScoreDocId(), Types.STRING)
                .connect(chunks.getSideOutput(JobTags.DOCUMENT_INFO).keyBy(new InfoDocId(), Types.STRING))
                .process(new AggregateDocuments(s.prototypesJson(), s.emitEmbeddings(), s.incompleteTimeout()))
                .uid(UID_AGGREGATE).name("aggregate documents");

        DataStream<InputReject> chunkRejects = scores.getSideOutput(OutputTags.REJECTS)
                .map(new ChunkRejectToInput()).uid("mcgt-chunk-rejects").name("chunk rejects");
        DataStream<InputReject> rejects = docs.getSideOutput(JobTags.REJECTS)
                .union(chunks.getSideOutput(JobTags.REJECTS), chunkRejects, documents.getSideOutput(JobTags.REJECTS));

        sink(documents.map(new ScoreToJson()).uid("mcgt-scores-json").name("scores as JSON"), s, SCORES);
        sink(scores.getSideOutput(OutputTags.TIER_TRANSITIONS).map(new ToJson<>()).returns(Types.STRING)
                .uid("mcgt-transitions-json").name("tier transitions as JSON"), s, TRANSITIONS);
        sink(scores.getSideOutput(OutputTags.ENERGY).map(new ToJson<>()).returns(Types.STRING)
                .uid("mcgt-energy-json").name("energy as JSON"), s, ENERGY);
        sink(scores.getSideOutput(OutputTags.MODEL_UPGRADE).map(new ToJson<>()).returns(Types.STRING)
                .uid("mcgt-upgrades-json").name("model upgrades as JSON"), s, UPGRADES);
        sink(rejects.map(new ToJson<>()).returns(Types.STRING).uid("mcgt-rejects-json").name("rejects as JSON"), s,
                REJECTS);
    }

    private static void sink(DataStream<String> lines, JobSettings s, String folder) {
        FileSink<String> sink = FileSink
                .forRowFormat(new Path(new Path(s.output()), folder), new SimpleStringEncoder<String>("UTF-8"))
                .withBucketAssigner(new BasePathBucketAssigner<>())
                .withRollingPolicy(s.streaming() ? OnCheckpointRollingPolicy.build()
                        : DefaultRollingPolicy.builder().withMaxPartSize(MemorySize.ofMebiBytes(256)).build())
                .withOutputFileConfig(OutputFileConfig.builder().withPartPrefix("part").withPartSuffix(".jsonl").build())
                .build();
        String uid = "mcgt-sink-" + folder.replace('/', '-');
        lines.sinkTo(sink).uid(uid).name("write " + folder);
    }

    /** Input files: hidden ({@code .}, {@code _}) files never; in folders, only the known extensions. */
    static final class InputFileFilter implements Predicate<Path>, Serializable {
        private static final long serialVersionUID = 1L;
        private final String root;

        InputFileFilter(Path root) {
            this.root = root.toUri().getPath();
        }

        @Override
        public boolean test(Path p) {
            if (p.toUri().getPath().equals(root)) return true;
            String name = p.getName();
            if (InputFiles.skipped(name)) return false;
            if (DocumentFileFormat.kindOf(name) != null) return true;
            try {
                return p.getFileSystem().getFileStatus(p).isDir();
            } catch (java.io.IOException e) {
                return false;
            }
        }
    }

    /** Timestamp = line in the file: BATCH mode sorts a key's records by it, so the first line of an id wins. */
    private static final class ByLine implements org.apache.flink.api.common.eventtime.SerializableTimestampAssigner<SourceDocument> {
        @Override public long extractTimestamp(SourceDocument d, long previous) { return d.line(); }
    }

    private static final class DocumentId implements KeySelector<SourceDocument, String> {
        @Override public String getKey(SourceDocument d) { return d.id(); }
    }

    private static final class ScoreDocId implements KeySelector<ChunkScore, String> {
        @Override public String getKey(ChunkScore s) { return s.docId(); }
    }

    private static final class InfoDocId implements KeySelector<DocumentInfo, String> {
        @Override public String getKey(DocumentInfo d) { return d.id(); }
    }

    private static final class ScoreToJson implements MapFunction<DocumentScore, String> {
        @Override public String map(DocumentScore s) { return s.toJson(); }
    }

    private static final class ChunkRejectToInput implements MapFunction<ChunkReject, InputReject> {
        @Override
        public InputReject map(ChunkReject r) {
            return new InputReject(r.docId() + "#" + r.chunkIndex(), r.docId(), "chunk rejected: " + r.reason(), null);
        }
    }

    /** Any record as one JSON line (Jackson handles records; enums by name). */
    static final class ToJson<T> implements MapFunction<T, String> {
        @Override
        public String map(T value) throws JsonProcessingException {
            return JSON.writeValueAsString(value);
        }
    }
}
