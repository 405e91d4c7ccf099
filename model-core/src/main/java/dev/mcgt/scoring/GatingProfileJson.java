package dev.mcgt.scoring;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcgt.McgtException;
import dev.mcgt.config.GatePolicy;
import dev.mcgt.config.PolicyJson;
import dev.mcgt.runtime.CrossChunkContext;
import dev.mcgt.runtime.TokenPruning;
import dev.mcgt.runtime.TruncatedTier;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;

/**
 * A {@link GatingProfile} as a policy file: the {@link PolicyJson} threshold fields, plus optional sections
 * (absent ones take the defaults of {@link GatingProfile#of}, so every plain policy file is a profile):
 *
 * <pre>
 * "tier1": {"variant": "truncated" | "lens" | "pruned" | "pruned+lens",
 *           "afterLayers": 1, "keepTokens": 32,            (the pruned variants: both required)
 *           "layers": 1, "tokens": 128}                    (truncated variants: optional own sizes)
 * "tier1": {"version": 2, "variant": "pruned" | "pruned+lens", "afterLayers": 1,
 *           "keepTokens": [64, 32, 16],                    (tokens left after each block from afterLayers on)
 *           "proportionalAttention": true, "mergeBy": "hidden" | "keys"}
 * "skipRule": "nearest" | "none"
 * "headCoverage": {"minCosine": 0.71}   (optional; a truncated tier 1 only: {@link HeadCoverage})
 * "crossChunkContext": "model-default" | "on" | "off"
 * "lens": {"format": "mcgt-lens", "version": 1, "modelFingerprint": "…", "source": "truncated" | "pruned",
 *          "dimension": d, "ridge": α, "pairs": n,
 *          "weights": base64 of d·d big-endian f32 (row-major), "bias": base64 of d big-endian f32}
 * "lens": {"format": "mcgt-lens", "version": 2, …, "prior": "zero" | "identity", "inputs": "vector" | "vector+sketch",
 *          "weights": base64 of d·inputs big-endian f32 (row-major, inputs = d or 2d), "bias": …}
 * </pre>
 *
 * The tier-1 section has a version: absent or 1 is the first format (one token count, plain attention, hidden-state
 * similarity: what files written before the token-merging schedule hold, read unchanged); 2 adds the schedule,
 * proportional attention and the merge metric, and is written only when one of them differs from format 1.
 *
 * <p>The lens is stored bit-exactly (base64 of the floats), versioned, with the fingerprint of the model it was
 * fitted on; a variant with a lens requires the "lens" section and one without forbids it. Reading is strict like
 * {@link PolicyJson}: unknown fields, wrong types and bad values are one BAD_CONFIG line naming the field.
 */
public final class GatingProfileJson {
    /** The lens section's format name. */
    public static final String LENS_FORMAT = "mcgt-lens";
    /** The newest lens section version (2: prior and sketch input; 1, still read and written for plain lenses). */
    public static final int LENS_VERSION = 2;
    /** The newest tier-1 section version (token-merging schedule, proportional attention, merge metric). */
    public static final int TIER1_VERSION = 2;

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private GatingProfileJson() { }

    /** The profile as a policy file's JSON (thresholds first, in record order). */
    public static String toJson(GatingProfile p) {
        try {
            ObjectNode root = (ObjectNode) MAPPER.readTree(PolicyJson.toJson(p.policy()));
            ObjectNode t = root.putObject("tier1");
            TokenPruning tp = p.pruning();
            if (tp != null && !tp.isSimple()) t.put("version", TIER1_VERSION);
            t.put("variant", p.variant().label());
            if (tp != null && tp.isSimple()) {
                t.put("afterLayers", tp.afterLayers());
                t.put("keepTokens", tp.keepTokens());
            } else if (tp != null) {
                t.put("afterLayers", tp.afterLayers());
                var a = t.putArray("keepTokens");
                for (int k : tp.schedule()) a.add(k);
                t.put("proportionalAttention", tp.proportionalAttention());
                t.put("mergeBy", tp.mergeBy().label());
            }
            if (p.truncated() != null) {
                t.put("layers", p.truncated().layers());
                t.put("tokens", p.truncated().tokens());
            }
            root.put("skipRule", p.skipRule().label());
            root.put("crossChunkContext", contextLabel(p.context()));
            if (p.lens() != null) root.set("lens", lensNode(p.lens()));
            if (p.headCoverageMin() > 0f) root.putObject("headCoverage").put("minCosine", p.headCoverageMin());
            return MAPPER.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a gating profile", e);
        }
    }

