package dev.mcgt.flink.functions;

import dev.mcgt.stream.StreamState;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;

/**
 * A {@link KeyedOneInputStreamOperatorTestHarness} over the scoring function, on the heap or RocksDB backend,
 * with generic types disabled (any Kryo fallback fails), plus readers for outputs and keyed state.
 */
final class ScoringHarness implements AutoCloseable {

    /** The state backends the tests run on. */
    enum Backend { HEAP, ROCKSDB }

    private final KeyedOneInputStreamOperatorTestHarness<String, DocumentChunk, ChunkScore> harness;
    private final GatedScoringFunction function;
    private long time;

    private ScoringHarness(GatedScoringFunction function, Backend backend) throws Exception {
        this.function = function;
        harness = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(function), DocumentChunk.KEY,
                Types.STRING);
        harness.getExecutionConfig().configure(noGenericTypes(), ScoringHarness.class.getClassLoader());
        harness.setStateBackend(backend == Backend.ROCKSDB ? new EmbeddedRocksDBStateBackend() : new HashMapStateBackend());
        harness.setup(TypeInformation.of(ChunkScore.class).createSerializer(harness.getExecutionConfig().getSerializerConfig()));
        harness.setStateTtlProcessingTime(0);
    }

    /** {@code pipeline.generic-types: false}. */
    static Configuration noGenericTypes() {
        Configuration c = new Configuration();
        c.set(PipelineOptions.GENERIC_TYPES, false);
        return c;
    }

    /** An open harness with empty state. */
    static ScoringHarness open(GatedScoringFunction fn, Backend backend) throws Exception {
        return restore(fn, backend, null);
    }

    /** An open harness restored from {@code snapshot} (a savepoint restore); empty state when it is null. */
    static ScoringHarness restore(GatedScoringFunction fn, Backend backend, OperatorSubtaskState snapshot) throws Exception {
        ScoringHarness h = new ScoringHarness(fn, backend);
        if (snapshot != null) h.harness.initializeState(snapshot);
        h.harness.open();
        return h;
    }

    GatedScoringFunction function() { return function; }

    void process(DocumentChunk chunk) throws Exception {
        harness.processElement(new StreamRecord<>(chunk, time++));
    }

    void processAll(List<DocumentChunk> chunks) throws Exception {
        for (DocumentChunk c : chunks) process(c);
    }

    /** Processing time seen by state TTL. */
    void setTtlTime(long millis) {
        harness.setStateTtlProcessingTime(millis);
    }

    List<ChunkScore> scores() {
        return harness.extractOutputValues();
    }

    <X> List<X> side(OutputTag<X> tag) {
        Queue<StreamRecord<X>> q = harness.getSideOutput(tag);
        List<X> values = new ArrayList<>();
        if (q != null) for (StreamRecord<X> r : q) values.add(r.getValue());
        return values;
    }

    OperatorSubtaskState snapshot(long id) throws Exception {
        return harness.snapshot(id, id);
    }

    /** Keys holding a stream state (cleared keys are gone; expired ones may linger until cleaned up). */
    long stateEntries() throws Exception {
        state("");  // registers the state with the backend if nothing has yet
        try (var keys = harness.getOperator().<String>getKeyedStateBackend()
                .getKeys(GatedScoringFunction.STATE_NAME, VoidNamespace.INSTANCE)) {
            return keys.count();
        }
    }

    /** The stored state of {@code key}, or null; read through the backend as the function reads it. */
    StreamState state(String key) throws Exception {
        KeyedStateBackend<String> backend = harness.getOperator().getKeyedStateBackend();
        backend.setCurrentKey(key);
        ValueState<StreamState> s = backend.getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
                GatedScoringFunction.stateDescriptor(function.settings(), function.stateFormat()));
        return s.value();
    }

    /** The stored state's bytes, or null. */
    byte[] stateBytes(String key) throws Exception {
        StreamState s = state(key);
        return s == null ? null : s.toBytes();
    }

    @Override
    public void close() {
        try {
            harness.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing the harness failed", e);
        }
    }
}
