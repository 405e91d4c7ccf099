package dev.mcgt.model;

import dev.mcgt.McgtException;
import dev.mcgt.config.Pooling;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The native model file ({@code .mcgt}): one self-describing, checksummed file per model. All numbers are
 * little-endian.
 *
 * <pre>
 * offset  size  field
 * 0       8     magic "MCGTMODL"
 * 8       4     format version (u32): 1, or 2 for an encoder whose pooling is not the default
 * 12      8     total file length in bytes, trailer included (u64)
 * 20      ..    config: 11 × i32 (seqLenMax … seqLenSafe), 2 × u8 (enableKvCache, enableExternalWrites),
 *               3 × i32 (vocabSize, maxPositions, typeVocabSize), 3 enums as (u8 length, ASCII name)
 *               (normPlacement, activation, attention), 3 × i32 (layersSafe, windowSafe, kvContext),
 *               f32 layerNormEps
 *         ..    version 2 only: pooling mode (u8 length, ASCII name MEAN or CLS), u8 normalize; version 1 means
 *               MEAN, normalised ({@code Pooling.DEFAULT}), so files of models with the default pooling stay
 *               version 1 and byte-identical to those written before pooling was stored
 *         ..    tokenizer: u8 present; if 1: u32 length, UTF-8 tokenizer.json
 *         ..    u32 tensor count, then per tensor: u16 name length, UTF-8 name, u8 kind, and
 *               kind 1 (int8 matrix): u32 rows, u32 cols, u8 hasBias, rows·cols i8, rows f32 scales,
 *                                     [rows f32 bias];
 *               kind 2 (f32 vector): u32 length, length f32
 * end-32  32    SHA-256 of every byte before it; its hex form is the model fingerprint
 * </pre>
 *
 * Tensor names and order are fixed (see {@code TensorLayout}), so writing is deterministic and a
 * write → read → write round trip gives identical bytes. Reading rejects, each with one BAD_WEIGHTS line
 * naming the problem: a wrong magic, an unsupported version, a truncated file, a checksum mismatch, any size
 * larger than the bytes that remain (checked before allocating), unknown or missing tensors and shapes that
 * do not match the config.
 */
public final class ModelFile {
    /** The first eight bytes of every file. */
    static final byte[] MAGIC = "MCGTMODL".getBytes(StandardCharsets.US_ASCII);
    /** The oldest format version this build writes and reads (models with the default pooling). */
    public static final int FORMAT_VERSION = 1;
    /** The newest format version this build writes and reads (adds the pooling after the config). */
    public static final int FORMAT_VERSION_POOLING = 2;
    /** Magic, version and total length. */
    static final int HEADER_BYTES = 20;
    /** The SHA-256 trailer. */
    static final int HASH_BYTES = 32;
    /** Java arrays hold at most about 2^31 bytes; the format is read whole. */
    static final long MAX_FILE_BYTES = Integer.MAX_VALUE - 16;
    static final byte KIND_INT8_MATRIX = 1;
    static final byte KIND_F32_VECTOR = 2;

    private ModelFile() { }

    /** The version a model with this pooling is written in: 1 for the default, else 2. */
    static int versionFor(Pooling pooling) {
        return pooling.isDefault() ? FORMAT_VERSION : FORMAT_VERSION_POOLING;
    }

    /** The complete file content for these weights. */
    public static byte[] encode(ModelWeights weights) {
        return ModelFileWriter.encode(weights);
    }

    /** Verifies and decodes a complete file held in memory (e.g. read from a jar or a distributed file system). */
    public static LoadedModel decode(byte[] content) {
        return ModelFileReader.decode(content);
    }

    /**
     * Writes the weights to {@code path} (through a temporary file in the same folder, then a move, so a
     * reader never sees half a file).
     *
     * @return the model fingerprint
     */
    public static String write(ModelWeights weights, Path path) {
        Path abs = path.toAbsolutePath();
        if (Files.isDirectory(abs)) {
            throw McgtException.badWeights("cannot write model file '" + path + "': it is a folder (give a file name)");
        }
        byte[] bytes = encode(weights);
        Path tmp = abs.resolveSibling(abs.getFileName() + ".tmp");
        try {
            Files.write(tmp, bytes);
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // best effort: the original error is the one to report
            }
            throw McgtException.badWeights("cannot write model file '" + path + "': " + describe(e));
        }
        return HexFormat.of().formatHex(bytes, bytes.length - HASH_BYTES, bytes.length);
    }

    /** Reads, verifies and decodes a model file: its weights and description. */
    public static LoadedModel load(Path path) {
        byte[] bytes = readAll(path);
        try {
            return decode(bytes);
        } catch (McgtException e) {
            throw McgtException.badWeights("model file '" + path + "': " + e.detail());
        }
    }

    /** The weights of a model file (see {@link #load} for the fingerprint). */
    public static ModelWeights read(Path path) {
        return load(path).weights();
    }

    /** Config, tensors, sizes and fingerprint of a model file; the whole file is verified. */
    public static ModelInfo info(Path path) {
        return load(path).info();
    }

    private static byte[] readAll(Path path) {
        if (Files.isDirectory(path)) {
            throw McgtException.badWeights("model file '" + path + "' is a folder, not a model file");
        }
        try {
            long size = Files.size(path);
            if (size > MAX_FILE_BYTES) {
                throw McgtException.badWeights("model file '" + path + "' is too large (" + size + " bytes)");
            }
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw McgtException.badWeights("cannot read model file '" + path + "': " + describe(e));
        }
    }

    private static String describe(IOException e) {
        if (e instanceof NoSuchFileException) return "no such file";
        if (e instanceof AccessDeniedException) return "permission denied";
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** SHA-256 of a byte range. */
    static byte[] sha256(byte[] data, int off, int len) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(data, off, len);
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }
}