    /** Parses a policy file's JSON into a profile (its thresholds through {@link PolicyJson#fromJson}). */
    public static GatingProfile fromJson(String json) {
        GatePolicy policy = PolicyJson.fromJson(json);
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw McgtException.badConfig("policy is not valid JSON: " + e.getOriginalMessage());
        }
        GatingProfile p = GatingProfile.of(policy);
        GatingProfile.Variant variant = GatingProfile.Variant.PRUNED;
        JsonNode t = root.get("tier1");
        if (t != null) {
            if (!t.isObject()) throw McgtException.badConfig("policy field 'tier1' must be an object");
            int version = t.has("version") ? integer(t, "version", "tier1.version") : 1;
            if (version < 1 || version > TIER1_VERSION) {
                throw McgtException.badConfig("unsupported tier1 version " + version + " (this build reads 1 to " + TIER1_VERSION + ")");
            }
            only(t, "tier1", version == 1 ? Set.of("variant", "afterLayers", "keepTokens", "layers", "tokens")
                    : Set.of("version", "variant", "afterLayers", "keepTokens", "layers", "tokens", "proportionalAttention", "mergeBy"));
            variant = GatingProfile.Variant.parse(text(t, "variant", "tier1.variant"));
            if (variant.pruned()) {
                if (t.has("layers") || t.has("tokens")) {
                    throw McgtException.badConfig("policy field 'tier1': layers and tokens are for the truncated variants");
                }
                p = p.withPruning(version == 1 ? new TokenPruning(integer(t, "afterLayers", "tier1.afterLayers"),
                        integer(t, "keepTokens", "tier1.keepTokens")) : pruningV2(t));
            } else {
                if (t.has("proportionalAttention") || t.has("mergeBy")) {
                    throw McgtException.badConfig("policy field 'tier1': proportionalAttention and mergeBy are for the pruned variants");
                }
                if (t.has("afterLayers") || t.has("keepTokens")) {
                    throw McgtException.badConfig("policy field 'tier1': afterLayers and keepTokens are for the pruned variants");
                }
                p = p.withPruning(null);
                if (t.has("layers") || t.has("tokens")) {
                    p = p.withTruncated(new TruncatedTier(integer(t, "layers", "tier1.layers"), integer(t, "tokens", "tier1.tokens")));
                }
            }
        }
        JsonNode s = root.get("skipRule");
        if (s != null) {
            if (!s.isTextual()) throw McgtException.badConfig("policy field 'skipRule' must be a string");
            p = p.withSkipRule(SkipRule.parse(s.textValue()));
        }
        JsonNode c = root.get("crossChunkContext");
        if (c != null) {
            if (!c.isTextual()) throw McgtException.badConfig("policy field 'crossChunkContext' must be a string");
            p = p.withContext(parseContext(c.textValue()));
        }
        JsonNode l = root.get("lens");
        if (l != null) p = p.withLens(lens(l));
        JsonNode h = root.get("headCoverage");
        if (h != null) {
            if (!h.isObject()) throw McgtException.badConfig("policy field 'headCoverage' must be an object");
            only(h, "headCoverage", Set.of("minCosine"));
            JsonNode m = h.get("minCosine");
            if (m == null || !m.isNumber()) throw McgtException.badConfig("policy field 'headCoverage.minCosine' must be a number");
            if (p.truncated() == null) {
                throw McgtException.badConfig("policy field 'headCoverage' needs a tier1 section with layers and tokens");
            }
            p = p.withHeadCoverageMin(m.floatValue());
        }
        if (variant.usesLens() && p.lens() == null) {
            throw McgtException.badConfig("policy: tier-1 variant " + variant.label() + " needs a 'lens' section (from mcgt calibrate)");
        }
        if (!variant.usesLens() && p.lens() != null) {
            throw McgtException.badConfig("policy: tier-1 variant " + variant.label() + " takes no lens, but the file has one");
        }
        if (p.lens() != null && !p.lens().source().equals(variant.pruned() ? "pruned" : "truncated")) {
            throw McgtException.badConfig("policy: the lens maps " + p.lens().source() + " vectors, the variant is "
                    + variant.label());
        }
        return p;
    }

    /** Reads a policy file as a profile; errors name the file. */
    public static GatingProfile load(Path path) {
        return PolicyJson.loadFile(path, GatingProfileJson::fromJson);
    }

    /** Writes a profile as a policy file. */
    public static void save(GatingProfile p, Path path) {
        try {
            Files.writeString(path, toJson(p), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw McgtException.badConfig("cannot write policy file '" + path + "': " + e.getMessage());
        }
    }

    /** The file name of a cross-chunk context choice. */
    public static String contextLabel(CrossChunkContext c) {
        return c.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Parses {@link #contextLabel}. */
    public static CrossChunkContext parseContext(String s) {
        for (CrossChunkContext c : CrossChunkContext.values()) if (contextLabel(c).equals(s)) return c;
        throw McgtException.badConfig("unknown cross-chunk context '" + s + "' (expected model-default, on or off)");
    }

    /** A tier-1 section of version 2: keepTokens a number or a non-empty array of numbers. */
    private static TokenPruning pruningV2(JsonNode t) {
        JsonNode k = t.get("keepTokens");
        if (k == null) throw McgtException.badConfig("policy field 'tier1.keepTokens' is missing");
        java.util.List<Integer> schedule = new java.util.ArrayList<>();
        if (k.isArray()) {
            for (JsonNode e : k) {
                if (!e.isIntegralNumber() || !e.canConvertToInt()) {
                    throw McgtException.badConfig("policy field 'tier1.keepTokens' must hold integers");
                }
                schedule.add(e.intValue());
            }
        } else {
            schedule.add(integer(t, "keepTokens", "tier1.keepTokens"));
        }
        boolean proportional = false;
        JsonNode pa = t.get("proportionalAttention");
        if (pa != null) {
            if (!pa.isBoolean()) throw McgtException.badConfig("policy field 'tier1.proportionalAttention' must be true or false");
            proportional = pa.booleanValue();
        }
        TokenPruning.MergeMetric by = t.has("mergeBy")
                ? TokenPruning.MergeMetric.parse(text(t, "mergeBy", "tier1.mergeBy")) : TokenPruning.MergeMetric.HIDDEN;
        return new TokenPruning(integer(t, "afterLayers", "tier1.afterLayers"), schedule, proportional, by);
    }

    private static ObjectNode lensNode(TunedLens lens) {
        ObjectNode o = MAPPER.createObjectNode();
        boolean plain = lens.prior() == TunedLens.Prior.ZERO && !lens.withSketch();
        o.put("format", LENS_FORMAT);
        o.put("version", plain ? 1 : LENS_VERSION);
        o.put("modelFingerprint", lens.modelFingerprint());
        o.put("source", lens.source());
        o.put("dimension", lens.dimension());
        o.put("ridge", lens.ridge());
        o.put("pairs", lens.pairs());
        if (!plain) {
            o.put("prior", lens.prior().label());
            o.put("inputs", lens.withSketch() ? "vector+sketch" : "vector");
        }
        o.put("weights", floats(lens.weights()));
        o.put("bias", floats(lens.bias()));
        return o;
    }

    private static TunedLens lens(JsonNode l) {
        if (!l.isObject()) throw McgtException.badConfig("policy field 'lens' must be an object");
        if (!LENS_FORMAT.equals(text(l, "format", "lens.format"))) {
            throw McgtException.badConfig("policy field 'lens.format' must be " + LENS_FORMAT);
        }
        int version = integer(l, "version", "lens.version");
        if (version < 1 || version > LENS_VERSION) {
            throw McgtException.badConfig("unsupported lens version " + version + " (this build reads 1 to " + LENS_VERSION + ")");
        }
        Set<String> fields = new java.util.HashSet<>(Set.of("format", "version", "modelFingerprint", "source", "dimension",
                "ridge", "pairs", "weights", "bias"));
        if (version >= 2) fields.addAll(Set.of("prior", "inputs"));
        only(l, "lens", fields);
        TunedLens.Prior prior = version >= 2 ? TunedLens.Prior.parse(text(l, "prior", "lens.prior")) : TunedLens.Prior.ZERO;
        boolean withSketch = false;
        if (version >= 2) {
            String inputs = text(l, "inputs", "lens.inputs");
            if (!inputs.equals("vector") && !inputs.equals("vector+sketch")) {
                throw McgtException.badConfig("policy field 'lens.inputs' must be vector or vector+sketch, got '" + inputs + "'");
            }
            withSketch = inputs.equals("vector+sketch");
        }
        int d = integer(l, "dimension", "lens.dimension");
        if (d < 1 || d > 1 << 14) throw McgtException.badConfig("policy field 'lens.dimension' is out of range");
        JsonNode ridge = l.get("ridge");
        if (ridge == null || !ridge.isNumber()) throw McgtException.badConfig("policy field 'lens.ridge' must be a number");
        float[] w = floats(text(l, "weights", "lens.weights"), d * d * (withSketch ? 2 : 1), "lens.weights");
        float[] b = floats(text(l, "bias", "lens.bias"), d, "lens.bias");
        return new TunedLens(text(l, "modelFingerprint", "lens.modelFingerprint"), text(l, "source", "lens.source"), d, w,
                b, ridge.doubleValue(), integer(l, "pairs", "lens.pairs"), prior, withSketch);
    }

    private static String floats(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length);
        for (float f : v) b.putFloat(f);
        return Base64.getEncoder().encodeToString(b.array());
    }

    private static float[] floats(String base64, int count, String field) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw McgtException.badConfig("policy field '" + field + "' is not base64");
        }
        if (bytes.length != 4L * count) {
            throw McgtException.badConfig("policy field '" + field + "' holds " + bytes.length / 4 + " floats, expected " + count);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        float[] v = new float[count];
        for (int i = 0; i < count; i++) v[i] = b.getFloat();
        return v;
    }

    private static void only(JsonNode o, String name, Set<String> allowed) {
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) throw McgtException.badConfig("unknown field '" + f + "' in policy field '" + name + "'");
        }
    }

    private static String text(JsonNode o, String key, String name) {
        JsonNode v = o.get(key);
        if (v == null) throw McgtException.badConfig("policy field '" + name + "' is missing");
        if (!v.isTextual()) throw McgtException.badConfig("policy field '" + name + "' must be a string");
        return v.textValue();
    }

    private static int integer(JsonNode o, String key, String name) {
        JsonNode v = o.get(key);
        if (v == null) throw McgtException.badConfig("policy field '" + name + "' is missing");
        if (!v.isIntegralNumber() || !v.canConvertToInt()) throw McgtException.badConfig("policy field '" + name + "' must be an integer");
        return v.intValue();
    }
}
