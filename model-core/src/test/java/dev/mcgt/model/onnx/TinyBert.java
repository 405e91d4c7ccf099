package dev.mcgt.model.onnx;

import com.google.protobuf.ByteString;
import dev.mcgt.model.onnx.proto.OnnxSubset.AttributeProto;
import dev.mcgt.model.onnx.proto.OnnxSubset.GraphProto;
import dev.mcgt.model.onnx.proto.OnnxSubset.ModelProto;
import dev.mcgt.model.onnx.proto.OnnxSubset.NodeProto;
import dev.mcgt.model.onnx.proto.OnnxSubset.OperatorSetIdProto;
import dev.mcgt.model.onnx.proto.OnnxSubset.TensorProto;
import dev.mcgt.model.onnx.proto.OnnxSubset.ValueInfoProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

/**
 * Test support: a tiny BERT encoder as an ONNX ModelProto, built with the generated builders in the shape the
 * PyTorch exporter gives all-MiniLM-L6-v2 (named biases and norms, anonymous {@code onnx::MatMul_N} weights
 * read through MatMul → Add(bias, ·), decomposed LayerNorms with a Constant ε, the query Reshape to
 * [batch, seq, heads, headDim] through a Concat of constants, exact GELU through Erf). Variants swap in Gemm
 * layers, fused LayerNormalization nodes or float_data storage. Weights are seeded and kept by name so tests can
 * compare the import against them.
 */
final class TinyBert {
    static final int HIDDEN = 8;
    static final int HEADS = 2;
    static final int LAYERS = 2;
    static final int FFN = 32;
    static final int VOCAB = 10;
    static final int POSITIONS = 16;
    static final int TYPES = 2;
    static final float EPS = 1e-12f;

    /** Graph variants. */
    record Variant(boolean gemm, boolean fusedLayerNorm, boolean floatData, boolean headsReshape) {
        static final Variant EXPORTED = new Variant(false, false, false, true);
    }

    /** The float values of every float initializer, by name ([in, out] for MatMul weights, as in ONNX). */
    final Map<String, float[]> floats = new LinkedHashMap<>();
    /** Native target of each MatMul/Gemm weight name. */
    final Map<String, String> weightTargets = new LinkedHashMap<>();

    private final Variant variant;
    private final SplittableRandom rnd;
    private final GraphProto.Builder g = GraphProto.newBuilder().setName("tiny_bert");
    private int counter = 100;

    private TinyBert(Variant variant, long seed) {
        this.variant = variant;
        this.rnd = new SplittableRandom(seed);
    }

    /** The exported-like tiny model. */
    static ModelProto model() {
        return build(Variant.EXPORTED, 11).proto;
    }

    /** A built model with its source weights. */
    record Built(ModelProto proto, TinyBert source) { }

    static Built build(Variant v, long seed) {
        TinyBert b = new TinyBert(v, seed);
        ModelProto proto = b.assemble();
        return new Built(proto, b);
    }

