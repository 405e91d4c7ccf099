package dev.mcgt.runtime;

/**
 * Estimated energy of one inference: Σ operations × energy per operation + Σ bytes moved × energy
 * per byte. An <b>estimate</b> from published 45 nm figures, not a measurement.
 *
 * <p>Source of every constant: M. Horowitz, "Computing's energy problem (and what we can do about it)",
 * ISSCC 2014, 45 nm, 0.9 V: 8-bit integer multiply 0.2 pJ, 32-bit integer add 0.1 pJ, 32-bit float multiply
 * 3.7 pJ, 32-bit float add 0.9 pJ; a 64-bit read costs 10 pJ from an 8 KB SRAM, 100 pJ from a 1 MB SRAM and
 * 1.3–2.6 nJ from DRAM (per byte below: divided by 8, DRAM at the low end).
 *
 * <p>Accounting used by the forward pass: every int8 multiply-accumulate (GEMMs, attention scores) costs one
 * 8-bit multiply and one 32-bit add; f32 multiplies and adds (scales, norms, softmax, GELU, value mixing,
 * residuals) are counted separately; weight and KV-cache traffic is charged at the 1 MB SRAM rate (steady
 * state: the model and the stream's cache resident in the on-chip cache hierarchy). Activations living in
 * small per-thread buffers are not charged.
 */
public final class EnergyModel {
    /** 8-bit integer multiply, pJ (Horowitz 2014). */
    public static final double INT8_MULTIPLY_PJ = 0.2;
    /** 32-bit integer add, pJ (Horowitz 2014). */
    public static final double INT32_ADD_PJ = 0.1;
    /** 32-bit float multiply, pJ (Horowitz 2014). */
    public static final double F32_MULTIPLY_PJ = 3.7;
    /** 32-bit float add, pJ (Horowitz 2014). */
    public static final double F32_ADD_PJ = 0.9;
    /** 8 KB SRAM, per byte: 10 pJ per 64-bit read / 8 (Horowitz 2014). */
    public static final double SRAM_8KB_PJ_PER_BYTE = 10.0 / 8.0;
    /** 1 MB SRAM, per byte: 100 pJ per 64-bit read / 8 (Horowitz 2014). */
    public static final double SRAM_1MB_PJ_PER_BYTE = 100.0 / 8.0;
    /** DRAM, per byte: 1.3 nJ per 64-bit read / 8, the low end of Horowitz 2014's range. */
    public static final double DRAM_PJ_PER_BYTE = 1300.0 / 8.0;

    /** Energy of one int8 multiply-accumulate (multiply + 32-bit accumulate). */
    public static final double INT8_MAC_PJ = INT8_MULTIPLY_PJ + INT32_ADD_PJ;

    private EnergyModel() { }

    /**
     * Estimated picojoules.
     *
     * @param int8Macs    int8 multiply-accumulates
     * @param f32Mults    f32 multiplies
     * @param f32Adds     f32 adds
     * @param cachedBytes bytes read or written at the 1 MB SRAM rate (weights, KV cache)
     */
    public static double estimatePicojoules(long int8Macs, long f32Mults, long f32Adds, long cachedBytes) {
        return int8Macs * INT8_MAC_PJ + f32Mults * F32_MULTIPLY_PJ + f32Adds * F32_ADD_PJ
                + cachedBytes * SRAM_1MB_PJ_PER_BYTE;
    }

    /** The estimate for the work recorded in {@code stats}. */
    public static double estimatePicojoules(InferStats stats) {
        return estimatePicojoules(stats.macs(), stats.floatMultiplies(), stats.floatAdds(),
                stats.weightBytesRead() + stats.kvBytesRead() + stats.kvBytesWritten());
    }
}
