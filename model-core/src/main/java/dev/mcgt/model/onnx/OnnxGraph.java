package dev.mcgt.model.onnx;

import dev.mcgt.McgtException;
import dev.mcgt.model.onnx.proto.OnnxSubset.AttributeProto;
import dev.mcgt.model.onnx.proto.OnnxSubset.GraphProto;
import dev.mcgt.model.onnx.proto.OnnxSubset.NodeProto;
import dev.mcgt.model.onnx.proto.OnnxSubset.TensorProto;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An index over an ONNX graph: initializers by name, the node producing each value, the nodes consuming it, and
 * the evaluation of small constants (Constant nodes, constant initializers, Concat of constants).
 */
final class OnnxGraph {
    private final Map<String, TensorProto> initializers = new LinkedHashMap<>();
    private final Map<String, NodeProto> producers = new HashMap<>();
    private final Map<String, List<NodeProto>> consumers = new HashMap<>();
    private final List<NodeProto> nodes;
    private final List<String> outputs = new ArrayList<>();

    OnnxGraph(GraphProto g) {
        this.nodes = g.getNodeList();
        g.getOutputList().forEach(o -> outputs.add(o.getName()));
        for (TensorProto t : g.getInitializerList()) {
            if (initializers.put(t.getName(), t) != null) {
                throw McgtException.badWeights("ONNX graph has two initializers named " + t.getName());
            }
        }
        for (NodeProto n : g.getNodeList()) {
            for (String out : n.getOutputList()) {
                if (!out.isEmpty()) producers.put(out, n);
            }
            for (String in : n.getInputList()) {
                if (!in.isEmpty()) consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
            }
        }
    }

    /** The graph's output names, in order. */
    List<String> outputs() { return Collections.unmodifiableList(outputs); }

    /** Initializers in file order. */
    Map<String, TensorProto> initializers() { return Collections.unmodifiableMap(initializers); }

    /** The initializer of that name, or null. */
    TensorProto initializer(String name) { return initializers.get(name); }

    /** The node producing that value, or null (graph inputs and initializers have none). */
    NodeProto producer(String value) { return producers.get(value); }

    /** The nodes reading that value. */
    List<NodeProto> consumers(String value) { return consumers.getOrDefault(value, List.of()); }

    /** True if any node has that operator type. */
    boolean hasOp(String opType) {
        return !nodesOf(opType).isEmpty();
    }

    /** The nodes of that operator type, in graph order. */
    List<NodeProto> nodesOf(String opType) {
        List<NodeProto> out = new ArrayList<>();
        for (NodeProto n : nodes) {
            if (n.getOpType().equals(opType)) out.add(n);
        }
        return out;
    }

    /** The attribute of that name, or null. */
    static AttributeProto attribute(NodeProto n, String name) {
        for (AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) return a;
        }
        return null;
    }

    /** The input of {@code n} that is not {@code known} (n has two inputs), or null. */
    static String otherInput(NodeProto n, String known) {
        if (n.getInputCount() != 2) return null;
        if (n.getInput(0).equals(known)) return n.getInput(1);
        if (n.getInput(1).equals(known)) return n.getInput(0);
        return null;
    }

    /** The constant tensor behind a value: an initializer or the {@code value} of a Constant node, or null. */
    private TensorProto constantTensor(String value) {
        TensorProto t = initializers.get(value);
        if (t != null) return t;
        NodeProto p = producers.get(value);
        if (p == null || !p.getOpType().equals("Constant")) return null;
        AttributeProto a = attribute(p, "value");
        return a != null && a.hasT() ? a.getT() : null;
    }

    /** A scalar (or one-element) float constant, or null when the value is not a known float constant. */
    Float scalarFloat(String value) {
        NodeProto p = producers.get(value);
        if (p != null && p.getOpType().equals("Constant")) {
            AttributeProto f = attribute(p, "value_float");
            if (f != null) return f.getF();
        }
        TensorProto t = constantTensor(value);
        if (t == null || t.getDataType() != TensorProto.DataType.FLOAT_VALUE) return null;
        float[] v = OnnxTensors.floats(t);
        return v.length == 1 ? v[0] : null;
    }

    /**
     * Evaluates an integer constant: an INT64/INT32 constant, {@code value_int(s)} of a Constant, or a Concat of
     * such constants and unknown one-element pieces (Unsqueeze of a scalar). Unknown elements are null. Returns
     * null when even the length is unknown.
     */
    Long[] ints(String value) {
        return ints(value, 0);
    }

    /** Concat nesting followed at most this deep (a malformed graph may even loop). */
    private static final int MAX_CONCAT_DEPTH = 8;

    private Long[] ints(String value, int depth) {
        NodeProto p = producers.get(value);
        if (p != null && p.getOpType().equals("Constant")) {
            AttributeProto a = attribute(p, "value_ints");
            if (a != null) return box(a.getIntsList().stream().mapToLong(Long::longValue).toArray());
            a = attribute(p, "value_int");
            if (a != null) return new Long[] {a.getI()};
        }
        TensorProto t = constantTensor(value);
        if (t != null) {
            int type = t.getDataType();
            if (type != TensorProto.DataType.INT64_VALUE && type != TensorProto.DataType.INT32_VALUE) return null;
            return box(OnnxTensors.ints(t));
        }
        if (p == null) return null;
        if (p.getOpType().equals("Unsqueeze")) return new Long[] {null};
        if (!p.getOpType().equals("Concat") || depth >= MAX_CONCAT_DEPTH) return null;
        List<Long> out = new ArrayList<>();
        for (String in : p.getInputList()) {
            Long[] part = ints(in, depth + 1);
            if (part == null) return null;
            Collections.addAll(out, part);
        }
        return out.toArray(new Long[0]);
    }

    private static Long[] box(long[] v) {
        Long[] b = new Long[v.length];
        for (int i = 0; i < v.length; i++) b[i] = v[i];
        return b;
    }
}
