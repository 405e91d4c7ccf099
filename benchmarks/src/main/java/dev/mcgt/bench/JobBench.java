package dev.mcgt.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcgt.cli.EmbeddedFlink;
import dev.mcgt.cli.ScoreOptions;
import dev.mcgt.job.ChunkScoring;
import dev.mcgt.job.DocumentScoringJob;
import dev.mcgt.job.JobProgress;
import dev.mcgt.job.JobSettings;
import dev.mcgt.job.RunSummary;
import dev.mcgt.kernel.KernelProvider;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * One run of the document scoring job for {@code scripts/bench-job.sh}: our job or the ONNX Runtime peer
 * ({@link OrtPeerScoring}) on the same graph ({@link DocumentScoringJob#build} with another chunk-scoring step),
 * on the embedded Flink of {@code mcgt score}, with {@code mcgt score}'s options. Writes one JSON object: wall
 * time, start-up (submit to the first chunk scored; of it, the embedded cluster's start until the job was
 * accepted), steady-state docs/s and chunks/s (from the end of the 100 ms
 * bucket in which the first 1 % of the documents finished to the last chunk, {@link JobProgress#steadyState}),
 * process CPU seconds over the run, peak heap in use (sampled every 100 ms) and peak RSS of the JVM (embedded
 * Flink: the JobManager and the one TaskManager are this process), and the run summary (documents, chunks, tier
 * mix, MACs).
 *
 * <p>Usage: {@code JobBench ENGINE RESULT.json <mcgt score options>}, ENGINE = {@code mcgt} (the options' gate
 * and policy), {@code ort-int8} or {@code ort-fp32}.
 */
public final class JobBench {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JobBench() { }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: JobBench mcgt|ort-int8|ort-fp32 RESULT.json <mcgt score options>");
            System.exit(2);
        }
        String engine = args[0];
        Path result = Path.of(args[1]);
        ScoreOptions options = ScoreOptions.parse(Arrays.copyOfRange(args, 2, args.length));
        JobSettings settings = options.resolve();
        ChunkScoring step = switch (engine) {
            case "mcgt" -> DocumentScoringJob.gated(settings.scoring());
            case "ort-int8" -> OrtPeerScoring.step(false);
            case "ort-fp32" -> OrtPeerScoring.step(true);
            default -> throw new IllegalArgumentException("engine must be mcgt, ort-int8 or ort-fp32, got " + engine);
        };
        if (Files.exists(Path.of(settings.output(), DocumentScoringJob.SCORES))) {
            throw new IllegalArgumentException("output " + settings.output() + " already holds results");
        }
        int parallelism = options.parallelism() != null ? options.parallelism()
                : Runtime.getRuntime().availableProcessors();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        var memory = ManagementFactory.getMemoryMXBean();
        ObjectNode o = JSON.createObjectNode();
        try (EmbeddedFlink flink = EmbeddedFlink.create()) {
            StreamExecutionEnvironment env = flink.environment(options.flinkConfiguration(settings, true), parallelism);
            long cpu0 = os.getProcessCpuTime();
            long submit = System.currentTimeMillis();
            DocumentScoringJob.build(env, settings, step, submit);
            JobClient client = env.executeAsync(options.jobName());
            long submitted = System.currentTimeMillis() - submit;   // the embedded cluster started, the job accepted
            long peakHeap = 0;
            JobExecutionResult done;
            while (true) {
                peakHeap = Math.max(peakHeap, memory.getHeapMemoryUsage().getUsed());
                try {
                    done = client.getJobExecutionResult().get(100, TimeUnit.MILLISECONDS);
                    break;
                } catch (TimeoutException e) {
                    // still running
                }
            }
            long wallMs = System.currentTimeMillis() - submit;
            double cpuSeconds = (os.getProcessCpuTime() - cpu0) / 1e9;
            JobProgress p = JobProgress.of(done.getAllAccumulatorResults());
            RunSummary s = RunSummary.read(Path.of(settings.output()));
            JobProgress.SteadyState steady = p.steadyState((int) Math.max(1, Math.ceil(s.documents() / 100.0)));
            o.put("engine", engine.equals("mcgt") ? (settings.scoring().gate() ? "mcgt gate on" : "mcgt gate off")
                            : engine.equals("ort-int8") ? "ONNX Runtime INT8" : "ONNX Runtime fp32")
                    .put("policy", engine.equals("mcgt") && settings.scoring().gate() ? policyName(args) : null)
                    .put("kernel", engine.equals("mcgt") ? KernelProvider.get().name() : "onnxruntime")
                    .put("mode", settings.streaming() ? "streaming" : "batch").put("parallelism", parallelism)
                    .put("output", settings.output()).put("documents", s.documents()).put("chunks", s.chunks())
                    .put("rejects", s.rejects()).put("wallSeconds", wallMs / 1000.0)
                    .put("startupSeconds", p.firstChunkMillis() / 1000.0)
                    .put("clusterStartSeconds", submitted / 1000.0)
                    .put("steadyDocsPerSecond", steady == null ? Double.NaN : steady.docsPerSecond())
                    .put("steadyChunksPerSecond", steady == null ? Double.NaN : steady.chunksPerSecond())
                    .put("steadySeconds", steady == null ? Double.NaN : steady.seconds())
                    .put("cpuSeconds", cpuSeconds).put("peakHeapMiB", peakHeap / 1048576.0)
                    .put("peakRssMiB", peakRssKiB() / 1024.0).put("macs", s.macs()).put("ungatedMacs", s.ungatedMacs())
                    .put("macRatio", s.macRatio());
            var tiers = o.putArray("tiers");
            for (long t : s.tiers()) tiers.add(t);
        }
        Files.writeString(result, o.toString() + "\n");
        System.err.println("JobBench: " + o);
    }

    private static String policyName(String[] args) {
        for (int i = 0; i + 1 < args.length; i++) if (args[i].equals("--policy")) return Path.of(args[i + 1]).getFileName().toString();
        return "default";
    }

    /** VmHWM of /proc/self/status (peak resident set), or −1 where there is none. */
    static long peakRssKiB() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("VmHWM:")) return Long.parseLong(l.replaceAll("[^0-9]", ""));
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
