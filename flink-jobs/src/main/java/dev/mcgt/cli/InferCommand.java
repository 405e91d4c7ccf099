package dev.mcgt.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcgt.McgtException;
import dev.mcgt.gate.SpikePacket;
import dev.mcgt.runtime.GatedTransformer;
import dev.mcgt.runtime.InferInput;
import dev.mcgt.runtime.InferOutput;
import dev.mcgt.runtime.RuntimeOptions;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mcgt infer}: one gated inference of a token chunk on a fresh stream state; prints one JSON object with
 * the model, the kernel, the witness, the stats and the first values of the output (logits for decoders, the
 * pooled embedding for encoders).
 */
@Command(name = "infer", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run one gated inference on a fresh stream and print one JSON object: model, kernel, witness, "
                + "stats and the first output values (\"logits\" for decoders, \"embedding\" for encoders). Without "
                + "gate options the packet is coherent (λ = λprev = 100) and the full tier runs.", ""})
final class InferCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin ModelOptions source;

    @Option(names = "--tokens", paramLabel = "IDS", split = ",", required = true,
            description = "Token ids of the chunk, comma-separated (e.g. 1,2,3).")
    int[] tokens;

    @Option(names = "--signature", paramLabel = "N", converter = SignatureConverter.class,
            description = "Input signature (u64, decimal or 0x hex); default: FNV-1a of the tokens.")
    Long signature;

    @Option(names = "--policy", paramLabel = "NAME|FILE", defaultValue = "default",
            description = "default, conservative, permissive or a policy .json file (default: ${DEFAULT-VALUE}).")
    String policy;

    @Option(names = "--logits", paramLabel = "N", defaultValue = "8",
            description = "How many output values to print (default: ${DEFAULT-VALUE}).")
    int logits;

    @Mixin GatePacketOptions packet;

    @Option(names = "--spike-top", paramLabel = "POS:W", split = ",",
            description = "Spike top-k positions with Q15 weights, e.g. 3:16384,7:8192 (at most 16).")
    List<String> spikeTop;

    @Option(names = "--spike-sparse-mask", description = "Make the spike top-k positions always-visible keys.")
    boolean sparseMask;

    @Override
    public Integer call() {
        if (logits < 0) throw Usage.error(spec, "--logits cannot be negative");
        ModelOptions.Weights w = source.load(spec);
        InferInput in = InferInput.of(tokens, packet.gate(spec)).withSpikes(spikes());
        if (signature != null) in = in.withSignature(signature);
        GatedTransformer model = new GatedTransformer(w.weights(), PolicyResolver.resolve(spec, policy),
                RuntimeOptions.defaults());
        InferOutput out = model.newOutput();
        try {
            model.infer(in, model.newState(), model.newBuffers(), out);
        } catch (McgtException e) {
            if (e.kind() == McgtException.Kind.BAD_INPUT) throw Usage.error(spec, e.detail());
            throw e;
        }
        ObjectNode o = Json.object();
        o.put("model", w.label());
        o.put("kernel", model.kernels().name());
        o.put("tokens", tokens.length);
        o.set("witness", RuntimeJson.witness(out.witness()));
        o.set("stats", RuntimeJson.stats(out.stats()));
        ArrayNode values = o.putArray(model.config().isEncoder() ? "embedding" : "logits");
        float[] output = out.output();
        for (int i = 0; i < Math.min(logits, output.length); i++) values.add(output[i]);
        spec.commandLine().getOut().println(Json.pretty(o));
        return 0;
    }

    private SpikePacket spikes() {
        int n = spikeTop == null ? 0 : spikeTop.size();
        int[] idx = new int[n];
        int[] weights = new int[n];
        for (int i = 0; i < n; i++) {
            String item = spikeTop.get(i);
            int colon = item.indexOf(':');
            try {
                if (colon < 0) throw new NumberFormatException();
                idx[i] = Integer.parseInt(item.substring(0, colon).trim());
                weights[i] = Integer.parseInt(item.substring(colon + 1).trim());
            } catch (NumberFormatException e) {
                throw Usage.error(spec, "--spike-top expects POS:WEIGHT pairs, got '" + item + "'");
            }
        }
        return packet.spike(spec, idx, weights, sparseMask ? SpikePacket.FLAG_SPARSE_MASK : 0);
    }

    /** Unsigned 64-bit signature, decimal or 0x-prefixed hex. */
    static final class SignatureConverter implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            String v = value.trim();
            if (v.startsWith("0x") || v.startsWith("0X")) return Long.parseUnsignedLong(v.substring(2), 16);
            return Long.parseUnsignedLong(v);
        }
    }
}
