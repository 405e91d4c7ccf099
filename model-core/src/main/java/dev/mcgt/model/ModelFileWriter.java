package dev.mcgt.model;

import dev.mcgt.McgtException;
import dev.mcgt.config.Pooling;
import dev.mcgt.config.TransformerConfig;
import dev.mcgt.kernel.QuantizedMatrix;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Encodes {@link ModelWeights} in the native format described in {@link ModelFile}; deterministic. */
final class ModelFileWriter {
    private ModelFileWriter() { }

    /** The complete file: header, config, tokenizer, tensors, SHA-256 trailer. */
    static byte[] encode(ModelWeights w) {
        if (w == null) throw McgtException.badWeights("no model to write");
        w.validate();
        List<NamedTensor> tensors = TensorLayout.flatten(w);
        byte[] tokenizer = w.tokenizerJson() == null ? null : w.tokenizerJson().getBytes(StandardCharsets.UTF_8);
        int version = ModelFile.versionFor(w.pooling());
        long size = ModelFile.HEADER_BYTES + configBytes(w.config()) + (version == 1 ? 0 : poolingBytes(w.pooling())) + 1
                + (tokenizer == null ? 0 : 4L + tokenizer.length) + 4 + ModelFile.HASH_BYTES;
        for (NamedTensor t : tensors) size += tensorHeaderBytes(t) + t.payloadBytes();
        if (size > ModelFile.MAX_FILE_BYTES) {
            throw McgtException.badWeights("model too large for the native format (" + size + " bytes)");
        }
        ByteBuffer b = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
        b.put(ModelFile.MAGIC).putInt(version).putLong(size);
        writeConfig(b, w.config());
        if (version != 1) writePooling(b, w.pooling());
        if (tokenizer == null) {
            b.put((byte) 0);
        } else {
            b.put((byte) 1).putInt(tokenizer.length).put(tokenizer);
        }
        b.putInt(tensors.size());
        for (NamedTensor t : tensors) writeTensor(b, t);
        b.put(ModelFile.sha256(b.array(), 0, b.position()));
        if (b.hasRemaining()) throw new IllegalStateException("model file size miscomputed");
        return b.array();
    }

    /** 17 i32 sizes, 2 boolean bytes, 3 length-prefixed enum names, the f32 epsilon. */
    private static long configBytes(TransformerConfig c) {
        return 4L * 17 + 2 + 3 + c.normPlacement().name().length() + c.activation().name().length()
                + c.attention().name().length() + 4;
    }

    /** Config fields in record order; booleans as one byte, enums by name, epsilon as f32 bits. */
    private static void writeConfig(ByteBuffer b, TransformerConfig c) {
        b.putInt(c.seqLenMax()).putInt(c.hidden()).putInt(c.heads()).putInt(c.layers()).putInt(c.windowNormal())
                .putInt(c.windowDegraded()).putInt(c.ffnMult()).putInt(c.logits()).putInt(c.layersDegraded())
                .putInt(c.seqLenDegraded()).putInt(c.seqLenSafe());
        b.put((byte) (c.enableKvCache() ? 1 : 0)).put((byte) (c.enableExternalWrites() ? 1 : 0));
        b.putInt(c.vocabSize()).putInt(c.maxPositions()).putInt(c.typeVocabSize());
        putAscii(b, c.normPlacement().name());
        putAscii(b, c.activation().name());
        putAscii(b, c.attention().name());
        b.putInt(c.layersSafe()).putInt(c.windowSafe()).putInt(c.kvContext());
        b.putInt(Float.floatToRawIntBits(c.layerNormEps()));
    }

    /** Version 2 only: the pooling mode as a length-prefixed enum name, then u8 normalize. */
    private static long poolingBytes(Pooling p) {
        return 1 + p.mode().name().length() + 1;
    }

    private static void writePooling(ByteBuffer b, Pooling p) {
        putAscii(b, p.mode().name());
        b.put((byte) (p.normalize() ? 1 : 0));
    }

    private static void putAscii(ByteBuffer b, String s) {
        b.put((byte) s.length()).put(s.getBytes(StandardCharsets.US_ASCII));
    }

    private static long tensorHeaderBytes(NamedTensor t) {
        long name = 2 + t.name().getBytes(StandardCharsets.UTF_8).length;
        return name + 1 + (t.isMatrix() ? 4 + 4 + 1 : 4);
    }

    private static void writeTensor(ByteBuffer b, NamedTensor t) {
        byte[] name = t.name().getBytes(StandardCharsets.UTF_8);
        b.putShort((short) name.length).put(name);
        if (t.isMatrix()) {
            QuantizedMatrix m = t.matrix();
            b.put(ModelFile.KIND_INT8_MATRIX).putInt(m.rows()).putInt(m.cols()).put((byte) (m.bias() == null ? 0 : 1));
            b.put(m.weights());
            putFloats(b, m.scales());
            if (m.bias() != null) putFloats(b, m.bias());
        } else {
            b.put(ModelFile.KIND_F32_VECTOR).putInt(t.vector().length);
            putFloats(b, t.vector());
        }
    }

    private static void putFloats(ByteBuffer b, float[] v) {
        for (float f : v) b.putInt(Float.floatToRawIntBits(f));
    }
}
