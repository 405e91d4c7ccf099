package dev.mcgt.job.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcgt.flink.functions.ChunkScore;
import dev.mcgt.flink.functions.DocumentChunk;
import dev.mcgt.flink.functions.ModelSource;
import dev.mcgt.flink.functions.ScoringSettings;
import dev.mcgt.flink.functions.SharedModels;
import dev.mcgt.flink.state.StreamStateSerializer;
import dev.mcgt.flink.telemetry.EnergySample;
import dev.mcgt.job.DocumentParser;
import dev.mcgt.job.InputFields;
import dev.mcgt.job.RawRecord;
import dev.mcgt.scoring.ChunkResult;
import dev.mcgt.scoring.DocumentScorer;
import dev.mcgt.scoring.GatingProfileJson;
import dev.mcgt.stream.StreamState;
import dev.mcgt.text.Chunker;
import dev.mcgt.text.WordPieceTokenizer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Where the scoring job's time goes per record, stage by stage, on real e-mails with all-MiniLM-L6-v2: parsing a
 * JSON line, tokenizing and chunking a document (per document), scoring a chunk gate off and gate on (the
 * calibrated policy), and per chunk what Flink adds around it — the stream state's serializer round trip (what
 * RocksDB does twice per chunk), the record serializers of the chunk and of its score between operators, and the
 * JSON of the energy sample the telemetry sink writes. One thread, no Flink runtime. Run from the test classpath
 * (see {@code scripts/bench-job.sh breakdown}); needs {@code data/spam-assassin.jsonl} and {@code models/minilm.mcgt}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx2g"})
