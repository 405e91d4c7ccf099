package dev.mcgt.kernel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The processor this JVM runs on, as reports and logs print it next to every figure: the model name from
 * {@code /proc/cpuinfo} on Linux (else the JVM's os.arch), and the instruction sets the kernel ladder cares about.
 */
public final class CpuInfo {
    private static volatile String model;

    private CpuInfo() { }

    /** The CPU's model name, e.g. "AMD EPYC 9R14 96-Core Processor", or the architecture when unknown. */
    public static String modelName() {
        String m = model;
        if (m != null) return m;
        m = System.getProperty("os.arch", "unknown");
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8);
            for (String line : lines) {
                if (line.startsWith("model name")) {
                    int colon = line.indexOf(':');
                    if (colon > 0) {
                        m = line.substring(colon + 1).trim();
                        break;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or /proc not readable: keep the architecture
        }
        model = m;
        return m;
    }

    /**
     * The instruction sets of the native ladder this CPU reports (AMX-INT8, AVX-512 VNNI, AVX-VNNI, AVX2), or a
     * note that they are unknown because the native library is not loaded.
     */
    public static String isaSummary() {
        if (NativeLibrary.load() != null) return "instruction sets unknown: native library not loaded";
        int f = NativeKernels.nFeatures();
        StringBuilder b = new StringBuilder();
        if ((f & 1) != 0) b.append("AVX2");
        if ((f & (1 << 1)) != 0) b.append(", AVX-VNNI");
        if ((f & (1 << 2)) != 0) b.append(", AVX-512");
        if ((f & (1 << 3)) != 0) b.append(", AVX-512 VNNI");
        if ((f & (1 << 4)) != 0) b.append(", AMX-INT8");
        return b.length() == 0 ? "no AVX2" : b.toString();
    }

    /** Model name and instruction sets on one line. */
    public static String summary() {
        return modelName() + ": " + isaSummary();
    }
}
