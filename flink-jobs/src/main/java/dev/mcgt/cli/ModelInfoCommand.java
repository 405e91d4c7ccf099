package dev.mcgt.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcgt.config.TransformerConfig;
import dev.mcgt.model.ModelFile;
import dev.mcgt.model.ModelInfo;
import dev.mcgt.model.RuntimeMemory;
import dev.mcgt.model.TensorInfo;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mcgt model info FILE}: verifies a model file and prints its config, tensors, sizes and fingerprint. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Verify a native model file (checksum included) and print its config, pooling, memory, "
                + "tensors, sizes and fingerprint as JSON.")
final class ModelInfoCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The model file (.mcgt).")
    Path file;

    @Override
    public Integer call() {
        ModelInfo info = ModelFile.info(file);
        spec.commandLine().getOut().println(Json.pretty(toJson(file, info)));
        return 0;
    }

    /**
     * file, formatVersion, fingerprint, totalBytes, tensorBytes, parameters, tokenizerBytes, layers, positions,
     * seqLenMax, pooling and normalize (encoders), memory (the weights as loaded, and what one document stream's
     * KV cache and one inference thread's scratch add), config, tensors.
     */
    static ObjectNode toJson(Path file, ModelInfo info) {
        ObjectNode o = Json.object();
        o.put("file", file.toString());
        o.put("formatVersion", info.formatVersion());
        o.put("fingerprint", info.fingerprint());
        o.put("totalBytes", info.totalBytes());
        o.put("tensorBytes", info.tensorBytes());
        long params = 0;
        for (TensorInfo t : info.tensors()) {
            long n = 1;
            for (int dim : t.shape()) n *= dim;
            params += n;
        }
        o.put("parameters", params);
        if (info.tokenizerBytes() < 0) {
            o.putNull("tokenizerBytes");
        } else {
            o.put("tokenizerBytes", info.tokenizerBytes());
        }
        TransformerConfig c = info.config();
        o.put("layers", c.layers());
        o.put("positions", c.maxPositions());
        o.put("seqLenMax", c.seqLenMax());
        if (c.isEncoder()) {
            o.put("pooling", info.pooling().modeName());
            o.put("normalize", info.pooling().normalize());
        }
        ObjectNode mem = o.putObject("memory");
        RuntimeMemory rm = RuntimeMemory.of(c);
        long loaded = info.tensorBytes() + Math.max(0, info.tokenizerBytes());
        mem.put("weightsBytes", loaded);
        mem.put("kvCacheBytesPerStream", rm.kvCacheBytesPerStream());
        mem.put("scratchBytesPerThread", rm.scratchBytesPerThread());
        mem.put("oneStreamOneThreadMiB", Math.round((loaded + rm.kvCacheBytesPerStream() + rm.scratchBytesPerThread())
                / 1048576.0 * 10) / 10.0);
        o.set("config", Json.tree(c));
        ArrayNode tensors = o.putArray("tensors");
        for (TensorInfo t : info.tensors()) {
            ObjectNode n = tensors.addObject();
            n.put("name", t.name());
            n.put("type", t.type());
            ArrayNode shape = n.putArray("shape");
            t.shape().forEach(shape::add);
            n.put("bias", t.hasBias());
            n.put("bytes", t.bytes());
        }
        return o;
    }
}
