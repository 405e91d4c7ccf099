package dev.mcgt.scoring;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcgt.McgtException;
import dev.mcgt.StrictJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Nearest-centroid scoring head: one L2-normalised centroid per label, the direction of the mean of that label's
 * document embeddings. {@link #predict} returns the label whose centroid has the highest cosine with the
 * embedding (ties: the first label in sorted order). Immutable and thread-safe.
 *
 * <p>JSON form ({@link #toJson}, read strictly by {@link #fromJson}):
 * <pre>{"format": "mcgt-prototypes", "version": 1, "modelFingerprint": "…", "dimension": 384,
 *  "labels": ["ham", "spam"], "counts": [2075, 948], "centroids": [[…], […]]}</pre>
 * labels sorted and distinct, one count (documents the centroid was fitted on) and one centroid of
 * {@code dimension} finite numbers per label.
 */
public final class Prototypes {
    /** The {@code format} value of the JSON form. */
    public static final String FORMAT = "mcgt-prototypes";
    /** The {@code version} of the JSON form written here. */
    public static final int VERSION = 1;

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Set<String> FIELDS =
            Set.of("format", "version", "modelFingerprint", "dimension", "labels", "counts", "centroids");

    private final String modelFingerprint;
    private final List<String> labels;
    private final int[] counts;
    private final float[][] centroids;
    private final int dimension;

    private Prototypes(String modelFingerprint, List<String> labels, int[] counts, float[][] centroids, int dimension) {
        this.modelFingerprint = modelFingerprint;
        this.labels = List.copyOf(labels);
        this.counts = counts;
        this.centroids = centroids;
        this.dimension = dimension;
    }

    /**
     * Fits one centroid per label: the mean of the label's embeddings, L2-normalised.
     *
     * @param labels     one label per embedding
     * @param embeddings the document embeddings, all of one dimension
     * @throws McgtException BAD_INPUT for no embeddings, a count mismatch, a null or empty label, mixed dimensions,
     *                       non-finite values, or a label whose mean is the zero vector
     */
    public static Prototypes fit(String modelFingerprint, List<String> labels, List<float[]> embeddings) {
        if (modelFingerprint == null || modelFingerprint.isBlank()) {
            throw McgtException.badInput("prototypes need the model fingerprint");
        }
        if (labels == null || embeddings == null || embeddings.isEmpty()) {
            throw McgtException.badInput("prototypes need at least one labelled embedding");
        }
        if (labels.size() != embeddings.size()) {
            throw McgtException.badInput("prototypes need one label per embedding, got " + labels.size() + " labels for "
                    + embeddings.size() + " embeddings");
        }
        int dim = -1;
        TreeMap<String, double[]> sums = new TreeMap<>();
        TreeMap<String, Integer> n = new TreeMap<>();
        for (int i = 0; i < labels.size(); i++) {
            String label = labels.get(i);
            float[] e = embeddings.get(i);
            if (label == null || label.isEmpty()) throw McgtException.badInput("embedding " + i + " has no label");
            if (e == null || e.length == 0) throw McgtException.badInput("embedding " + i + " is empty");
            if (dim < 0) dim = e.length;
            if (e.length != dim) {
                throw McgtException.badInput("embedding " + i + " has dimension " + e.length + ", expected " + dim);
            }
            double[] s = sums.computeIfAbsent(label, k -> new double[e.length]);
            for (int j = 0; j < dim; j++) {
                if (!Float.isFinite(e[j])) throw McgtException.badInput("embedding " + i + " has a non-finite value");
                s[j] += e[j];
            }
            n.merge(label, 1, Integer::sum);
        }
        List<String> sorted = new ArrayList<>(sums.keySet());
        float[][] c = new float[sorted.size()][];
        int[] counts = new int[sorted.size()];
        for (int k = 0; k < sorted.size(); k++) {
            c[k] = normalised(sums.get(sorted.get(k)));
            if (c[k] == null) throw McgtException.badInput("the embeddings of label '" + sorted.get(k) + "' average to zero");
            counts[k] = n.get(sorted.get(k));
        }
        return new Prototypes(modelFingerprint, sorted, counts, c, dim);
    }

    private static float[] normalised(double[] v) {
        double norm = 0.0;
        for (double x : v) norm += x * x;
        norm = Math.sqrt(norm);
        if (!(norm > 0.0) || !Double.isFinite(norm)) return null;
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) out[i] = (float) (v[i] / norm);
        return out;
    }

    /** The fingerprint of the model whose embeddings the centroids come from. */
    public String modelFingerprint() { return modelFingerprint; }

    /** The labels, sorted (String order). */
    public List<String> labels() { return labels; }

    /** The embedding dimension. */
    public int dimension() { return dimension; }

    /** Documents each centroid was fitted on, in label order. */
    public int count(String label) {
        int i = labels.indexOf(label);
        if (i < 0) throw McgtException.badInput("unknown label '" + label + "'");
        return counts[i];
    }

    /** A copy of the centroid of {@code label} (L2-normalised). */
    public float[] centroid(String label) {
        int i = labels.indexOf(label);
        if (i < 0) throw McgtException.badInput("unknown label '" + label + "'");
        return centroids[i].clone();
    }

    /**
     * The nearest centroid by cosine (the embedding need not be normalised; a zero vector has cosine 0 with every
     * centroid). Ties go to the first label in sorted order.
     *
     * @throws McgtException BAD_INPUT when the embedding is null or of another dimension
     */
    public Prediction predict(float[] embedding) {
        if (embedding == null) throw McgtException.badInput("embedding is missing");
        if (embedding.length != dimension) {
            throw McgtException.badInput("embedding has dimension " + embedding.length + ", the prototypes " + dimension);
        }
        double norm = 0.0;
        for (float x : embedding) norm += (double) x * x;
        norm = Math.sqrt(norm);
        Map<String, Double> sims = new LinkedHashMap<>();
        int best = 0;
        double bestSim = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < labels.size(); k++) {
            double dot = 0.0;
            float[] c = centroids[k];
            for (int j = 0; j < dimension; j++) dot += (double) embedding[j] * c[j];
            double sim = norm == 0.0 ? 0.0 : dot / norm;
            sims.put(labels.get(k), sim);
            if (sim > bestSim) {
                bestSim = sim;
                best = k;
            }
        }
        return new Prediction(labels.get(best), bestSim, sims);
    }

    // ------------------------------------------------------------------------------------------------ JSON

    /** The JSON form (indented). */
    public String toJson() {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        root.put("modelFingerprint", modelFingerprint);
        root.put("dimension", dimension);
        ArrayNode l = root.putArray("labels");
        labels.forEach(l::add);
        ArrayNode n = root.putArray("counts");
        for (int c : counts) n.add(c);
        ArrayNode cs = root.putArray("centroids");
        for (float[] c : centroids) {
            ArrayNode a = cs.addArray();
            for (float x : c) a.add(x);
        }
        try {
            return MAPPER.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write prototypes JSON", e);
        }
    }

    /**
     * Parses the JSON form.
     *
     * @throws McgtException BAD_INPUT naming the problem: not JSON, wrong format or version, a missing, unknown or
     *                       mistyped field, unsorted or repeated labels, a centroid of the wrong dimension, a
     *                       non-finite value or a zero centroid
     */
    public static Prototypes fromJson(String json) {
        JsonNode root;
        try {
            root = StrictJson.read(json == null ? "" : json);
        } catch (McgtException e) {
            throw bad("not valid JSON: " + e.detail());
        }
        if (root == null || !root.isObject()) throw bad("expected a JSON object");
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) throw bad("unknown field '" + f + "'");
        }
        JsonNode format = field(root, "format");
        if (!format.isTextual() || !format.asText().equals(FORMAT)) throw bad("\"format\" must be \"" + FORMAT + "\"");
        JsonNode version = field(root, "version");
        if (!version.isInt() || version.intValue() != VERSION) {
            throw bad("unsupported version " + version + " (this build reads version " + VERSION + ")");
        }
        JsonNode fp = field(root, "modelFingerprint");
        if (!fp.isTextual() || fp.asText().isBlank()) throw bad("\"modelFingerprint\" must be a non-empty string");
        JsonNode dimNode = field(root, "dimension");
        if (!dimNode.isInt() || dimNode.intValue() < 1) throw bad("\"dimension\" must be a positive integer");
        int dim = dimNode.intValue();
        JsonNode labelsNode = field(root, "labels");
        if (!labelsNode.isArray() || labelsNode.isEmpty()) throw bad("\"labels\" must be a non-empty array");
        List<String> labels = new ArrayList<>();
        for (JsonNode l : labelsNode) {
            if (!l.isTextual() || l.asText().isEmpty()) throw bad("every label must be a non-empty string");
            String s = l.asText();
            if (!labels.isEmpty() && labels.get(labels.size() - 1).compareTo(s) >= 0) {
                throw bad("labels must be sorted and distinct ('" + labels.get(labels.size() - 1) + "' then '" + s + "')");
            }
            labels.add(s);
        }
        JsonNode countsNode = field(root, "counts");
        if (!countsNode.isArray() || countsNode.size() != labels.size()) {
            throw bad("\"counts\" must be an array of " + labels.size() + " integers, one per label");
        }
        int[] counts = new int[labels.size()];
        for (int k = 0; k < counts.length; k++) {
            JsonNode c = countsNode.get(k);
            if (!c.isInt() || c.intValue() < 1) throw bad("count of label '" + labels.get(k) + "' must be a positive integer");
            counts[k] = c.intValue();
        }
        JsonNode cs = field(root, "centroids");
        if (!cs.isArray() || cs.size() != labels.size()) {
            throw bad("\"centroids\" must be an array of " + labels.size() + " vectors, one per label");
        }
        float[][] centroids = new float[labels.size()][];
        for (int k = 0; k < labels.size(); k++) {
            JsonNode c = cs.get(k);
            String label = labels.get(k);
            if (!c.isArray()) throw bad("centroid of label '" + label + "' must be an array of numbers");
            if (c.size() != dim) {
                throw bad("centroid of label '" + label + "' has dimension " + c.size() + ", expected " + dim);
            }
            double[] v = new double[dim];
            for (int j = 0; j < dim; j++) {
                JsonNode x = c.get(j);
                if (!x.isNumber() || !Double.isFinite(x.doubleValue())) {
                    throw bad("centroid of label '" + label + "' has a non-number at " + j);
                }
                v[j] = x.doubleValue();
            }
            centroids[k] = normalised(v);
            if (centroids[k] == null) throw bad("centroid of label '" + label + "' is the zero vector");
        }
        return new Prototypes(fp.asText(), labels, counts, centroids, dim);
    }

    private static JsonNode field(JsonNode root, String name) {
        JsonNode v = root.get(name);
        if (v == null || v.isNull()) throw bad("field \"" + name + "\" is missing");
        return v;
    }

    private static McgtException bad(String msg) {
        return McgtException.badInput("prototypes: " + msg);
    }

    /** Writes the JSON form. */
    public void write(Path p) throws IOException {
        Files.writeString(p, toJson(), StandardCharsets.UTF_8);
    }

    /**
     * Reads the JSON form.
     *
     * @throws McgtException BAD_INPUT naming the file when it does not exist or does not parse
     */
    public static Prototypes read(Path p) throws IOException {
        String text;
        try {
            text = Files.readString(p, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw McgtException.badInput("cannot read prototypes file '" + p + "': no such file");
        }
        try {
            return fromJson(text);
        } catch (McgtException e) {
            throw McgtException.badInput("prototypes file '" + p + "': " + e.detail());
        }
    }

    @Override
    public String toString() {
        return "Prototypes[model=" + modelFingerprint + ", dimension=" + dimension + ", labels=" + labels + "]";
    }
}
