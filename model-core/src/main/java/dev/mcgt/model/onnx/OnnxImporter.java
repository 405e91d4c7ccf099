package dev.mcgt.model.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.mcgt.McgtException;
import dev.mcgt.config.Activation;
import dev.mcgt.config.AttentionKind;
import dev.mcgt.config.NormPlacement;
import dev.mcgt.config.TransformerConfig;
import dev.mcgt.kernel.QuantizedMatrix;
import dev.mcgt.model.LayerWeights;
import dev.mcgt.model.ModelWeights;
import dev.mcgt.model.onnx.proto.OnnxSubset.AttributeProto;
import dev.mcgt.model.onnx.proto.OnnxSubset.ModelProto;
import dev.mcgt.model.onnx.proto.OnnxSubset.NodeProto;
import dev.mcgt.model.onnx.proto.OnnxSubset.OperatorSetIdProto;
import dev.mcgt.model.onnx.proto.OnnxSubset.TensorProto;
import dev.mcgt.text.WordPieceTokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Imports a BERT-family encoder (the reference case: all-MiniLM-L6-v2) from an ONNX file into the native model,
 * quantized to INT8 per output row.
 *
 * <p><b>Reading.</b> The file is parsed with protobuf-java classes generated from {@code onnx_subset.proto} (no
 * hand-written wire-format code). Every size is checked before anything is allocated: the file against
 * {@link #MAX_FILE_BYTES}, each tensor's rank, dimensions and element count, and its {@code raw_data} length or
 * {@code float_data} count against its dimensions. Only FLOAT tensors stored inside the file are read.
 *
 * <p><b>Mapping.</b> Named initializers (an optional common prefix such as {@code bert.} is allowed):
 * <pre>
 * embeddings.word_embeddings.weight         → embeddings.token     [vocab, hidden]
 * embeddings.position_embeddings.weight     → embeddings.position  [maxPositions, hidden]
 * embeddings.token_type_embeddings.weight   → embeddings.type      [types, hidden] (optional)
 * embeddings.LayerNorm.weight / .bias       → embeddings.norm.gamma / .beta
 * encoder.layer.N.attention.self.query.bias → layers.N.attention.q bias   (key → k, value → v)
 * encoder.layer.N.attention.output.dense.bias → layers.N.attention.o bias
 * encoder.layer.N.attention.output.LayerNorm.weight / .bias → layers.N.norm1.gamma / .beta
 * encoder.layer.N.intermediate.dense.bias   → layers.N.ffn.w1 bias
 * encoder.layer.N.output.dense.bias         → layers.N.ffn.w2 bias
 * encoder.layer.N.output.LayerNorm.weight / .bias → layers.N.norm2.gamma / .beta
 * </pre>
 * The weight matrices are anonymous ({@code onnx::MatMul_NNN}); each is found by following the graph from its
 * named bias: the Add that reads the bias is fed by a MatMul whose second input is the weight, stored
 * [in, out] for {@code x·W} and transposed here to one row per output (a Gemm reading the bias as its C input
 * is accepted too, honouring {@code transB}). Every initializer used is claimed once; one claimed twice is an
 * error, and initializers the encoder does not read are listed in {@link OnnxImport#unusedInitializers()}.
 *
 * <p><b>Inferred shape.</b> hidden, vocab, positions and token types from the embedding tables; layers from the
 * consecutive {@code encoder.layer.N} names; FFN width from the intermediate bias (it must be a multiple of
 * hidden); heads from the constant shape of the Reshape that splits the layer-0 query into heads (a Concat of
 * [batch, seq, heads, headDim] pieces), else a documented default ({@link #defaultHeads}); the LayerNorm epsilon
 * from the {@code epsilon} attribute of LayerNormalization nodes or from the constant added to the variance in
 * the decomposed pattern (ReduceMean, Sub, Pow, ReduceMean, Add ε, Sqrt, Div, Mul γ, Add β) — all norms must
 * agree; the activation from the graph's Erf (exact GELU), Gelu or Tanh nodes. The layout is BERT's: POST
 * LayerNorm, bidirectional attention, output = the mean-pooled, L2-normalised embedding (see
 * {@link #encoderConfig} for the tier sizes).
 *
 * <p>Every failure is one {@link McgtException} line naming what is wrong, e.g. "ONNX graph has no initializer
 * named embeddings.word_embeddings.weight" or "truncated ONNX file".
 */
public final class OnnxImporter {
    /** Largest ONNX file read (Java arrays hold at most about 2^31 bytes; the file is parsed whole). */
    public static final long MAX_FILE_BYTES = Integer.MAX_VALUE - 16;
    /** Most encoder layers accepted. */
    static final int MAX_LAYERS = 1024;
    /** Head dimension assumed when the graph does not tell the head count (BERT's 64), except for hidden 384. */
    static final int DEFAULT_HEAD_DIM = 64;
    /** The default ONNX LayerNormalization epsilon (when the attribute is absent). */
    static final float ONNX_LAYER_NORM_DEFAULT_EPS = 1e-5f;

    private static final String WORD = "embeddings.word_embeddings.weight";
    /** Operators of already-quantized graphs (e.g. the {@code -q} MiniLM), whose weights are not FLOAT. */
    private static final List<String> QUANTIZED_OPS = List.of("MatMulInteger", "QLinearMatMul", "DequantizeLinear",
            "DynamicQuantizeLinear", "QuantizeLinear");

    private OnnxImporter() { }

    // ---------------------------------------------------------------------------------------------------------
    // Entry points

    /**
     * Imports an ONNX file.
     *
     * @param onnx      the .onnx file
     * @param tokenizer its tokenizer.json, or null to use the one next to the ONNX file ({@link #findTokenizer})
     * @param options   sequence length
     * @throws McgtException one clear line, prefixed with the file name, when anything is wrong
     */
    public static OnnxImport importFile(Path onnx, Path tokenizer, OnnxImportOptions options) {
        Path tok = tokenizer != null ? tokenizer : findTokenizer(onnx);
        String json = readTokenizer(tok);
        byte[] bytes = readOnnx(onnx);
        try {
            return importModel(parse(bytes), json, options);
        } catch (McgtException e) {
            throw withContext(e, onnx.toString());
        }
    }

    /** Imports an ONNX file held in memory with its tokenizer.json text. */
    public static OnnxImport importBytes(byte[] onnx, String tokenizerJson, OnnxImportOptions options) {
        return importModel(parse(onnx), tokenizerJson, options);
    }

    /** As {@link #importBytes(byte[], String, OnnxImportOptions)}, with failures prefixed by {@code source}. */
    public static OnnxImport importBytes(byte[] onnx, String tokenizerJson, OnnxImportOptions options, String source) {
        try {
            return importBytes(onnx, tokenizerJson, options);
        } catch (McgtException e) {
            throw withContext(e, source);
        }
    }

    /**
     * Parses the bytes of an ONNX file into its ModelProto (tensor data is not copied).
     *
     * @throws McgtException BAD_WEIGHTS "empty ONNX file", "truncated ONNX file …" or "malformed ONNX file …"
     */
    public static ModelProto parse(byte[] bytes) {
        if (bytes == null || bytes.length == 0) throw McgtException.badWeights("empty ONNX file");
        try {
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            in.enableAliasing(true);
            return ModelProto.parseFrom(in);
        } catch (InvalidProtocolBufferException e) {
            String msg = e.getMessage() == null ? "" : e.getMessage();
            if (msg.contains("input ended unexpectedly")) {
                throw McgtException.badWeights("truncated ONNX file (it ends in the middle of a protobuf field)");
            }
            throw McgtException.badWeights("malformed ONNX file: not a valid ONNX protobuf (" + firstSentence(msg) + ")");
        } catch (IOException e) {
            throw McgtException.badWeights("malformed ONNX file: " + describe(e));
        }
    }

    /**
     * Maps a parsed ONNX model to the native encoder.
     *
     * @param model         the ONNX model
     * @param tokenizerJson the Hugging Face tokenizer.json text embedded in the native model (required)
     * @param options       sequence length
     */
    public static OnnxImport importModel(ModelProto model, String tokenizerJson, OnnxImportOptions options) {
        if (options == null) options = OnnxImportOptions.defaults();
        if (!model.hasGraph() || model.getGraph().getInitializerCount() == 0 && model.getGraph().getNodeCount() == 0) {
            throw McgtException.badWeights("ONNX file has no graph (is it an ONNX model?)");
        }
        if (tokenizerJson == null || tokenizerJson.isBlank()) {
            throw McgtException.badWeights("a tokenizer.json is required to import a model");
        }
        return new Mapper(new OnnxGraph(model.getGraph())).run(model, tokenizerJson, options);
    }

    /**
     * The tokenizer next to an ONNX file: {@code <name>-tokenizer.json} (the langchain4j artifacts' naming),
     * then {@code tokenizer.json} in the same folder.
     *
     * @throws McgtException BAD_INPUT when neither exists
     */
    public static Path findTokenizer(Path onnx) {
        Path dir = onnx.toAbsolutePath().getParent();
        String file = onnx.getFileName().toString();
        String stem = file.endsWith(".onnx") ? file.substring(0, file.length() - 5) : file;
        Path named = dir.resolve(stem + "-tokenizer.json");
        Path plain = dir.resolve("tokenizer.json");
        if (Files.isRegularFile(named)) return named;
        if (Files.isRegularFile(plain)) return plain;
        throw McgtException.badInput("no tokenizer next to " + onnx + " (looked for " + named.getFileName() + " and "
                + plain.getFileName() + "): give the tokenizer.json explicitly");
    }

    /**
     * The native config of an imported encoder. Fixed by the model: hidden, heads, layers, FFN width, vocab,
     * positions, token types, epsilon and activation; BERT layout: POST norm, BIDIRECTIONAL attention, no output
     * head (logits 0; the output is the pooled embedding). Chosen here, for a chunk of {@code S = seqLenMax}
     * tokens:
     * <ul>
     *   <li>tier 0: all layers, all S tokens, window S (full attention: every token sees the whole chunk);</li>
     *   <li>tier 1 (degraded): half the layers (at least 1), S/2 tokens, window S/4 — a bidirectional window W
     *       spans 2W−1 positions, so each token still sees nearly the whole S/2-token chunk;</li>
     *   <li>tier 2 (safe): a sixth of the layers, at least 2 (1 for models under 4 layers: {@link #safeLayers}),
     *       S/4 tokens, window S/8;</li>
     *   <li>KV cache on, {@code kvContext} = S positions of earlier chunks as left context.</li>
     * </ul>
     */
    public static TransformerConfig encoderConfig(int hidden, int heads, int layers, int ffn, int vocab,
                                                  int maxPositions, int typeVocab, float eps, Activation activation,
                                                  int seqLenMax) {
        if (ffn % hidden != 0) {
            throw McgtException.badWeights("FFN width " + ffn + " is not a multiple of hidden " + hidden
                    + " (the native format stores an FFN multiplier)");
        }
        if (seqLenMax > maxPositions) {
            throw McgtException.badConfig("sequence length " + seqLenMax + " exceeds the model's " + maxPositions
                    + " positions");
        }
        int s = seqLenMax;
        return TransformerConfig.builder()
                .seqLenMax(s).hidden(hidden).heads(heads).layers(layers).ffnMult(ffn / hidden).logits(0)
                .windowNormal(s).layersDegraded(Math.max(1, layers / 2)).seqLenDegraded(Math.max(1, s / 2))
                .windowDegraded(Math.max(1, s / 4))
                .layersSafe(safeLayers(layers)).seqLenSafe(Math.max(1, s / 4)).windowSafe(Math.max(1, s / 8))
                .enableKvCache(true).enableExternalWrites(true).kvContext(s)
                .vocabSize(vocab).maxPositions(maxPositions).typeVocabSize(typeVocab)
                .normPlacement(NormPlacement.POST).activation(activation).attention(AttentionKind.BIDIRECTIONAL)
                .layerNormEps(eps)
                .build();
    }

    /**
     * Layers of the safe tier for a model of {@code layers}: 1 under 4 layers, else max(2, layers / 6) — 2 for
     * the 6-layer MiniLM and the 12-layer bge-small and e5-small, 4 for a 24-layer model.
     */
    public static int safeLayers(int layers) {
        return layers < 4 ? 1 : Math.max(2, layers / 6);
    }

    /**
     * Heads assumed when the graph does not tell: 12 for hidden 384 (all-MiniLM-L6-v2 and the other MiniLM
     * H384 models), else hidden / 64 (BERT's head width), or 0 when hidden is not a multiple of 64.
     */
    static int defaultHeads(int hidden) {
        if (hidden == 384) return 12;
        return hidden % DEFAULT_HEAD_DIM == 0 ? hidden / DEFAULT_HEAD_DIM : 0;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Files

    private static byte[] readOnnx(Path onnx) {
        try {
            long size = Files.size(onnx);
            if (size > MAX_FILE_BYTES) {
                throw McgtException.badWeights(onnx + ": ONNX file is too large (" + size + " bytes, at most "
                        + MAX_FILE_BYTES + ")");
            }
            return Files.readAllBytes(onnx);
        } catch (IOException e) {
            throw McgtException.badWeights("cannot read ONNX file " + onnx + ": " + describe(e));
        }
    }

    private static String readTokenizer(Path tok) {
        try {
            if (Files.size(tok) > 64L << 20) throw McgtException.badInput("tokenizer file " + tok + " is too large");
            return Files.readString(tok, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw McgtException.badInput("cannot read tokenizer file " + tok + ": " + describe(e));
        }
    }

    private static String describe(IOException e) {
        if (e instanceof NoSuchFileException) return "no such file";
        if (e instanceof AccessDeniedException) return "permission denied";
        if (e instanceof java.nio.charset.CharacterCodingException) return "not UTF-8 text";
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static McgtException withContext(McgtException e, String where) {
        String detail = where + ": " + e.detail();
        return switch (e.kind()) {
            case BAD_CONFIG -> McgtException.badConfig(detail);
            case BAD_INPUT -> McgtException.badInput(detail);
            case UNSUPPORTED_MODE -> McgtException.unsupported(detail);
            default -> McgtException.badWeights(detail);
        };
    }

    private static String firstSentence(String msg) {
        String s = msg.replace('\n', ' ').replace('\r', ' ').trim();
        int dot = s.indexOf(". ");
        return dot > 0 ? s.substring(0, dot) : s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Graph → weights

    /** One import: the graph index and the initializers claimed so far. */
    private static final class Mapper {
        private final OnnxGraph g;
        private final Map<String, TensorMapping> claimed = new LinkedHashMap<>();
        private final Map<String, String> linearOutputs = new LinkedHashMap<>();
        private String prefix = "";
        private int hidden;

        Mapper(OnnxGraph g) {
            this.g = g;
        }

        OnnxImport run(ModelProto model, String tokenizerJson, OnnxImportOptions options) {
            for (String op : QUANTIZED_OPS) {
                if (g.hasOp(op)) {
                    throw McgtException.badWeights("ONNX model is already quantized (it has " + op
                            + " nodes): import its fp32 version");
                }
            }
            prefix = findPrefix();
            TensorProto word = require(WORD);
            long[] wd = matrixDims(word, "embeddings.token");
            if (wd[1] < 1 || wd[1] > TransformerConfig.U16_MAX) {
                throw McgtException.badWeights("hidden width " + wd[1] + " (from " + word.getName() + ") is out of range");
            }
            hidden = (int) wd[1];
            int vocab = (int) wd[0];
            QuantizedMatrix tok = embedding(word, "embeddings.token");
            TensorProto posT = require("embeddings.position_embeddings.weight");
            int maxPositions = (int) matrixDims(posT, "embeddings.position")[0];
            QuantizedMatrix pos = embedding(posT, "embeddings.position");
            TensorProto typeT = g.initializer(prefix + "embeddings.token_type_embeddings.weight");
            int types = typeT == null ? 0 : (int) matrixDims(typeT, "embeddings.type")[0];
            QuantizedMatrix type = typeT == null || types == 0 ? null : embedding(typeT, "embeddings.type");
            String embNorm = "embeddings.LayerNorm";
            float[] embG = vector(embNorm + ".weight", "embeddings.norm.gamma", hidden);
            float[] embB = vector(embNorm + ".bias", "embeddings.norm.beta", hidden);
            float eps = epsilon(embNorm + ".weight");

            int layerCount = countLayers();
            int ffn = ffnWidth();
            List<LayerWeights> layers = new ArrayList<>(layerCount);
            for (int i = 0; i < layerCount; i++) {
                String p = "encoder.layer." + i + ".";
                String t = "layers." + i + ".";
                QuantizedMatrix q = linear(p + "attention.self.query", t + "attention.q", hidden, hidden);
                QuantizedMatrix k = linear(p + "attention.self.key", t + "attention.k", hidden, hidden);
                QuantizedMatrix v = linear(p + "attention.self.value", t + "attention.v", hidden, hidden);
                QuantizedMatrix o = linear(p + "attention.output.dense", t + "attention.o", hidden, hidden);
                QuantizedMatrix w1 = linear(p + "intermediate.dense", t + "ffn.w1", hidden, ffn);
                QuantizedMatrix w2 = linear(p + "output.dense", t + "ffn.w2", ffn, hidden);
                String n1 = p + "attention.output.LayerNorm";
                String n2 = p + "output.LayerNorm";
                layers.add(new LayerWeights(q, k, v, o, w1, w2,
                        vector(n1 + ".weight", t + "norm1.gamma", hidden), vector(n1 + ".bias", t + "norm1.beta", hidden),
                        vector(n2 + ".weight", t + "norm2.gamma", hidden), vector(n2 + ".bias", t + "norm2.beta", hidden)));
                sameEpsilon(eps, n1 + ".weight");
                sameEpsilon(eps, n2 + ".weight");
            }

            int heads = headsFromGraph(linearOutputs.get("layers.0.attention.q"));
            String headsSource = "graph";
            if (heads == 0) {
                heads = defaultHeads(hidden);
                headsSource = "default";
                if (heads == 0) {
                    throw McgtException.badWeights("cannot infer the attention head count: no readable Reshape of the "
                            + "layer-0 query and no default for hidden " + hidden);
                }
            }
            TransformerConfig config = encoderConfig(hidden, heads, layerCount, ffn, vocab, maxPositions, types, eps,
                    activation(), options.seqLenMax());
            checkTokenizer(tokenizerJson, vocab);
            ModelWeights weights = new ModelWeights(config, tok, pos, type, embG, embB, layers, null, null, null,
                    tokenizerJson, options.pooling()).validate();

            List<String> unused = new ArrayList<>();
            for (String name : g.initializers().keySet()) {
                if (!claimed.containsKey(name)) unused.add(name);
            }
            String producer = (model.getProducerName() + " " + model.getProducerVersion()).trim();
            return new OnnxImport(weights, new ArrayList<>(claimed.values()), unused, headsSource, producer,
                    opset(model));
        }

        /** The common prefix of the BERT names ("" for all-MiniLM-L6-v2, "bert." for some exports). */
        private String findPrefix() {
            if (g.initializer(WORD) != null) return "";
            String found = null;
            for (String name : g.initializers().keySet()) {
                if (name.endsWith("." + WORD)) {
                    if (found != null) {
                        throw McgtException.badWeights("ONNX graph has several initializers named *" + WORD);
                    }
                    found = name.substring(0, name.length() - WORD.length());
                }
            }
            if (found == null) throw notBert();
            return found;
        }

        /**
         * The refusal for a graph without BERT's word embedding table: names what the graph has instead (its first
         * initializers and its outputs), so a GPT-2, T5 or vision graph is recognisable from the message.
         */
        private McgtException notBert() {
            List<String> names = new ArrayList<>(g.initializers().keySet());
            String some = names.isEmpty() ? "no initializers"
                    : names.size() + " initializers such as " + String.join(", ", names.subList(0, Math.min(3, names.size())));
            List<String> outs = new ArrayList<>();
            g.outputs().forEach(outs::add);
            return McgtException.badWeights("not a BERT-family encoder: the ONNX graph has no initializer named "
                    + WORD + " (it has " + some + (outs.isEmpty() ? "" : "; outputs " + String.join(", ", outs))
                    + "); supported are BERT encoders such as all-MiniLM-L6-v2, bge-small-en-v1.5 and e5-small-v2");
        }

        private TensorProto require(String name) {
            TensorProto t = g.initializer(prefix + name);
            if (t == null) throw McgtException.badWeights("ONNX graph has no initializer named " + prefix + name);
            return t;
        }

        private void claim(TensorProto t, String target, boolean transposed) {
            TensorMapping previous = claimed.get(t.getName());
            if (previous != null) {
                throw McgtException.badWeights("ONNX initializer " + t.getName() + " would fill both "
                        + previous.target() + " and " + target);
            }
            claimed.put(t.getName(), new TensorMapping(t.getName(), target, t.getDimsList(), transposed));
        }

        private long[] matrixDims(TensorProto t, String target) {
            long[] d = OnnxTensors.dims(t);
            if (d.length != 2) {
                throw McgtException.badWeights("ONNX tensor " + t.getName() + " (" + target + ") has shape "
                        + OnnxTensors.shape(t) + ", expected a matrix");
            }
            if (d[0] < 1) throw McgtException.badWeights("ONNX tensor " + t.getName() + " (" + target + ") is empty");
            if (hidden > 0 && d[1] != hidden) {
                throw McgtException.badWeights("ONNX tensor " + t.getName() + " (" + target + ") has shape "
                        + OnnxTensors.shape(t) + ", expected [*, " + hidden + "]");
            }
            return d;
        }

        /** An embedding table [rows, hidden], already one row per token: quantized per row as is. */
        private QuantizedMatrix embedding(TensorProto t, String target) {
            long[] d = matrixDims(t, target);
            float[] v = OnnxTensors.floats(t);
            claim(t, target, false);
            return QuantizedMatrix.quantize((int) d[0], (int) d[1], v, null);
        }

        private float[] vector(String name, String target, int length) {
            TensorProto t = require(name);
            long[] d = OnnxTensors.dims(t);
            if (d.length != 1 || d[0] != length) {
                throw McgtException.badWeights("ONNX tensor " + t.getName() + " (" + target + ") has shape "
                        + OnnxTensors.shape(t) + ", expected [" + length + "]");
            }
            float[] v = OnnxTensors.floats(t);
            claim(t, target, false);
            return v;
        }

        private int countLayers() {
            int n = 0;
            while (n <= MAX_LAYERS && g.initializer(prefix + "encoder.layer." + n + ".attention.self.query.bias") != null) n++;
            if (n == 0) {
                throw McgtException.badWeights("ONNX graph has no initializer named " + prefix
                        + "encoder.layer.0.attention.self.query.bias");
            }
            if (n > MAX_LAYERS) throw McgtException.badWeights("ONNX graph has more than " + MAX_LAYERS + " layers");
            return n;
        }

        private int ffnWidth() {
            TensorProto b = require("encoder.layer.0.intermediate.dense.bias");
            long[] d = OnnxTensors.dims(b);
            if (d.length != 1 || d[0] < 1 || d[0] > (long) TransformerConfig.U16_MAX * hidden) {
                throw McgtException.badWeights("ONNX tensor " + b.getName() + " has shape " + OnnxTensors.shape(b)
                        + ", expected [ffn]");
            }
            return (int) d[0];
        }

        /**
         * A linear layer found from its named bias: Add(bias, MatMul(x, W)) with W [in, out], transposed to
         * [out, in]; or Gemm(x, W, bias) with W [in, out] (transB 0) or [out, in] (transB 1).
         */
        private QuantizedMatrix linear(String name, String target, int in, int out) {
            String biasName = prefix + name + ".bias";
            TensorProto biasT = require(name + ".bias");
            TensorProto weightT = null;
            boolean outIn = false;
            String output = null;
            for (NodeProto n : g.consumers(biasName)) {
                if (n.getOpType().equals("Add")) {
                    String other = OnnxGraph.otherInput(n, biasName);
                    NodeProto mm = other == null ? null : g.producer(other);
                    if (mm == null || !mm.getOpType().equals("MatMul") || mm.getInputCount() != 2) continue;
                    weightT = g.initializer(mm.getInput(1));
                    if (weightT == null) {
                        throw McgtException.badWeights("ONNX graph: the MatMul feeding the Add of " + biasName
                                + " has no weight initializer");
                    }
                    output = n.getOutputCount() == 1 ? n.getOutput(0) : null;
                    break;
                }
                if (n.getOpType().equals("Gemm") && n.getInputCount() == 3 && n.getInput(2).equals(biasName)) {
                    checkPlainGemm(n, biasName);
                    weightT = g.initializer(n.getInput(1));
                    if (weightT == null) {
                        throw McgtException.badWeights("ONNX graph: the Gemm of " + biasName + " has no weight initializer");
                    }
                    AttributeProto tb = OnnxGraph.attribute(n, "transB");
                    outIn = tb != null && tb.getI() != 0;
                    output = n.getOutputCount() == 1 ? n.getOutput(0) : null;
                    break;
                }
            }
            if (weightT == null) {
                throw McgtException.badWeights("ONNX graph: no MatMul + Add (or Gemm) applies " + biasName);
            }
            long[] d = OnnxTensors.dims(weightT);
            long rows = outIn ? out : in;
            long cols = outIn ? in : out;
            if (d.length != 2 || d[0] != rows || d[1] != cols) {
                throw McgtException.badWeights("ONNX tensor " + weightT.getName() + " (" + target + ") has shape "
                        + OnnxTensors.shape(weightT) + ", expected [" + rows + ", " + cols + "]");
            }
            long[] bd = OnnxTensors.dims(biasT);
            if (bd.length != 1 || bd[0] != out) {
                throw McgtException.badWeights("ONNX tensor " + biasName + " (" + target + ".bias) has shape "
                        + OnnxTensors.shape(biasT) + ", expected [" + out + "]");
            }
            float[] w = OnnxTensors.floats(weightT);
            float[] bias = OnnxTensors.floats(biasT);
            claim(weightT, target, !outIn);
            claim(biasT, target + ".bias", false);
            if (output != null) linearOutputs.put(target, output);
            float[] rowsOut = outIn ? w : transpose(w, in, out);
            return QuantizedMatrix.quantize(out, in, rowsOut, bias);
        }

        private void checkPlainGemm(NodeProto n, String biasName) {
            AttributeProto ta = OnnxGraph.attribute(n, "transA");
            AttributeProto alpha = OnnxGraph.attribute(n, "alpha");
            AttributeProto beta = OnnxGraph.attribute(n, "beta");
            if ((ta != null && ta.getI() != 0) || (alpha != null && alpha.getF() != 1f) || (beta != null && beta.getF() != 1f)) {
                throw McgtException.badWeights("ONNX graph: the Gemm of " + biasName
                        + " uses transA, alpha or beta, which is not supported");
            }
        }

        /** The LayerNorm epsilon around a gamma initializer. */
        private float epsilon(String gammaName) {
            String gamma = prefix + gammaName;
            for (NodeProto n : g.consumers(gamma)) {
                if (n.getOpType().equals("LayerNormalization") && n.getInputCount() >= 2 && n.getInput(1).equals(gamma)) {
                    AttributeProto a = OnnxGraph.attribute(n, "epsilon");
                    return a == null ? ONNX_LAYER_NORM_DEFAULT_EPS : a.getF();
                }
                if (n.getOpType().equals("Mul")) {
                    Float eps = decomposedEpsilon(n, gamma);
                    if (eps != null) return eps;
                }
            }
            throw McgtException.badWeights("cannot find the LayerNorm epsilon of " + gamma + " in the ONNX graph");
        }

        /** Mul(Div(x − mean, Sqrt(Add(var, ε))), γ) → ε, or null when the pattern does not match. */
        private Float decomposedEpsilon(NodeProto mul, String gamma) {
            String other = OnnxGraph.otherInput(mul, gamma);
            NodeProto div = other == null ? null : g.producer(other);
            if (div == null || !div.getOpType().equals("Div") || div.getInputCount() != 2) return null;
            NodeProto sqrt = g.producer(div.getInput(1));
            if (sqrt == null || !sqrt.getOpType().equals("Sqrt") || sqrt.getInputCount() != 1) return null;
            NodeProto add = g.producer(sqrt.getInput(0));
            if (add == null || !add.getOpType().equals("Add")) return null;
            for (String in : add.getInputList()) {
                Float c = g.scalarFloat(in);
                if (c != null) {
                    if (!(c > 0f) || Float.isInfinite(c)) {
                        throw McgtException.badWeights("the LayerNorm epsilon of " + gamma + " is " + c + ", not positive");
                    }
                    return c;
                }
            }
            return null;
        }

        private void sameEpsilon(float eps, String gammaName) {
            float e = epsilon(gammaName);
            if (Float.compare(e, eps) != 0) {
                throw McgtException.badWeights("LayerNorm epsilons differ: " + prefix + gammaName + " uses " + e
                        + ", the embedding norm " + eps + " (the native format has one)");
            }
        }

        /**
         * Heads from the Reshape that splits the query (the output of its Add or Gemm) into
         * [batch, seq, heads, headDim]; 0 when the graph has no readable one.
         */
        private int headsFromGraph(String query) {
            if (query == null) return 0;
            for (NodeProto r : g.consumers(query)) {
                if (!r.getOpType().equals("Reshape") || r.getInputCount() < 2 || !r.getInput(0).equals(query)) continue;
                Long[] shape = g.ints(r.getInput(1));
                if (shape == null || shape.length != 4) continue;
                Long h = shape[2];
                Long hd = shape[3];
                if (h != null && h > 0 && h <= hidden && hd != null && hd > 0 && h * hd == hidden) return (int) (long) h;
                if (h != null && h > 0 && h <= hidden && (hd == null || hd <= 0) && hidden % h == 0) return (int) (long) h;
                if ((h == null || h < 0) && hd != null && hd > 0 && hd <= hidden && hidden % hd == 0) {
                    return (int) (hidden / hd);
                }
            }
            return 0;
        }

        private Activation activation() {
            if (g.hasOp("Erf")) return Activation.GELU_ERF;
            for (NodeProto n : g.nodesOf("Gelu")) {
                AttributeProto a = OnnxGraph.attribute(n, "approximate");
                boolean tanh = a != null && a.getS().toStringUtf8().equals("tanh");
                return tanh ? Activation.GELU_TANH : Activation.GELU_ERF;
            }
            if (g.hasOp("Tanh")) return Activation.GELU_TANH;
            throw McgtException.badWeights("cannot tell the FFN activation: the ONNX graph has no Erf, Gelu or Tanh node");
        }

        private void checkTokenizer(String json, int vocab) {
            WordPieceTokenizer t;
            try {
                t = WordPieceTokenizer.fromJson(json);
            } catch (McgtException e) {
                throw McgtException.badInput("the tokenizer.json cannot be used: " + e.detail());
            }
            if (t.vocabSize() > vocab) {
                throw McgtException.badInput("the tokenizer has " + t.vocabSize() + " tokens but the model's vocabulary "
                        + "has " + vocab + " rows");
            }
        }

        private static long opset(ModelProto m) {
            for (OperatorSetIdProto o : m.getOpsetImportList()) {
                if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) return o.getVersion();
            }
            return 0;
        }

        private static float[] transpose(float[] w, int rows, int cols) {
            float[] t = new float[w.length];
            for (int r = 0; r < rows; r++) {
                int ro = r * cols;
                for (int c = 0; c < cols; c++) t[c * rows + r] = w[ro + c];
            }
            return t;
        }
    }
}