public class JobStagesBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** E-mails read (every k-th line of the corpus). */
    @Param({"200"})
    public int docs;

    /** Content tokens kept per e-mail (as bench-job.sh's runs). */
    @Param({"256"})
    public int maxTokens;

    private DocumentParser parser;
    private List<RawRecord> records;
    private List<String> texts;
    private List<int[]> content;
    private List<DocumentChunk> chunks;
    private WordPieceTokenizer tokenizer;
    private Chunker chunker;
    private SharedModels.Lease lease;
    private DocumentScorer ungated;
    private DocumentScorer gated;
    private StreamState ungatedState;
    private StreamState gatedState;
    private List<StreamState> midStates;
    private List<ChunkScore> scores;
    private TypeSerializer<DocumentChunk> chunkSerializer;
    private TypeSerializer<ChunkScore> scoreSerializer;
    private final DataOutputSerializer out = new DataOutputSerializer(1 << 16);
    private final DataInputDeserializer in = new DataInputDeserializer();
    private int next;

    @Setup
    public void setUp() throws Exception {
        Path root = root();
        List<String> lines = Files.readAllLines(root.resolve("data/spam-assassin.jsonl"), StandardCharsets.UTF_8);
        parser = new DocumentParser(InputFields.defaults(), 64L << 20);
        records = new ArrayList<>();
        texts = new ArrayList<>();
        for (int i = 0; i < docs; i++) {
            String line = lines.get((int) ((long) i * lines.size() / docs));
            records.add(new RawRecord("spam-assassin.jsonl", i + 1, RawRecord.Kind.JSON_LINE,
                    line.getBytes(StandardCharsets.UTF_8), line.length()));
            texts.add(JSON.readTree(line).get("text").asText());
        }
        ModelSource model = ModelSource.file(root.resolve("models/minilm.mcgt").toString());
        lease = SharedModels.acquire(model, getClass().getClassLoader());
        tokenizer = WordPieceTokenizer.fromJson(lease.model().weights().tokenizerJson());
        chunker = tokenizer.chunker(lease.model().weights().config().seqLenMax(), 0);
        content = new ArrayList<>();
        chunks = new ArrayList<>();
        for (int d = 0; d < docs; d++) {
            int[] ids = tokenizer.tokenize(texts.get(d));
            ids = Arrays.copyOf(ids, Math.min(ids.length, maxTokens));
            content.add(ids);
            List<Chunker.Chunk> cs = chunker.split(ids);
            for (int c = 0; c < cs.size(); c++) chunks.add(new DocumentChunk("doc-" + d, c, cs.get(c).ids(), c == cs.size() - 1));
        }
        ScoringSettings base = ScoringSettings.of(model);
        ungated = base.withGate(false).newScorer(lease.model());
        gated = base.withProfile(GatingProfileJson.load(root.resolve("policies/spamassassin-interactive.json")))
                .withGate(true).newScorer(lease.model());
        // states and scores as the job holds them: after each chunk of each document (gated run)
        midStates = new ArrayList<>();
        scores = new ArrayList<>();
        StreamState s = gated.newState();
        for (DocumentChunk c : chunks) {
            ChunkResult r = gated.scoreChunk(s, c.tokenIds());
            scores.add(ChunkScore.of(c.docId(), c, r));
            midStates.add(s.copy());
            if (c.endOfDocument()) s = gated.newState();
        }
        chunkSerializer = TypeInformation.of(DocumentChunk.class).createSerializer(new SerializerConfigImpl());
        scoreSerializer = TypeInformation.of(ChunkScore.class).createSerializer(new SerializerConfigImpl());
        ungatedState = ungated.newState();
        gatedState = gated.newState();
        System.err.printf("JobStagesBenchmark: %d documents, %d chunks (%.2f per document)%n", docs, chunks.size(),
                (double) chunks.size() / docs);
    }

    @TearDown
    public void tearDown() {
        lease.close();
    }

    private static Path root() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("data/spam-assassin.jsonl")) && Files.isRegularFile(p.resolve("models/minilm.mcgt"))) {
                return p;
            }
        }
        throw new IllegalStateException("needs data/spam-assassin.jsonl (scripts/fetch-corpus.sh) and models/minilm.mcgt "
                + "(mcgt model import minilm) in this folder or above");
    }

    private int nextDoc() {
        return next++ % docs;
    }

    private int nextChunk() {
        return next++ % chunks.size();
    }

    /** Per document: one JSON line into a source document. */
    @Benchmark
    public Object parse() {
        return parser.parse(records.get(nextDoc()));
    }

    /** Per document: WordPiece tokenization of the text. */
    @Benchmark
    public int[] tokenize() {
        return tokenizer.tokenize(texts.get(nextDoc()));
    }

    /** Per document: the content tokens into framed chunks. */
    @Benchmark
    public Object chunk() {
        return chunker.split(content.get(nextDoc()));
    }

    /** Per chunk: the transformer, gate off (tier 0 on every chunk). */
    @Benchmark
    public Object scoreGateOff() {
        DocumentChunk c = chunks.get(nextChunk());
        ChunkResult r = ungated.scoreChunk(ungatedState, c.tokenIds());
        if (c.endOfDocument()) ungatedState = ungated.newState();
        return r;
    }

    /** Per chunk: probe, gate and the tier it picks (the calibrated policy). */
    @Benchmark
    public Object scoreGateOn() {
        DocumentChunk c = chunks.get(nextChunk());
        ChunkResult r = gated.scoreChunk(gatedState, c.tokenIds());
        if (c.endOfDocument()) gatedState = gated.newState();
        return r;
    }

    /** Per chunk: the stream state written and read back (RocksDB's value serializer, once each way). */
    @Benchmark
    public Object stateRoundTrip() throws Exception {
        out.clear();
        StreamStateSerializer.INSTANCE.serialize(midStates.get(nextChunk()), out);
        in.setBuffer(out.getSharedBuffer(), 0, out.length());
        return StreamStateSerializer.INSTANCE.deserialize(in);
    }

    /** Per chunk: the chunk record between the chunking and scoring operators, written and read back. */
    @Benchmark
    public Object chunkRecord() throws Exception {
        out.clear();
        chunkSerializer.serialize(chunks.get(nextChunk()), out);
        in.setBuffer(out.getSharedBuffer(), 0, out.length());
        return chunkSerializer.deserialize(in);
    }

    /** Per chunk: the score record between the scoring and aggregating operators, written and read back. */
    @Benchmark
    public Object scoreRecord() throws Exception {
        out.clear();
        scoreSerializer.serialize(scores.get(nextChunk()), out);
        in.setBuffer(out.getSharedBuffer(), 0, out.length());
        return scoreSerializer.deserialize(in);
    }

    /** Per chunk: the energy sample's JSON line for the telemetry sink. */
    @Benchmark
    public String energyJson() throws Exception {
        ChunkScore s = scores.get(nextChunk());
        return JSON.writeValueAsString(new EnergySample(s.docId(), s.chunkIndex(), s.tier(), s.lambda(), s.layers(),
                s.tokens(), s.macs(), s.ungatedMacs(), s.bytesMoved(), s.energyPj(), s.wallMicros()));
    }
}
