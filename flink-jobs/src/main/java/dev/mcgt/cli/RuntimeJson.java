package dev.mcgt.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcgt.runtime.InferStats;
import dev.mcgt.runtime.Witness;

/** JSON of the runtime's witness and stats, keys in a fixed order; "none" (−1) early exits are null. */
final class RuntimeJson {
    private RuntimeJson() { }

    static ObjectNode witness(Witness w) {
        ObjectNode o = Json.object();
        o.put("decision", w.decision().name());
        o.put("reason", w.reason().name());
        o.put("lambda", w.lambda());
        o.put("lambdaPrev", w.lambdaPrev());
        o.put("lambdaDelta", w.lambdaDelta());
        o.put("tier", w.tier());
        o.put("layersRun", w.layersRun());
        o.put("effectiveSeqLen", w.effectiveSeqLen());
        o.put("effectiveWindow", w.effectiveWindow());
        o.put("kvAction", w.kvAction().name());
        o.put("kvWritesEnabled", w.kvWritesEnabled());
        o.put("externalWritesEnabled", w.externalWritesEnabled());
        o.put("boundaryEdges", w.boundaryEdges());
        o.put("boundaryConcentrationQ15", w.boundaryConcentrationQ15());
        o.put("partitionCount", w.partitionCount());
        ArrayNode ids = o.putArray("topBoundaryEdgeIds");
        for (long id : w.topBoundaryEdgeIds()) ids.add(id);
        putLayer(o, "earlyExitLayer", w.earlyExitLayer());
        o.put("tokensSkipped", w.tokensSkipped());
        return o;
    }

    static ObjectNode stats(InferStats s) {
        ObjectNode o = Json.object();
        o.put("tier", s.tier());
        o.put("layersExecuted", s.layersExecuted());
        o.put("tokensComputed", s.tokensComputed());
        o.put("tokensSkipped", s.tokensSkipped());
        o.put("gemmCalls", s.gemmCalls());
        o.put("macs", s.macs());
        o.put("attentionDots", s.attentionDots());
        o.put("floatMultiplies", s.floatMultiplies());
        o.put("floatAdds", s.floatAdds());
        o.put("weightBytesRead", s.weightBytesRead());
        o.put("kvBytesRead", s.kvBytesRead());
        o.put("kvBytesWritten", s.kvBytesWritten());
        o.put("estimatedEnergyPj", s.estimatedEnergyPicojoules());
        o.put("skipped", s.skipped());
        o.put("cacheHit", s.cacheHit());
        putLayer(o, "earlyExitLayer", s.earlyExitLayer());
        return o;
    }

    private static void putLayer(ObjectNode o, String key, int layer) {
        if (layer < 0) {
            o.putNull(key);
        } else {
            o.put(key, layer);
        }
    }
}
