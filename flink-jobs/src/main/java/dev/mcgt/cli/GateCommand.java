package dev.mcgt.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcgt.config.GatePolicy;
import dev.mcgt.gate.GateController;
import dev.mcgt.gate.TierDecision;
import dev.mcgt.gate.TierSizes;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mcgt gate}: the gate controller's decision for one packet given as options, or for every line of a
 * JSON-lines file. Prints one JSON object per packet with {@code decision, reason, tier, layersToRun,
 * effectiveSeqLen, effectiveWindow, skip}.
 */
@Command(name = "gate", mixinStandardHelpOptions = true,
        description = {"Print the gate's decision for a gate packet (and an optional spike packet) as one JSON line: "
                + "decision, reason, tier, layersToRun, effectiveSeqLen, effectiveWindow, skip.", "",
                "With --batch, read JSON lines with the keys lambda, lambdaPrev, boundaryEdges, "
                + "boundaryConcentrationQ15, partitionCount, flags and an optional spike object {fired, rateQ15, "
                + "noveltyQ15}; missing keys are 0 (lambdaPrev defaults to lambda, fired to 1). A bad line is "
                + "reported on stderr with its number and skipped; the exit code is then 1.", ""})
final class GateCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--preset", paramLabel = "NAME", defaultValue = "micro",
            description = "Model whose tier sizes apply: micro or baseline (default: ${DEFAULT-VALUE}).")
    String preset;

    @Option(names = "--policy", paramLabel = "NAME|FILE", defaultValue = "default",
            description = "default, conservative, permissive or a policy .json file (default: ${DEFAULT-VALUE}).")
    String policy;

    @Option(names = "--batch", paramLabel = "IN.jsonl",
            description = "Read packets from a JSON-lines file ('-' for stdin).")
    Path batch;

    @Mixin GatePacketOptions packet;

    @Override
    public Integer call() throws Exception {
        TierSizes sizes = TierSizes.of(ConfigResolver.preset(spec, preset));
        if (batch != null && packet.anyGiven()) {
            throw Usage.error(spec, "--batch cannot be combined with packet options");
        }
        GatePolicy p = PolicyResolver.resolve(spec, policy);
        GateController controller = new GateController(p, sizes);
        PrintWriter out = spec.commandLine().getOut();
        if (batch != null) {
            return new GateBatch(controller, out, spec.commandLine().getErr()).run(batch);
        }
        out.println(Json.line(toJson(controller.evaluate(packet.gate(spec), packet.spike(spec)))));
        return 0;
    }

    /** The contract's output object, keys in contract order. */
    static ObjectNode toJson(TierDecision d) {
        ObjectNode o = Json.object();
        o.put("decision", d.decision().name());
        o.put("reason", d.reason().name());
        o.put("tier", d.tier());
        o.put("layersToRun", d.layersToRun());
        o.put("effectiveSeqLen", d.effectiveSeqLen());
        o.put("effectiveWindow", d.effectiveWindow());
        o.put("skip", d.skip());
        return o;
    }
}
