package dev.mcgt.kernel;

/**
 * One weight matrix in the Vector API kernels' layout: int8 rows widened to f32 and packed as panels of
 * {@code panel} output rows ({@link VectorKernels#packPanels}), with scales and bias padded to whole panels. Built
 * once per matrix and width (the 256-bit GEMM packs 16-row panels, the 512-bit one 32) and cached on the matrix.
 */
record PanelWeights(float[] panels, float[] scales, float[] bias, int panelCount) {

    /** The packing of {@code w} cached under {@code key}, built with panels of {@code panel} rows when absent. */
    static PanelWeights of(QuantizedMatrix w, Object key, int panel) {
        Object p = w.preparedFor(key);
        if (p == null) p = w.prepare(key, m -> pack(m, panel));
        return (PanelWeights) p;
    }

    private static PanelWeights pack(QuantizedMatrix w, int panel) {
        int k = w.cols();
        int n = w.rows();
        int panels = (n + panel - 1) / panel;
        float[] wp = VectorKernels.packPanels(w.weights(), 0, k, n, k, panel,
                new float[Math.multiplyExact(panels * panel, k)]);
        float[] scales = new float[panels * panel];
        System.arraycopy(w.scales(), 0, scales, 0, n);
        float[] bias = null;
        if (w.bias() != null) {
            bias = new float[panels * panel];
            System.arraycopy(w.bias(), 0, bias, 0, n);
        }
        return new PanelWeights(wp, scales, bias, panels);
    }
}