    private ModelProto assemble() {
        for (String in : List.of("input_ids", "attention_mask", "token_type_ids")) {
            g.addInput(ValueInfoProto.newBuilder().setName(in));
        }
        g.addInitializer(intTensor("embeddings.position_ids", new long[] {1, POSITIONS}, range(POSITIONS)));
        String word = floatInit("embeddings.word_embeddings.weight", VOCAB, HIDDEN);
        String pos = floatInit("embeddings.position_embeddings.weight", POSITIONS, HIDDEN);
        String type = floatInit("embeddings.token_type_embeddings.weight", TYPES, HIDDEN);
        String w = node("Gather", List.of(word, "input_ids"));
        String t = node("Gather", List.of(type, "token_type_ids"));
        String p = node("Gather", List.of(pos, "embeddings.position_ids"));
        String x = node("Add", List.of(node("Add", List.of(w, t)), p));
        x = layerNorm(x, "embeddings.LayerNorm");
        for (int l = 0; l < LAYERS; l++) {
            String pre = "encoder.layer." + l + ".";
            String tgt = "layers." + l + ".";
            String q = linear(x, pre + "attention.self.query", tgt + "attention.q", HIDDEN, HIDDEN);
            String k = linear(x, pre + "attention.self.key", tgt + "attention.k", HIDDEN, HIDDEN);
            String v = linear(x, pre + "attention.self.value", tgt + "attention.v", HIDDEN, HIDDEN);
            String qh = variant.headsReshape() ? headsReshape(q) : q;
            String scores = node("Softmax", List.of(node("MatMul", List.of(qh, k))));
            String ctx = node("MatMul", List.of(scores, v));
            String o = linear(ctx, pre + "attention.output.dense", tgt + "attention.o", HIDDEN, HIDDEN);
            x = layerNorm(node("Add", List.of(o, x)), pre + "attention.output.LayerNorm");
            String h = linear(x, pre + "intermediate.dense", tgt + "ffn.w1", HIDDEN, FFN);
            String erf = node("Erf", List.of(node("Div", List.of(h, constFloat(1.4142135f)))));
            String gelu = node("Mul", List.of(node("Mul", List.of(h, node("Add", List.of(erf, constFloat(1f))))),
                    constFloat(0.5f)));
            String y = linear(gelu, pre + "output.dense", tgt + "ffn.w2", FFN, HIDDEN);
            x = layerNorm(node("Add", List.of(y, x)), pre + "output.LayerNorm");
        }
        g.addOutput(ValueInfoProto.newBuilder().setName(x));
        return ModelProto.newBuilder().setIrVersion(6).setProducerName("tiny").setProducerVersion("1")
                .setGraph(g).addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(11)).build();
    }

    private String linear(String x, String name, String target, int in, int out) {
        String bias = floatInit(name + ".bias", out);
        String wName = "onnx::MatMul_" + counter++;
        weightTargets.put(wName, target);
        if (variant.gemm()) {
            // Gemm(x, W, bias) with W stored [out, in] and transB = 1
            float[] wt = randoms(in * out, 1f / (float) Math.sqrt(in));
            floats.put(wName, wt);
            g.addInitializer(floatTensor(wName, new long[] {out, in}, wt));
            return node("Gemm", List.of(x, wName, bias), attrInt("transB", 1));
        }
        float[] w = randoms(in * out, 1f / (float) Math.sqrt(in));
        floats.put(wName, w);
        g.addInitializer(floatTensor(wName, new long[] {in, out}, w));
        String mm = node("MatMul", List.of(x, wName));
        return node("Add", List.of(bias, mm));
    }

    private String layerNorm(String x, String name) {
        String gamma = floatInit(name + ".weight", HIDDEN);
        String beta = floatInit(name + ".bias", HIDDEN);
        if (variant.fusedLayerNorm()) {
            return node("LayerNormalization", List.of(x, gamma, beta),
                    AttributeProto.newBuilder().setName("epsilon").setType(AttributeProto.AttributeType.FLOAT)
                            .setF(EPS).build());
        }
        String mean = node("ReduceMean", List.of(x), attrInts("axes", -1));
        String d = node("Sub", List.of(x, mean));
        String var = node("ReduceMean", List.of(node("Pow", List.of(d, constFloat(2f)))), attrInts("axes", -1));
        String std = node("Sqrt", List.of(node("Add", List.of(var, constFloat(EPS)))));
        return node("Add", List.of(node("Mul", List.of(node("Div", List.of(d, std)), gamma)), beta));
    }

    private String headsReshape(String q) {
        String shape = node("Shape", List.of(q));
        String b = node("Unsqueeze", List.of(node("Gather", List.of(shape, constInt(0)))), attrInts("axes", 0));
        String s = node("Unsqueeze", List.of(node("Gather", List.of(shape, constInt(1)))), attrInts("axes", 0));
        String concat = node("Concat", List.of(b, s, constInts(HEADS), constInts(HIDDEN / HEADS)),
                AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT).setI(0).build());
        return node("Transpose", List.of(node("Reshape", List.of(q, concat))));
    }

    // ---------------------------------------------------------------------------------------------------------

    private String node(String op, List<String> inputs, AttributeProto... attrs) {
        String out = "/" + op + "_" + counter++ + "_output_0";
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName("/" + op + "_" + counter)
                .addAllInput(inputs).addOutput(out);
        for (AttributeProto a : attrs) n.addAttribute(a);
        g.addNode(n);
        return out;
    }

    private String constFloat(float v) {
        TensorProto t = floatTensor("", new long[0], new float[] {v});
        return node("Constant", List.of(), AttributeProto.newBuilder().setName("value")
                .setType(AttributeProto.AttributeType.TENSOR).setT(t).build());
    }

    private String constInt(long v) {
        return node("Constant", List.of(), AttributeProto.newBuilder().setName("value")
                .setType(AttributeProto.AttributeType.TENSOR).setT(intTensor("", new long[0], new long[] {v})).build());
    }

    private String constInts(long v) {
        return node("Constant", List.of(), AttributeProto.newBuilder().setName("value")
                .setType(AttributeProto.AttributeType.TENSOR).setT(intTensor("", new long[] {1}, new long[] {v})).build());
    }

    private static AttributeProto attrInt(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(v).build();
    }

    private static AttributeProto attrInts(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS).addInts(v).build();
    }

    private String floatInit(String name, int... dims) {
        int n = 1;
        long[] d = new long[dims.length];
        for (int i = 0; i < dims.length; i++) {
            n *= dims[i];
            d[i] = dims[i];
        }
        boolean gamma = name.endsWith("LayerNorm.weight");
        float[] v = randoms(n, gamma ? 0.1f : 0.5f);
        if (gamma) {
            for (int i = 0; i < n; i++) v[i] += 1f;
        }
        floats.put(name, v);
        g.addInitializer(floatTensor(name, d, v));
        return name;
    }

    private TensorProto floatTensor(String name, long[] dims, float[] v) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE);
        for (long d : dims) t.addDims(d);
        if (variant.floatData()) {
            for (float f : v) t.addFloatData(f);
        } else {
            t.setRawData(rawFloats(v));
        }
        return t.build();
    }

    static ByteString rawFloats(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) b.putFloat(f);
        return ByteString.copyFrom(b.array());
    }

    static TensorProto intTensor(String name, long[] dims, long[] v) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long x : v) b.putLong(x);
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE)
                .setRawData(ByteString.copyFrom(b.array()));
        for (long d : dims) t.addDims(d);
        return t.build();
    }

    private static long[] range(int n) {
        long[] v = new long[n];
        for (int i = 0; i < n; i++) v[i] = i;
        return v;
    }

    private float[] randoms(int n, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) ((rnd.nextDouble() * 2 - 1) * scale);
        return v;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Mutations

    /** The model with the initializer of that name removed. */
    static ModelProto without(ModelProto m, String name) {
        GraphProto.Builder gb = m.getGraph().toBuilder().clearInitializer();
        for (TensorProto t : m.getGraph().getInitializerList()) {
            if (!t.getName().equals(name)) gb.addInitializer(t);
        }
        return m.toBuilder().setGraph(gb).build();
    }

    /** The model with the initializer of that name replaced by {@code edit} of it. */
    static ModelProto editing(ModelProto m, String name, UnaryOperator<TensorProto> edit) {
        GraphProto.Builder gb = m.getGraph().toBuilder().clearInitializer();
        boolean found = false;
        for (TensorProto t : m.getGraph().getInitializerList()) {
            if (t.getName().equals(name)) {
                gb.addInitializer(edit.apply(t));
                found = true;
            } else {
                gb.addInitializer(t);
            }
        }
        if (!found) throw new IllegalArgumentException("no initializer " + name);
        return m.toBuilder().setGraph(gb).build();
    }

    /** The model with the nodes changed by {@code edit} (return null to drop a node). */
    static ModelProto editingNodes(ModelProto m, UnaryOperator<NodeProto> edit) {
        GraphProto.Builder gb = m.getGraph().toBuilder().clearNode();
        for (NodeProto n : m.getGraph().getNodeList()) {
            NodeProto e = edit.apply(n);
            if (e != null) gb.addNode(e);
        }
        return m.toBuilder().setGraph(gb).build();
    }

    /** The names of the float initializers in graph order. */
    static List<String> floatInitializers(ModelProto m) {
        List<String> out = new ArrayList<>();
        for (TensorProto t : m.getGraph().getInitializerList()) {
            if (t.getDataType() == TensorProto.DataType.FLOAT_VALUE) out.add(t.getName());
        }
        return out;
    }

    /**
     * A BERT tokenizer.json with vocab {@code [PAD] [UNK] [CLS] [SEP]} and then {@code extra} word pieces
     * ({@code w0}, {@code w1}, …), so its size is 4 + extra.
     */
    static String tokenizerJson(int extra) {
        StringBuilder vocab = new StringBuilder("\"[PAD]\": 0, \"[UNK]\": 1, \"[CLS]\": 2, \"[SEP]\": 3");
        for (int i = 0; i < extra; i++) vocab.append(", \"w").append(i).append("\": ").append(4 + i);
        StringBuilder added = new StringBuilder();
        String[] specials = {"[PAD]", "[UNK]", "[CLS]", "[SEP]"};
        for (int i = 0; i < specials.length; i++) {
            if (i > 0) added.append(", ");
            added.append("{\"id\": ").append(i).append(", \"content\": \"").append(specials[i])
                    .append("\", \"single_word\": false, \"lstrip\": false, \"rstrip\": false, \"normalized\": false, "
                            + "\"special\": true}");
        }
        return "{\"version\": \"1.0\", \"truncation\": null, \"padding\": null, \"added_tokens\": [" + added + "], "
                + "\"normalizer\": {\"type\": \"BertNormalizer\", \"clean_text\": true, \"handle_chinese_chars\": true, "
                + "\"strip_accents\": null, \"lowercase\": true}, "
                + "\"pre_tokenizer\": {\"type\": \"BertPreTokenizer\"}, "
                + "\"post_processor\": {\"type\": \"BertProcessing\", \"sep\": [\"[SEP]\", 3], \"cls\": [\"[CLS]\", 2]}, "
                + "\"decoder\": {\"type\": \"WordPiece\", \"prefix\": \"##\", \"cleanup\": true}, "
                + "\"model\": {\"type\": \"WordPiece\", \"unk_token\": \"[UNK]\", \"continuing_subword_prefix\": \"##\", "
                + "\"max_input_chars_per_word\": 100, \"vocab\": {" + vocab + "}}}";
    }

    /** A tokenizer that fits the tiny vocabulary exactly. */
    static String tokenizerJson() {
        return tokenizerJson(VOCAB - 4);
    }
}
