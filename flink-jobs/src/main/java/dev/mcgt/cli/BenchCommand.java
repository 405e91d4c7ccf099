package dev.mcgt.cli;

import dev.mcgt.coherence.CalibrationMix;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcgt.runtime.GatedTransformer;
import dev.mcgt.runtime.InferStats;
import dev.mcgt.runtime.RuntimeOptions;
import java.util.concurrent.Callable;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mcgt bench}: a warmed-up, single-threaded, in-process latency measurement of one tier or of a workload
 * mix on one stream, printed as one JSON object ({@code p50Us, p99Us, meanUs, qps, macsPerInference,
 * estimatedEnergyMj, kernel} and the run's parameters).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure inference latency (one thread, one stream, after a warm-up) for one tier or a "
                + "workload mix, and print one JSON object: p50Us, p99Us, meanUs, qps, macsPerInference, "
                + "estimatedEnergyMj (per inference, an estimate) and kernel.", "",
                "--tier 3 is a cache hit. --mix SKIP/T1/T0 gives percentages; the skips are half cache hits, half "
                + "cheap scorer; the calls come in a fixed pseudo-random order.", ""})
final class BenchCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin ModelOptions source;

    @Option(names = "--tier", paramLabel = "0|1|2|3", description = "Run only this tier (3 = cache hit).")
    Integer tier;

    @Option(names = "--mix", paramLabel = "SKIP/T1/T0", description = "Workload mix in percent, e.g. 40/40/20.")
    String mix;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "5",
            description = "Measured time in seconds (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--warmup-seconds", paramLabel = "S", defaultValue = "2",
            description = "Warm-up time in seconds (default: ${DEFAULT-VALUE}).")
    double warmupSeconds;

    @Option(names = "--tokens", paramLabel = "N", description = "Tokens per chunk (default: the model's seqLenMax).")
    Integer tokens;

    @Option(names = "--policy", paramLabel = "NAME|FILE", defaultValue = "default",
            description = "default, conservative, permissive or a policy .json file (default: ${DEFAULT-VALUE}).")
    String policy;

    @Override
    public Integer call() {
        BenchWorkload.Kind[] schedule = schedule();
        if (!(seconds > 0) || Double.isInfinite(seconds)) throw Usage.error(spec, "--seconds must be positive");
        if (!(warmupSeconds >= 0) || Double.isInfinite(warmupSeconds)) {
            throw Usage.error(spec, "--warmup-seconds cannot be negative");
        }
        ModelOptions.Weights w = source.load(spec);
        int seqLenMax = w.weights().config().seqLenMax();
        int n = tokens == null ? seqLenMax : tokens;
        if (n < 1 || n > seqLenMax) throw Usage.error(spec, "--tokens must be in 1.." + seqLenMax + ", got " + n);
        GatedTransformer model = new GatedTransformer(w.weights(), PolicyResolver.resolve(spec, policy),
                RuntimeOptions.defaults());
        BenchWorkload work = new BenchWorkload(model, n);
        work.prime(schedule);

        int i = 0;
        long warmEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
        while (System.nanoTime() < warmEnd) work.run(schedule[i++ % schedule.length]);

        Histogram latency = new Histogram(3);
        long calls = 0;
        long totalNs = 0;
        long macs = 0;
        double picojoules = 0;
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long t1;
        do {
            BenchWorkload.Kind k = schedule[i++ % schedule.length];
            long t0 = System.nanoTime();
            InferStats s = work.run(k);
            t1 = System.nanoTime();
            latency.recordValue(t1 - t0);
            totalNs += t1 - t0;
            calls++;
            macs += s.macs();
            picojoules += s.estimatedEnergyPicojoules();
        } while (t1 < end);
        double elapsed = (t1 - start) / 1e9;

        ObjectNode o = Json.object();
        o.put("p50Us", round2(latency.getValueAtPercentile(50) / 1e3));
        o.put("p99Us", round2(latency.getValueAtPercentile(99) / 1e3));
        o.put("meanUs", round2(totalNs / 1e3 / calls));
        o.put("qps", Math.round(calls / elapsed * 10) / 10.0);
        o.put("macsPerInference", Math.round((double) macs / calls));
        o.put("estimatedEnergyMj", picojoules / calls * 1e-9);
        o.put("kernel", model.kernels().name());
        o.put("model", w.label());
        o.put("workload", tier != null ? "tier " + tier : "mix " + mix);
        o.put("tokens", n);
        o.put("calls", calls);
        o.put("seconds", Math.round(elapsed * 1000) / 1000.0);
        o.put("warmupSeconds", warmupSeconds);
        spec.commandLine().getOut().println(Json.pretty(o));
        return 0;
    }

    private BenchWorkload.Kind[] schedule() {
        if ((tier == null) == (mix == null)) throw Usage.error(spec, "give exactly one of --tier and --mix");
        if (tier != null) {
            if (tier < 0 || tier > 3) throw Usage.error(spec, "--tier must be 0, 1, 2 or 3, got " + tier);
            return BenchWorkload.tier(tier);
        }
        CalibrationMix m = Usage.fromOptions(spec, () -> CalibrationMix.parse(mix));
        if (!whole(m.skip()) || !whole(m.tier1()) || !whole(m.tier0())) {
            throw Usage.error(spec, "--mix percentages must be whole numbers (the mix is 100 calls), got '" + mix + "'");
        }
        int[] p = {(int) m.skip(), (int) m.tier1(), (int) m.tier0()};
        return BenchWorkload.mix(p[0], p[1], p[2]);
    }

    private static boolean whole(double v) {
        return v == Math.rint(v);
    }

    private static double round2(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
