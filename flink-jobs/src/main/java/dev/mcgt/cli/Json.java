package dev.mcgt.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.Array;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Collection;
import java.util.Map;

/** JSON output of the command line: one shared mapper, compact lines or indented objects, records as objects. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();
    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Json() { }

    static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    /** One line of compact JSON. */
    static String line(JsonNode node) {
        return write(MAPPER, node);
    }

    /** Indented JSON. */
    static String pretty(JsonNode node) {
        return write(PRETTY, node);
    }

    private static String write(ObjectMapper m, JsonNode node) {
        try {
            return m.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    /**
     * Any value as a JSON tree: records become objects with their components in declaration order, enums their
     * names, arrays and collections arrays, maps objects; numbers, booleans and strings as themselves.
     */
    static JsonNode tree(Object v) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (v == null) return f.nullNode();
        if (v instanceof JsonNode n) return n;
        if (v instanceof Record r) return record(r);
        if (v instanceof Enum<?> e) return f.textNode(e.name());
        if (v instanceof Boolean b) return f.booleanNode(b);
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return f.numberNode(((Number) v).intValue());
        }
        if (v instanceof Long l) return f.numberNode(l);
        if (v instanceof Float x) return f.numberNode(x);
        if (v instanceof Double d) return f.numberNode(d);
        if (v instanceof CharSequence || v instanceof Character) return f.textNode(v.toString());
        if (v.getClass().isArray()) {
            ArrayNode a = f.arrayNode();
            for (int i = 0; i < Array.getLength(v); i++) a.add(tree(Array.get(v, i)));
            return a;
        }
        if (v instanceof Collection<?> c) {
            ArrayNode a = f.arrayNode();
            for (Object o : c) a.add(tree(o));
            return a;
        }
        if (v instanceof Map<?, ?> m) {
            ObjectNode o = f.objectNode();
            m.forEach((k, x) -> o.set(String.valueOf(k), tree(x)));
            return o;
        }
        return f.textNode(v.toString());
    }

    private static ObjectNode record(Record r) {
        ObjectNode o = object();
        for (RecordComponent c : r.getClass().getRecordComponents()) {
            try {
                o.set(c.getName(), tree(c.getAccessor().invoke(r)));
            } catch (IllegalAccessException | InvocationTargetException e) {
                String what = c.getName() + " of " + r.getClass().getSimpleName();
                throw new IllegalStateException("cannot read " + what, e);
            }
        }
        return o;
    }
}
