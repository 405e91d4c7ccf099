package dev.mcgt.model;

import dev.mcgt.McgtException;
import dev.mcgt.config.Activation;
import dev.mcgt.config.AttentionKind;
import dev.mcgt.config.NormPlacement;
import dev.mcgt.config.Pooling;
import dev.mcgt.config.PoolingMode;
import dev.mcgt.config.TransformerConfig;
import dev.mcgt.kernel.QuantizedMatrix;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Decodes the native format described in {@link ModelFile}. Checks, in order: magic, format version, the
 * recorded file length (truncation), the SHA-256 trailer (corruption), then parses the content with every
 * size checked against the bytes that remain before anything is allocated.
 */
final class ModelFileReader {
    private final byte[] data;
    private final ByteBuffer in;
    private final int contentEnd;
    private long tokenizerBytes;
    private long heapBytes = Long.MAX_VALUE;

    private ModelFileReader(byte[] data) {
        this.data = data;
        this.in = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        this.contentEnd = data.length - ModelFile.HASH_BYTES;
    }

    /** Verifies and decodes a complete file held in memory. */
    static LoadedModel decode(byte[] data) {
        return decode(data, Runtime.getRuntime().maxMemory());
    }

    /** As {@link #decode(byte[])} for a JVM whose heap holds at most {@code heapBytes}. */
    static LoadedModel decode(byte[] data, long heapBytes) {
        checkEnvelope(data);
        String fingerprint = HexFormat.of().formatHex(data, data.length - ModelFile.HASH_BYTES, data.length);
        ModelFileReader r = new ModelFileReader(data);
        r.heapBytes = heapBytes;
        return r.parse(fingerprint);
    }

    /** Magic, version, recorded length and hash; nothing beyond the fixed header is trusted before this. */
    private static void checkEnvelope(byte[] data) {
        byte[] magic = ModelFile.MAGIC;
        int prefix = Math.min(data.length, magic.length);
        if (!Arrays.equals(data, 0, prefix, magic, 0, prefix)) {
            throw McgtException.badWeights("not an mcgt model file (wrong magic)");
        }
        if (data.length < ModelFile.HEADER_BYTES) {
            throw McgtException.badWeights("file is truncated: " + data.length + " bytes, shorter than the "
                    + ModelFile.HEADER_BYTES + "-byte header");
        }
        ByteBuffer h = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        int version = h.getInt(magic.length);
        if (version != ModelFile.FORMAT_VERSION && version != ModelFile.FORMAT_VERSION_POOLING) {
            throw McgtException.badWeights("unsupported format version " + Integer.toUnsignedString(version)
                    + " (this build reads versions " + ModelFile.FORMAT_VERSION + " and "
                    + ModelFile.FORMAT_VERSION_POOLING + ")");
        }
        long recorded = h.getLong(magic.length + 4);
        if (recorded < ModelFile.HEADER_BYTES + ModelFile.HASH_BYTES) {
            throw McgtException.badWeights("corrupted header: recorded file length " + Long.toUnsignedString(recorded)
                    + " is impossible");
        }
        if (data.length < recorded) {
            throw McgtException.badWeights("file is truncated: " + data.length + " of " + recorded + " bytes");
        }
        if (data.length > recorded) {
            throw McgtException.badWeights("file has " + (data.length - recorded) + " unexpected bytes after its end ("
                    + recorded + " bytes recorded)");
        }
        int end = data.length - ModelFile.HASH_BYTES;
        byte[] actual = ModelFile.sha256(data, 0, end);
        if (!Arrays.equals(actual, 0, actual.length, data, end, data.length)) {
            throw McgtException.badWeights("checksum mismatch: file is corrupted (SHA-256 of the content is "
                    + HexFormat.of().formatHex(actual) + ", the file records "
                    + HexFormat.of().formatHex(data, end, data.length) + ")");
        }
    }

