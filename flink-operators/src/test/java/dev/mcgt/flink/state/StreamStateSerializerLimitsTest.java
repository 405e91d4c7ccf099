package dev.mcgt.flink.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataInputViewStreamWrapper;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * A corrupt length prefix costs no memory: the serializer allocates only as many bytes as the source really
 * holds (checked against what remains, or read in bounded steps from a stream), whatever the prefix claims.
 */
class StreamStateSerializerLimitsTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** A length prefix of {@code claimed} bytes followed by only 100 bytes. */
    private static byte[] lying(int claimed) {
        return ByteBuffer.allocate(4 + 100).putInt(claimed).array();
    }

    private interface Read {
        void run(DataInputView in) throws IOException;
    }

    /** Bytes this thread allocated while {@code read} failed on a lying prefix, for both kinds of source. */
    private static void assertCheap(Read read, String reason) {
        for (int claimed : new int[] {StreamStateSerializer.MAX_STATE_BYTES, 600 << 20, 1000}) {
            for (boolean stream : new boolean[] {false, true}) {
                byte[] bytes = lying(claimed);
                DataInputView in = stream ? new DataInputViewStreamWrapper(new ByteArrayInputStream(bytes))
                        : new DataInputDeserializer(bytes);
                long before = THREADS.getCurrentThreadAllocatedBytes();
                assertThatThrownBy(() -> read.run(in)).isInstanceOf(IOException.class).hasMessageContaining(reason);
                long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
                assertThat(allocated).as("bytes allocated for a prefix of %d (stream: %s)", claimed, stream)
                        .isLessThan(8L << 20);
            }
        }
    }

    @Test
    void deserializeAllocatesOnlyWhatTheSourceHolds() {
        for (int format : new int[] {StreamStateSerializer.FORMAT_V1, StreamStateSerializer.FORMAT_V2}) {
            StreamStateSerializer s = StreamStateSerializer.ofFormat(format);
            assertCheap(s::deserialize, "stream state is truncated");
        }
    }

    @Test
    void copyAllocatesOnlyWhatTheSourceHolds() {
        StreamStateSerializer s = StreamStateSerializer.INSTANCE;
        assertCheap(in -> s.copy(in, new DataOutputSerializer(64)), "stream state is truncated");
    }
}
