package dev.mcgt.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The machine a run was measured on, captured when the run starts ({@code env.json} in the results folder):
 * CPU model and logical cores (from {@code /proc/cpuinfo}), operating system and kernel release, JDK, date,
 * and the report mode ({@code quick} or {@code full}).
 *
 * @param cpu    CPU model name
 * @param cores  logical CPUs the JVM sees
 * @param os     e.g. {@code Linux 6.1.0 (amd64)}
 * @param jdk    e.g. {@code 17.0.15 (OpenJDK 64-Bit Server VM)}
 * @param date   UTC time of the run, {@code yyyy-MM-dd HH:mm 'UTC'}
 * @param mode   quick, full, or what the caller said
 * @param load   the 1-minute load average when the run started (NaN when unknown): on a shared machine, a load
 *               above the core count means the benchmarks shared their cores with other work
 * @param isa    the instruction sets of the kernel ladder this CPU reports (AVX2, AVX-VNNI, AVX-512 VNNI,
 *               AMX-INT8), empty when unknown
 * @param kernel the kernel {@code mcgt.kernel=auto} picks on this machine (the benchmarks' default), empty when
 *               unknown
 */
public record RunEnv(String cpu, int cores, String os, String jdk, String date, String mode, double load,
                     String isa, String kernel) {

    /** A run environment recorded before instruction sets and kernel were part of it. */
    public RunEnv(String cpu, int cores, String os, String jdk, String date, String mode, double load) {
        this(cpu, cores, os, jdk, date, mode, load, "", "");
    }
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** This machine, now. */
    public static RunEnv capture(String mode) {
        return new RunEnv(cpuModel(Path.of("/proc/cpuinfo")), Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " ("
                        + System.getProperty("os.arch") + ")",
                System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")",
                ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")),
                mode, loadAverage(Path.of("/proc/loadavg")), dev.mcgt.kernel.CpuInfo.isaSummary(), autoKernel());
    }

    /** The name of the kernel the product picks here (run without the vector module, so native or scalar). */
    private static String autoKernel() {
        try {
            return dev.mcgt.kernel.KernelProvider.get().name();
        } catch (RuntimeException e) {
            return "";
        }
    }

    /** The first field of /proc/loadavg, NaN when it cannot be read. */
    static double loadAverage(Path loadavg) {
        try {
            return Double.parseDouble(Files.readString(loadavg).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** The first {@code model name} of a cpuinfo file, "unknown CPU" when there is none. */
    static String cpuModel(Path cpuinfo) {
        try {
            List<String> lines = Files.readAllLines(cpuinfo);
            return cpuModel(lines);
        } catch (IOException | RuntimeException e) {
            return "unknown CPU";
        }
    }

    static String cpuModel(List<String> cpuinfoLines) {
        for (String l : cpuinfoLines) {
            int colon = l.indexOf(':');
            if (colon > 0 && l.substring(0, colon).trim().equals("model name")) return l.substring(colon + 1).trim();
        }
        return "unknown CPU";
    }

    /** e.g. {@code AMD EPYC, 2 cores, Linux 6.1 (amd64), load average 3.2 at start}. */
    public String machine() {
        return cpu + (isa.isEmpty() ? "" : " (" + isa + ")") + ", " + cores + (cores == 1 ? " core, " : " cores, ") + os
                + (Double.isNaN(load) ? "" : ", load average " + Fmt.num(load) + " at start")
                + (kernel.isEmpty() ? "" : ", default kernel " + kernel);
    }

    public void write(Path file) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpu", cpu);
        m.put("cores", cores);
        m.put("os", os);
        m.put("jdk", jdk);
        m.put("date", date);
        m.put("mode", mode);
        m.put("loadAverage", Double.isNaN(load) ? null : load);
        m.put("isa", isa);
        m.put("kernel", kernel);
        Files.createDirectories(file.toAbsolutePath().getParent());
        JSON.writeValue(file.toFile(), m);
    }

    public static RunEnv read(Path file) throws IOException {
        JsonNode n = JSON.readTree(file.toFile());
        return new RunEnv(n.path("cpu").asText("unknown CPU"), n.path("cores").asInt(0), n.path("os").asText(""),
                n.path("jdk").asText(""), n.path("date").asText(""), n.path("mode").asText(""),
                n.path("loadAverage").isNumber() ? n.path("loadAverage").asDouble() : Double.NaN,
                n.path("isa").asText(""), n.path("kernel").asText(""));
    }
}
