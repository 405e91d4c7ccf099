package dev.mcgt.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcgt.McgtException;
import dev.mcgt.StrictJson;
import dev.mcgt.gate.GateController;
import dev.mcgt.gate.GatePacket;
import dev.mcgt.gate.SpikePacket;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Set;

/**
 * {@code mcgt gate --batch}: one decision line per input line. A bad line gives one stderr line with its number
 * and no output line; processing continues and the exit code is 1 at the end. Blank lines are ignored.
 */
final class GateBatch {
    private static final Set<String> GATE_KEYS = Set.of("lambda", "lambdaPrev", "boundaryEdges",
            "boundaryConcentrationQ15", "partitionCount", "flags", "spike");
    private static final Set<String> SPIKE_KEYS = Set.of("fired", "rateQ15", "noveltyQ15");

    private final GateController controller;
    private final PrintWriter out;
    private final PrintWriter err;

    GateBatch(GateController controller, PrintWriter out, PrintWriter err) {
        this.controller = controller;
        this.out = out;
        this.err = err;
    }

    /** @return 0 when every line was good, else 1 */
    int run(Path input) throws IOException {
        boolean stdin = input.toString().equals("-");
        String name = stdin ? "stdin" : input.toString();
        int bad = 0;
        try (BufferedReader r = stdin
                ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                : Files.newBufferedReader(input, StandardCharsets.UTF_8)) {
            String line;
            long number = 0;
            while ((line = r.readLine()) != null) {
                number++;
                if (line.isBlank()) continue;
                try {
                    JsonNode node = strict(line);
                    out.println(Json.line(GateCommand.toJson(controller.evaluate(gate(node), spike(node)))));
                } catch (McgtException e) {
                    bad++;
                    err.println("mcgt: " + name + " line " + number + ": " + e.detail());
                }
            }
        } catch (NoSuchFileException e) {
            throw McgtException.badInput("cannot read batch file '" + input + "': no such file");
        }
        out.flush();
        err.flush();
        return bad == 0 ? 0 : Main.EXIT_FAILURE;
    }

    /** One line as JSON, read as all input is ({@link StrictJson}: one value, nothing after it, no repeated key). */
    private static JsonNode strict(String line) {
        try {
            return StrictJson.read(line);
        } catch (McgtException e) {
            throw McgtException.badInput("not valid JSON: " + e.detail());
        }
    }

    /** The gate packet of one line (keys as the contract; missing ones 0, lambdaPrev defaults to lambda). */
    static GatePacket gate(JsonNode node) {
        if (node == null || !node.isObject()) throw McgtException.badInput("a line must be a JSON object");
        checkKeys(node, GATE_KEYS, "");
        long lambda = number(node, "lambda", 0);
        long prev = number(node, "lambdaPrev", lambda);
        return new GatePacket(lambda, prev, (int) number(node, "boundaryEdges", 0),
                (int) number(node, "boundaryConcentrationQ15", 0), (int) number(node, "partitionCount", 0),
                (int) number(node, "flags", 0));
    }

    /** The optional spike packet of one line, or null. */
    static SpikePacket spike(JsonNode node) {
        JsonNode s = node.get("spike");
        if (s == null || s.isNull()) return null;
        if (!s.isObject()) throw McgtException.badInput("'spike' must be an object");
        checkKeys(s, SPIKE_KEYS, "spike.");
        return SpikePacket.of((int) number(s, "fired", 1), (int) number(s, "rateQ15", 0),
                (int) number(s, "noveltyQ15", 0));
    }

    private static void checkKeys(JsonNode node, Set<String> allowed, String prefix) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!allowed.contains(k)) throw McgtException.badInput("unknown key '" + prefix + k + "'");
        }
    }

    /** An integral number in the range of the packet fields (checked there); absent means the default. */
    private static long number(JsonNode node, String key, long dflt) {
        JsonNode v = node.get(key);
        if (v == null) return dflt;
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw McgtException.badInput("'" + key + "' must be an integer, got " + v);
        }
        long x = v.longValue();
        if (x < Integer.MIN_VALUE || (x > Integer.MAX_VALUE && !key.startsWith("lambda"))) {
            throw McgtException.badInput("'" + key + "' is out of range: " + x);
        }
        return x;
    }
}
