package dev.mcgt.stream;

import dev.mcgt.McgtException;
import dev.mcgt.runtime.InferState;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The binary form of a {@link StreamState}, big-endian:
 *
 * <pre>
 * int magic 0x4D535453 ("MSTS"), int version
 * then four (version 1) or five (version 2) sections, each: int tag, int payload length, payload
 *   "HEAD": long chunkCount, long tokensSeen, int lastTier (−1..3), int ungatedKvLength,
 *           int fingerprint length, fingerprint UTF-8
 *   "LAMB": the λ history (capacity, size, values oldest first, count, mean, m2)
 *   "SPIK": the spike history (slots, size, token sets oldest first, dim, hasMean, mean, rate, counters)
 *   "INFR": the {@link InferState#toBytes()} bytes (KV cache, cached signature and output)
 *   "POOL": (version 2) the {@link PoolingMemory} (computed chunks' sketches and vectors)
 * </pre>
 *
 * Decoding checks the magic, dispatches on the version explicitly (version 1, written before skipped chunks
 * were pooled from the document's computed chunks, decodes with an empty pooling memory), checks every section's tag and length against the bytes that remain,
 * requires each payload to be read exactly, and rejects trailing bytes. Any problem is one BAD_INPUT line
 * starting "stream state ...". Encoding is deterministic, so {@code toBytes(fromBytes(b))} equals {@code b}.
 */
public final class StreamStateCodec {
    /** "MSTS". */
    public static final int MAGIC = 0x4D535453;
    /** Version 1: the sections above. */
    public static final int VERSION_1 = 1;
    /** Version 2: version 1 plus the pooling memory ("POOL"). */
    public static final int VERSION_2 = 2;
    /** The version {@link #encode} writes. */
    public static final int CURRENT_VERSION = VERSION_2;

    static final int TAG_HEAD = 0x48454144;
    static final int TAG_LAMBDA = 0x4C414D42;
    static final int TAG_SPIKES = 0x5350494B;
    static final int TAG_INFER = 0x494E4652;
    static final int TAG_POOL = 0x504F4F4C;
    private static final int SECTION_HEADER = 8;

    private StreamStateCodec() { }

    /** The current binary form of {@code s}. */
    public static byte[] encode(StreamState s) {
        return encode(s, CURRENT_VERSION);
    }

    /**
     * The binary form of {@code s} in an older or the current version (version 1 leaves out the pooling memory,
     * so that an older build can read the bytes).
     */
    public static byte[] encode(StreamState s, int version) {
        if (version != VERSION_1 && version != VERSION_2) {
            throw McgtException.badConfig("cannot write stream state version " + version + " (1.." + CURRENT_VERSION + ")");
        }
        byte[] fp = s.modelFingerprint().getBytes(StandardCharsets.UTF_8);
        byte[] infer = s.inferState().toBytes();
        int head = 8 + 8 + 4 + 4 + 4 + fp.length;
        int lambda = s.lambdaHistory().serializedSize();
        int spikes = s.spikeHistory().serializedSize();
        int pool = version >= VERSION_2 ? SECTION_HEADER + s.poolingMemory().serializedSize() : 0;
        ByteBuffer b = ByteBuffer.allocate(8 + 4 * SECTION_HEADER + head + lambda + spikes + infer.length + pool);
        b.putInt(MAGIC).putInt(version);
        b.putInt(TAG_HEAD).putInt(head);
        b.putLong(s.chunkCount()).putLong(s.tokensSeen()).putInt(s.lastTier()).putInt(s.ungatedKvLength());
        b.putInt(fp.length).put(fp);
        b.putInt(TAG_LAMBDA).putInt(lambda);
        s.lambdaHistory().write(b);
        b.putInt(TAG_SPIKES).putInt(spikes);
        s.spikeHistory().write(b);
        b.putInt(TAG_INFER).putInt(infer.length).put(infer);
        if (version >= VERSION_2) {
            b.putInt(TAG_POOL).putInt(pool - SECTION_HEADER);
            s.poolingMemory().write(b);
        }
        if (b.hasRemaining()) throw new IllegalStateException("stream state size miscounted");
        return b.array();
    }

    /** The version of an encoded state (after checking the magic), without decoding the rest. */
    public static int versionOf(byte[] bytes) {
        if (bytes == null || bytes.length < 8) throw corrupt("is truncated");
        ByteBuffer b = ByteBuffer.wrap(bytes);
        if (b.getInt() != MAGIC) throw McgtException.badInput("not a stream state (bad magic)");
        return b.getInt();
    }

    /** Decodes any supported version. */
    public static StreamState decode(byte[] bytes) {
        int version = versionOf(bytes);
        ByteBuffer b = ByteBuffer.wrap(bytes, 8, bytes.length - 8);
        try {
            StreamState s = switch (version) {
                case VERSION_1, VERSION_2 -> read(b, version);
                default -> throw McgtException.badInput("unsupported stream state version " + version
                        + " (this build reads version " + CURRENT_VERSION + ")");
            };
            if (b.hasRemaining()) throw corrupt("has trailing bytes");
            return s;
        } catch (BufferUnderflowException e) {
            throw corrupt("is truncated");
        }
    }

    private static StreamState read(ByteBuffer b, int version) {
        ByteBuffer head = section(b, TAG_HEAD, "HEAD");
        long chunkCount = head.getLong();
        long tokensSeen = head.getLong();
        int lastTier = head.getInt();
        int ungatedKv = head.getInt();
        int fpLen = head.getInt();
        if (chunkCount < 0 || tokensSeen < 0 || lastTier < -1 || lastTier > 3 || ungatedKv < 0) {
            throw corrupt("header holds an out-of-range value");
        }
        if (fpLen < 1 || fpLen > 4 * StreamState.MAX_FINGERPRINT_CHARS || fpLen != head.remaining()) {
            throw corrupt("has an invalid model fingerprint length");
        }
        byte[] fp = new byte[fpLen];
        head.get(fp);
        String fingerprint = utf8(fp);
        LambdaHistory lambdas = readFully(section(b, TAG_LAMBDA, "LAMB"), LambdaHistory::read, "LAMB");
        SpikeHistory spikes = readFully(section(b, TAG_SPIKES, "SPIK"), SpikeHistory::read, "SPIK");
        ByteBuffer inferSection = section(b, TAG_INFER, "INFR");
        byte[] inferBytes = new byte[inferSection.remaining()];
        inferSection.get(inferBytes);
        InferState infer;
        try {
            infer = InferState.fromBytes(inferBytes);
        } catch (McgtException e) {
            throw corrupt("has a bad runtime section: " + e.detail());
        }
        if (lambdas.count() != chunkCount) throw corrupt("counts disagree (chunks vs lambda history)");
        PoolingMemory pooling;
        if (version >= VERSION_2) {
            pooling = readFully(section(b, TAG_POOL, "POOL"), PoolingMemory::read, "POOL");
            if (pooling.sketchWidth() != spikes.dim() || pooling.vectorWidth() != infer.outputSize()) {
                throw corrupt("section POOL does not fit the model's widths");
            }
        } else {
            pooling = new PoolingMemory(PoolingMemory.DEFAULT_CAPACITY, spikes.dim(), infer.outputSize());
        }
        try {
            return new StreamState(infer, lambdas, spikes, lastTier, fingerprint, chunkCount, tokensSeen, ungatedKv,
                    pooling);
        } catch (McgtException e) {
            throw corrupt("has an invalid model fingerprint");
        }
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw corrupt("has a model fingerprint that is not UTF-8");
        }
    }

    /** The next section's payload as its own buffer, after checking tag and length. */
    private static ByteBuffer section(ByteBuffer b, int tag, String name) {
        if (b.remaining() < SECTION_HEADER) throw corrupt("is truncated before section " + name);
        int t = b.getInt();
        if (t != tag) throw corrupt("expected section " + name + " here");
        int len = b.getInt();
        if (len < 0 || len > b.remaining()) throw corrupt("section " + name + " has an invalid length");
        ByteBuffer payload = b.slice(b.position(), len);
        b.position(b.position() + len);
        return payload;
    }

    private static <T> T readFully(ByteBuffer payload, java.util.function.Function<ByteBuffer, T> reader, String name) {
        T v;
        try {
            v = reader.apply(payload);
        } catch (BufferUnderflowException e) {
            throw corrupt("section " + name + " is truncated");
        }
        if (payload.hasRemaining()) throw corrupt("section " + name + " has trailing bytes");
        return v;
    }

    static McgtException corrupt(String what) {
        return McgtException.badInput("stream state " + what);
    }
}