    private LoadedModel parse(String fingerprint) {
        in.position(ModelFile.HEADER_BYTES);
        int version = in.getInt(ModelFile.MAGIC.length);
        TransformerConfig config = readConfig();
        Pooling pooling = version == ModelFile.FORMAT_VERSION ? Pooling.DEFAULT
                : new Pooling(enumValue(PoolingMode.class, "pooling"), bool("normalize flag"));
        checkRuntimeSizes(config);
        String tokenizer = readTokenizer();
        long count = u32("tensor count");
        // the smallest tensor entry (empty name, f32 vector of length 0) is 7 bytes
        need(count * 7, "the " + count + " tensors listed");
        List<NamedTensor> tensors = new ArrayList<>((int) Math.min(count, 1024));
        List<TensorInfo> infos = new ArrayList<>((int) Math.min(count, 1024));
        for (long i = 0; i < count; i++) {
            NamedTensor t = readTensor(i);
            tensors.add(t);
            infos.add(t.info());
        }
        if (in.position() != contentEnd) {
            throw McgtException.badWeights((contentEnd - in.position()) + " unexpected bytes after the last tensor");
        }
        ModelWeights weights = TensorLayout.assemble(config, tensors, tokenizer).withPooling(pooling);
        try {
            weights.validate();
        } catch (McgtException e) {
            throw McgtException.badWeights(e.detail());
        }
        ModelInfo info = new ModelInfo(version, config,
                tokenizer == null ? -1 : tokenizerBytes, infos, data.length, fingerprint, pooling);
        return new LoadedModel(weights, info);
    }

    private TransformerConfig readConfig() {
        TransformerConfig.Builder b = TransformerConfig.builder();
        b.seqLenMax(i32("seqLenMax")).hidden(i32("hidden")).heads(i32("heads")).layers(i32("layers"))
                .windowNormal(i32("windowNormal")).windowDegraded(i32("windowDegraded")).ffnMult(i32("ffnMult"))
                .logits(i32("logits")).layersDegraded(i32("layersDegraded")).seqLenDegraded(i32("seqLenDegraded"))
                .seqLenSafe(i32("seqLenSafe"));
        b.enableKvCache(bool("enableKvCache")).enableExternalWrites(bool("enableExternalWrites"));
        b.vocabSize(i32("vocabSize")).maxPositions(i32("maxPositions")).typeVocabSize(i32("typeVocabSize"));
        b.normPlacement(enumValue(NormPlacement.class, "normPlacement"));
        b.activation(enumValue(Activation.class, "activation"));
        b.attention(enumValue(AttentionKind.class, "attention"));
        b.layersSafe(i32("layersSafe")).windowSafe(i32("windowSafe")).kvContext(i32("kvContext"));
        b.layerNormEps(f32("layerNormEps"));
        try {
            return b.build();
        } catch (McgtException e) {
            throw McgtException.badWeights("the file's config is invalid: " + e.detail());
        }
    }

    /**
     * Bounds what the runtime will allocate from the config alone, before anything is allocated. The tensors
     * bound most sizes (they must be in the file), but the KV context is backed by no tensor: it is capped like
     * every other size of the config (65535), and each per-stream or per-thread array must be a valid Java array.
     * Then the file, one stream's KV cache and one thread's scratch together must fit in the heap, so a model
     * that cannot run here fails now with one line instead of an {@code OutOfMemoryError} inside a job.
     */
    private void checkRuntimeSizes(TransformerConfig c) {
        long kv = c.kvContext();
        if (kv > TransformerConfig.U16_MAX) {
            throw McgtException.badWeights("the file's config has kvContext " + kv + "; it can be at most "
                    + TransformerConfig.U16_MAX + " (like every size of the config)");
        }
        long s = c.seqLenMax();
        long d = c.hidden();
        long f = (long) c.hidden() * c.ffnMult();
        long keys = s + Math.min(kv, s);
        long block = Math.min(s, 64);
        arrayLength("kvContext x hidden (one layer of the KV cache)", kv * d);
        arrayLength("seqLenMax x ffn width (the FFN activations)", s * Math.max(d, f));
        arrayLength("keys x hidden (attention keys)", keys * d);
        arrayLength("query block x keys (attention scores)", block * keys);
        RuntimeMemory mem = RuntimeMemory.of(c);
        long kvBytes = mem.kvCacheBytesPerStream();
        long scratch = mem.scratchBytesPerThread();
        long need = data.length + kvBytes + scratch;
        if (need > heapBytes) {
            throw McgtException.badWeights("the model needs about " + mib(need) + " MiB to run (file " + mib(data.length)
                    + " MiB, KV cache of " + mib(kvBytes) + " MiB per document stream with kvContext " + kv
                    + ", scratch " + mib(scratch) + " MiB) but the Java heap holds at most " + mib(heapBytes)
                    + " MiB; give the JVM more heap (-Xmx, MCGT_JAVA_OPTS) or use a smaller kvContext");
        }
    }

