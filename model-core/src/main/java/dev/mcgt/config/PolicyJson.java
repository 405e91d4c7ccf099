package dev.mcgt.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcgt.McgtException;
import dev.mcgt.StrictJson;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Function;

/**
 * {@link GatePolicy} as JSON: one object whose keys are exactly the record's component names (camelCase, in
 * record order), e.g. {@code {"lambdaMin": 30, "dropRatioQ15Max": 12288, ...}}. Reading is strict: every field
 * must be present with the right type and range, unknown fields are rejected, and the policy is validated;
 * each problem is one BAD_CONFIG message naming the field. A policy file may also carry the scoring sections of
 * a gating profile ({@link #PROFILE_FIELDS}: how tier 1 runs, the skip rule, cross-chunk context, a fitted lens),
 * which this class leaves to {@code dev.mcgt.scoring.GatingProfileJson}; commands that only gate read the
 * thresholds of such a file.
 */
public final class PolicyJson {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final RecordComponent[] FIELDS = GatePolicy.class.getRecordComponents();

    /** Top-level fields of a gating profile that a policy file may carry besides the thresholds. */
    public static final Set<String> PROFILE_FIELDS = Set.of("tier1", "skipRule", "crossChunkContext", "lens",
            "headCoverage");

    private PolicyJson() { }

    /** Pretty-printed JSON of a policy, keys in record order. */
    public static String toJson(GatePolicy policy) {
        ObjectNode node = MAPPER.createObjectNode();
        for (RecordComponent f : FIELDS) {
            Object v = value(f, policy);
            if (v instanceof Long l) {
                node.put(f.getName(), l);
            } else if (v instanceof Integer i) {
                node.put(f.getName(), i);
            } else {
                node.put(f.getName(), (Boolean) v);
            }
        }
        try {
            return MAPPER.writeValueAsString(node) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a policy", e);
        }
    }

    /** Parses and validates a policy. */
    public static GatePolicy fromJson(String json) {
        JsonNode root;
        try {
            root = StrictJson.read(json);
        } catch (McgtException e) {
            throw McgtException.badConfig("policy is not valid JSON: " + e.detail());
        }
        if (root == null || !root.isObject()) throw McgtException.badConfig("policy JSON must be an object");
        Set<String> known = new LinkedHashSet<>();
        for (RecordComponent f : FIELDS) known.add(f.getName());
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!known.contains(name) && !PROFILE_FIELDS.contains(name)) {
                throw McgtException.badConfig(
                        "unknown policy field '" + name + "' (expected " + String.join(", ", known) + ")");
            }
        }
        Object[] args = new Object[FIELDS.length];
        for (int i = 0; i < FIELDS.length; i++) args[i] = read(root, FIELDS[i]);
        return construct(args).validate();
    }

    /** Reads, parses and validates a policy file; errors name the file. */
    public static GatePolicy load(Path path) {
        return loadFile(path, PolicyJson::fromJson);
    }

    /**
     * Reads a policy file and parses its text with {@code parse} (the policy alone, or the whole gating profile);
     * every error is one BAD_CONFIG line naming the file.
     */
    public static <T> T loadFile(Path path, Function<String, T> parse) {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw McgtException.badConfig("cannot read policy file '" + path + "': no such file");
        } catch (IOException e) {
            throw McgtException.badConfig("cannot read policy file '" + path + "': " + e.getMessage());
        }
        try {
            return parse.apply(text);
        } catch (McgtException e) {
            throw McgtException.badConfig("policy file '" + path + "': " + e.detail());
        }
    }

    /** Validates and writes a policy as JSON. */
    public static void save(GatePolicy policy, Path path) {
        String json = toJson(policy.validate());
        try {
            Files.writeString(path, json, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw McgtException.badConfig("cannot write policy file '" + path + "': " + e.getMessage());
        }
    }

    private static Object read(JsonNode root, RecordComponent f) {
        String name = f.getName();
        JsonNode v = root.get(name);
        if (v == null) throw McgtException.badConfig("policy field '" + name + "' is missing");
        Class<?> type = f.getType();
        if (type == boolean.class) {
            if (!v.isBoolean()) throw McgtException.badConfig("policy field '" + name + "' must be true or false");
            return v.booleanValue();
        }
        if (!v.isIntegralNumber()) throw McgtException.badConfig("policy field '" + name + "' must be an integer");
        if (type == long.class) {
            if (!v.canConvertToLong()) throw McgtException.badConfig("policy field '" + name + "' is out of range");
            return v.longValue();
        }
        if (!v.canConvertToInt()) throw McgtException.badConfig("policy field '" + name + "' is out of range");
        return v.intValue();
    }

    private static Object value(RecordComponent f, GatePolicy p) {
        try {
            return f.getAccessor().invoke(p);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read policy field " + f.getName(), e);
        }
    }

    private static GatePolicy construct(Object[] args) {
        Class<?>[] types = Arrays.stream(FIELDS).map(RecordComponent::getType).toArray(Class<?>[]::new);
        try {
            Constructor<GatePolicy> c = GatePolicy.class.getDeclaredConstructor(types);
            return c.newInstance(args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof McgtException m) throw m;
            throw new IllegalStateException("cannot build a policy", e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build a policy", e);
        }
    }
}
