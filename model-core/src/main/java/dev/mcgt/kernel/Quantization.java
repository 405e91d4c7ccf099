package dev.mcgt.kernel;

/**
 * The one definition of INT8 rounding and per-row symmetric quantization, shared by every kernel so scalar and
 * vector paths agree bit for bit.
 *
 * <p>Rounding: {@code q = (int)(y + copySign(0.5f, y))} (half away from zero, computed in f32 so that a vector
 * lane does exactly the same), clamped to [-127, 127]. Per-row scale: absmax / 127 (1.0 for an all-zero row);
 * values are multiplied by {@code 127f / absmax}.
 */
public final class Quantization {
    private Quantization() { }

    /** Rounds half away from zero in f32 and clamps to the symmetric int8 range [-127, 127]. */
    public static byte roundToInt8(float y) {
        int q = (int) (y + Math.copySign(0.5f, y));
        if (q > 127) q = 127;
        if (q < -127) q = -127;
        return (byte) q;
    }

    /**
     * Scalar reference of per-row symmetric quantization: for each of {@code rows} rows of {@code cols} values,
     * absmax → scale = absmax/127 (1.0 when absmax is 0), q = roundToInt8(x · (127/absmax)).
     */
    public static void quantizeRows(float[] x, int xOff, int rows, int cols, byte[] q, int qOff, float[] scales,
                                    int sOff) {
        for (int r = 0; r < rows; r++) {
            int base = xOff + r * cols;
            float absmax = 0f;
            for (int c = 0; c < cols; c++) {
                absmax = Math.max(absmax, Math.abs(x[base + c]));
            }
            int qb = qOff + r * cols;
            if (absmax == 0f) {
                scales[sOff + r] = 1.0f;
                for (int c = 0; c < cols; c++) q[qb + c] = 0;
                continue;
            }
            float inv = 127f / absmax;
            scales[sOff + r] = absmax / 127f;
            for (int c = 0; c < cols; c++) q[qb + c] = roundToInt8(x[base + c] * inv);
        }
    }
}