    private static void arrayLength(String what, long n) {
        if (n > ModelFile.MAX_FILE_BYTES) {
            throw McgtException.badWeights("the file's config asks for " + what + " of " + n
                    + " elements, more than a Java array holds");
        }
    }

    private static long mib(long bytes) {
        return (bytes + (1L << 20) - 1) >> 20;
    }

    private String readTokenizer() {
        if (!bool("tokenizer flag")) return null;
        long len = u32("tokenizer length");
        need(len, "the tokenizer");
        tokenizerBytes = len;
        return utf8((int) len, "the tokenizer");
    }

    private NamedTensor readTensor(long index) {
        int nameLen = Short.toUnsignedInt(take(2, "name length of tensor " + index).getShort());
        need(nameLen, "name of tensor " + index);
        String name = utf8(nameLen, "name of tensor " + index);
        byte kind = take(1, "kind of tensor '" + name + "'").get();
        if (kind == ModelFile.KIND_INT8_MATRIX) {
            long rows = u32("rows of tensor '" + name + "'");
            long cols = u32("columns of tensor '" + name + "'");
            boolean hasBias = bool("bias flag of tensor '" + name + "'");
            if (rows == 0 || cols == 0) throw McgtException.badWeights("tensor '" + name + "' has an empty shape");
            String shape = "tensor '" + name + "' (" + rows + "x" + cols + ")";
            need(rows, shape);
            need(cols, shape);
            // both are now below 2^31, so the product cannot overflow a long
            need(rows * cols + rows * 4 * (hasBias ? 2 : 1), shape);
            byte[] w = new byte[(int) (rows * cols)];
            in.get(w);
            float[] scales = floats((int) rows);
            float[] bias = hasBias ? floats((int) rows) : null;
            try {
                return NamedTensor.matrix(name, new QuantizedMatrix((int) rows, (int) cols, w, scales, bias));
            } catch (McgtException e) {
                throw McgtException.badWeights("tensor '" + name + "': " + e.detail());
            }
        }
        if (kind == ModelFile.KIND_F32_VECTOR) {
            long len = u32("length of tensor '" + name + "'");
            need(len * 4, "tensor '" + name + "' (" + len + " floats)");
            return NamedTensor.vector(name, floats((int) len));
        }
        throw McgtException.badWeights("tensor '" + name + "' has unknown kind " + Byte.toUnsignedInt(kind));
    }

    /** Fails unless {@code n} more content bytes exist (the hash trailer is not content). */
    private void need(long n, String what) {
        long remaining = contentEnd - in.position();
        if (n < 0 || n > remaining) {
            throw McgtException.badWeights(what + " needs " + n + " bytes at offset " + in.position() + " but only "
                    + remaining + " remain");
        }
    }

    private ByteBuffer take(int n, String what) {
        need(n, what);
        return in;
    }

    private int i32(String what) { return take(4, what).getInt(); }

    private long u32(String what) { return Integer.toUnsignedLong(take(4, what).getInt()); }

    private float f32(String what) { return Float.intBitsToFloat(take(4, what).getInt()); }

    private boolean bool(String what) {
        byte v = take(1, what).get();
        if (v != 0 && v != 1) throw McgtException.badWeights(what + " must be 0 or 1, found " + Byte.toUnsignedInt(v));
        return v == 1;
    }

    private <E extends Enum<E>> E enumValue(Class<E> type, String what) {
        int len = Byte.toUnsignedInt(take(1, what).get());
        need(len, what);
        String name = utf8(len, what);
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(name)) return e;
        }
        throw McgtException.badWeights("unknown " + what + " '" + name + "'");
    }

    private float[] floats(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = Float.intBitsToFloat(in.getInt());
        return v;
    }

    /** Strict UTF-8 (malformed input is an error, so that a re-write gives the same bytes). */
    private String utf8(int len, String what) {
        ByteBuffer slice = in.slice(in.position(), len);
        in.position(in.position() + len);
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(slice);
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw McgtException.badWeights(what + " is not valid UTF-8");
        }
    }
}
