package dev.mcgt.model.onnx;

import dev.mcgt.McgtException;
import dev.mcgt.model.onnx.proto.OnnxSubset.TensorProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reads the values of ONNX tensors, checking every size against the bytes actually present before anything is
 * allocated: rank at most {@link #MAX_RANK}, no negative dimension, at most {@link #MAX_ELEMENTS} elements, and
 * a {@code raw_data} length (or typed value count) that matches the dimensions exactly.
 */
final class OnnxTensors {
    /** Highest tensor rank accepted. */
    static final int MAX_RANK = 8;
    /** Most elements in one tensor (2^28 floats = 1 GiB; the largest MiniLM tensor has 11.7 million). */
    static final long MAX_ELEMENTS = 1L << 28;

    private OnnxTensors() { }

    /** The name used in messages. */
    static String label(TensorProto t) {
        return t.getName().isEmpty() ? "an unnamed ONNX tensor" : "ONNX tensor " + t.getName();
    }

    /** The dimensions, checked: rank ≤ 8, each ≥ 0, product ≤ {@link #MAX_ELEMENTS}. */
    static long[] dims(TensorProto t) {
        int rank = t.getDimsCount();
        if (rank > MAX_RANK) throw McgtException.badWeights(label(t) + " has rank " + rank + " (at most " + MAX_RANK + ")");
        long[] d = new long[rank];
        long n = 1;
        for (int i = 0; i < rank; i++) {
            d[i] = t.getDims(i);
            if (d[i] < 0) throw McgtException.badWeights(label(t) + " has a negative dimension " + d[i]);
            if (d[i] > MAX_ELEMENTS || (n *= d[i]) > MAX_ELEMENTS) {
                throw McgtException.badWeights(label(t) + " is too large (more than " + MAX_ELEMENTS + " elements)");
            }
        }
        return d;
    }

    /** Product of the dimensions (1 for a scalar), checked as in {@link #dims}. */
    static int elementCount(TensorProto t) {
        long n = 1;
        for (long v : dims(t)) n *= v;
        return (int) n;
    }

    /** The dimensions as text, e.g. {@code [384, 1536]}. */
    static String shape(TensorProto t) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < t.getDimsCount(); i++) {
            if (i > 0) b.append(", ");
            b.append(t.getDims(i));
        }
        return b.append(']').toString();
    }

    /** The name of an ONNX element type number. */
    static String typeName(int dataType) {
        TensorProto.DataType dt = TensorProto.DataType.forNumber(dataType);
        return dt == null ? "unknown type " + dataType : dt.name();
    }

    /**
     * The values of a FLOAT tensor, from {@code raw_data} (little-endian) or {@code float_data}.
     *
     * @throws McgtException BAD_WEIGHTS when the type is not FLOAT, the data is external, or the data length
     *                       does not match the dimensions
     */
    static float[] floats(TensorProto t) {
        if (t.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
            throw McgtException.badWeights(label(t) + " has data type " + typeName(t.getDataType())
                    + "; only FLOAT tensors are supported");
        }
        checkLocation(t);
        int n = elementCount(t);
        if (t.hasRawData()) {
            long bytes = t.getRawData().size();
            if (bytes != 4L * n) {
                throw McgtException.badWeights(label(t) + " has " + bytes + " bytes of raw_data, its shape " + shape(t)
                        + " needs " + 4L * n);
            }
            float[] v = new float[n];
            t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
            return v;
        }
        if (t.getFloatDataCount() != n) {
            throw McgtException.badWeights(label(t) + " holds " + t.getFloatDataCount() + " float_data values, its shape "
                    + shape(t) + " needs " + n);
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = t.getFloatData(i);
        return v;
    }

    /**
     * The values of an INT64 or INT32 tensor (shape constants), from {@code raw_data} or the typed field.
     *
     * @throws McgtException BAD_WEIGHTS for another type or a length mismatch
     */
    static long[] ints(TensorProto t) {
        int type = t.getDataType();
        boolean i64 = type == TensorProto.DataType.INT64_VALUE;
        if (!i64 && type != TensorProto.DataType.INT32_VALUE) {
            throw McgtException.badWeights(label(t) + " has data type " + typeName(type) + ", expected INT64 or INT32");
        }
        checkLocation(t);
        int n = elementCount(t);
        int width = i64 ? 8 : 4;
        if (t.hasRawData()) {
            long bytes = t.getRawData().size();
            if (bytes != (long) width * n) {
                throw McgtException.badWeights(label(t) + " has " + bytes + " bytes of raw_data, its shape " + shape(t)
                        + " needs " + (long) width * n);
            }
            ByteBuffer buf = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            long[] v = new long[n];
            for (int i = 0; i < n; i++) v[i] = i64 ? buf.getLong() : buf.getInt();
            return v;
        }
        int have = i64 ? t.getInt64DataCount() : t.getInt32DataCount();
        if (have != n) {
            throw McgtException.badWeights(label(t) + " holds " + have + " values, its shape " + shape(t) + " needs " + n);
        }
        long[] v = new long[n];
        for (int i = 0; i < n; i++) v[i] = i64 ? t.getInt64Data(i) : t.getInt32Data(i);
        return v;
    }

    private static void checkLocation(TensorProto t) {
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            throw McgtException.badWeights(label(t) + " keeps its data in an external file, which is not supported");
        }
    }
}
