package dev.mcgt.text;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcgt.McgtException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A BERT-family WordPiece tokenizer read from a Hugging Face {@code tokenizer.json}, producing the same ids as
 * the Hugging Face tokenizer.
 *
 * <p>Pipeline for one text: literal added tokens (e.g. {@code [SEP]} typed in the text) are cut out first; each
 * remaining piece goes through the {@link BertNormalizer}, the {@link BertPreTokenizer} and the {@link WordPiece}
 * model; the post-processor frames the result (e.g. {@code [CLS] … [SEP]}); truncation keeps the first content
 * tokens so that the whole encoding fits the requested length.
 *
 * <p>Supported: normalizer {@code BertNormalizer} (or none), pre-tokenizer {@code BertPreTokenizer}, model
 * {@code WordPiece}, post-processor {@code TemplateProcessing} (single-sequence template), {@code BertProcessing}
 * or none. Anything else is rejected with one clear line. Instances are immutable and thread-safe.
 */
public final class WordPieceTokenizer {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final BertNormalizer normalizer;
    private final WordPiece model;
    private final AddedTokens rawAddedTokens;
    private final AddedTokens normalizedAddedTokens;
    private final String[] idToToken;
    private final int[] prefixIds;
    private final int[] prefixTypeIds;
    private final int[] suffixIds;
    private final int[] suffixTypeIds;
    private final int sequenceTypeId;
    private final int clsId;
    private final int sepId;
    private final int padId;
    private final int maskId;
    private final int configuredMaxLength;

    private WordPieceTokenizer(Builder b) {
        this.normalizer = b.normalizer;
        this.model = b.model;
        this.rawAddedTokens = b.rawAddedTokens;
        this.normalizedAddedTokens = b.normalizedAddedTokens;
        this.idToToken = b.idToToken;
        this.prefixIds = b.prefixIds;
        this.prefixTypeIds = b.prefixTypeIds;
        this.suffixIds = b.suffixIds;
        this.suffixTypeIds = b.suffixTypeIds;
        this.sequenceTypeId = b.sequenceTypeId;
        this.clsId = b.clsId;
        this.sepId = b.sepId;
        this.padId = b.padId;
        this.maskId = b.maskId;
        this.configuredMaxLength = b.configuredMaxLength;
    }

    /** Reads a tokenizer from a {@code tokenizer.json} file. */
    public static WordPieceTokenizer fromFile(Path tokenizerJson) {
        try {
            return fromJson(Files.readString(tokenizerJson, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw McgtException.badConfig("cannot read tokenizer file " + tokenizerJson + ": " + e.getMessage());
        }
    }

    /** Parses the content of a Hugging Face {@code tokenizer.json}. */
    public static WordPieceTokenizer fromJson(String tokenizerJson) {
        if (tokenizerJson == null || tokenizerJson.isBlank()) {
            throw McgtException.badConfig("tokenizer.json is empty");
        }
        JsonNode root;
        try {
            root = JSON.readTree(tokenizerJson);
        } catch (JsonProcessingException e) {
            throw McgtException.badConfig("tokenizer.json is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw McgtException.badConfig("tokenizer.json must be a JSON object");
        }
        return new Builder().parse(root);
    }

    /** Encodes {@code text} without truncation: special tokens around all of its tokens. */
    public Encoding encode(String text) {
        return encode(text, Integer.MAX_VALUE);
    }

    /**
     * Encodes {@code text}, truncated so that the result (special tokens included) has at most {@code maxTokens}
     * tokens; the first content tokens are kept.
     *
     * @throws McgtException if {@code maxTokens} cannot even hold the special tokens
     */
    public Encoding encode(String text, int maxTokens) {
        int specials = prefixIds.length + suffixIds.length;
        if (maxTokens < specials) {
            throw McgtException.badInput("maxTokens must be at least " + specials + " (the special tokens), got "
                    + maxTokens);
        }
        int[] content = tokenize(text);
        int keep = Math.min(content.length, maxTokens - specials);
        int n = specials + keep;
        int[] ids = new int[n];
        int[] types = new int[n];
        System.arraycopy(prefixIds, 0, ids, 0, prefixIds.length);
        System.arraycopy(prefixTypeIds, 0, types, 0, prefixIds.length);
        System.arraycopy(content, 0, ids, prefixIds.length, keep);
        for (int i = 0; i < keep; i++) {
            types[prefixIds.length + i] = sequenceTypeId;
        }
        System.arraycopy(suffixIds, 0, ids, prefixIds.length + keep, suffixIds.length);
        System.arraycopy(suffixTypeIds, 0, types, prefixIds.length + keep, suffixIds.length);
        return new Encoding(ids, types, content.length - keep);
    }

    /** The content token ids of {@code text}: no special tokens, no truncation. Null counts as empty. */
    public int[] tokenize(String text) {
        IntList out = new IntList(text == null ? 4 : text.length() / 3 + 4);
        if (text == null || text.isEmpty()) {
            return out.toArray();
        }
        int pos = 0;
        while (pos < text.length()) {
            AddedTokens.Match m = rawAddedTokens.find(text, pos);
            int end = m == null ? text.length() : m.start();
            if (end > pos) {
                encodeRawPiece(text.substring(pos, end), out);
            }
            if (m == null) {
                break;
            }
            out.add(m.id());
            pos = m.end();
        }
        return out.toArray();
    }

    private void encodeRawPiece(String raw, IntList out) {
        String norm = normalizer == null ? raw : normalizer.normalize(raw);
        if (normalizedAddedTokens.isEmpty()) {
            encodeNormalizedPiece(norm, out);
            return;
        }
        int pos = 0;
        while (pos < norm.length()) {
            AddedTokens.Match m = normalizedAddedTokens.find(norm, pos);
            int end = m == null ? norm.length() : m.start();
            if (end > pos) {
                encodeNormalizedPiece(norm.substring(pos, end), out);
            }
            if (m == null) {
                break;
            }
            out.add(m.id());
            pos = m.end();
        }
    }

    private void encodeNormalizedPiece(String normalized, IntList out) {
        for (String word : BertPreTokenizer.split(normalized)) {
            model.tokenize(word, out);
        }
    }

    /** A chunker that frames chunks the way this tokenizer frames one encoding (e.g. {@code [CLS] … [SEP]}). */
    public Chunker chunker(int seqLenMax, int overlap) {
        return new Chunker(seqLenMax, overlap, prefixIds, suffixIds);
    }

    /** Number of ids: the highest id plus one. */
    public int vocabSize() {
        return idToToken.length;
    }

    /** The token of {@code id}, for debugging. */
    public String idToToken(int id) {
        if (id < 0 || id >= idToToken.length || idToToken[id] == null) {
            throw McgtException.badInput("token id " + id + " is not in the vocabulary (size " + idToToken.length
                    + ")");
        }
        return idToToken[id];
    }

    /** The id of {@code token} in the vocabulary, or -1. */
    public int tokenToId(String token) {
        return model.tokenToId(token);
    }

    /** Id of {@code [CLS]}, or -1 when the vocabulary has none. */
    public int clsId() {
        return clsId;
    }

    /** Id of {@code [SEP]}, or -1 when the vocabulary has none. */
    public int sepId() {
        return sepId;
    }

    /** Id of the unknown token. */
    public int unkId() {
        return model.unkId();
    }

    /** Id of the padding token, or -1 when there is none. */
    public int padId() {
        return padId;
    }

    /** Id of {@code [MASK]}, or -1 when the vocabulary has none. */
    public int maskId() {
        return maskId;
    }

    /** Number of special tokens the post-processor adds to one sequence (2 for BERT). */
    public int specialTokenCount() {
        return prefixIds.length + suffixIds.length;
    }

    /** The truncation length configured in tokenizer.json, or -1 when it configures none. */
    public int configuredMaxLength() {
        return configuredMaxLength;
    }

    /** The normalizer in use, or null when the tokenizer has none. */
    public BertNormalizer normalizer() {
        return normalizer;
    }

    /** Reads the JSON tree into the tokenizer's parts. */
    private static final class Builder {
        BertNormalizer normalizer;
        WordPiece model;
        AddedTokens rawAddedTokens = AddedTokens.NONE;
        AddedTokens normalizedAddedTokens = AddedTokens.NONE;
        String[] idToToken;
        int[] prefixIds = new int[0];
        int[] prefixTypeIds = new int[0];
        int[] suffixIds = new int[0];
        int[] suffixTypeIds = new int[0];
        int sequenceTypeId;
        int clsId = -1;
        int sepId = -1;
        int padId = -1;
        int maskId = -1;
        int configuredMaxLength = -1;

        WordPieceTokenizer parse(JsonNode root) {
            parseNormalizer(root.get("normalizer"));
            parsePreTokenizer(root.get("pre_tokenizer"));
            Map<String, Integer> vocab = parseModel(root.get("model"));
            Map<String, Integer> all = new LinkedHashMap<>(vocab);
            parseAddedTokens(root.get("added_tokens"), all);
            buildIdTable(all);
            clsId = idOrMinusOne(all, "[CLS]");
            sepId = idOrMinusOne(all, "[SEP]");
            padId = idOrMinusOne(all, "[PAD]");
            maskId = idOrMinusOne(all, "[MASK]");
            parsePostProcessor(root.get("post_processor"), all);
            parseTruncationAndPadding(root);
            return new WordPieceTokenizer(this);
        }

        private void parseNormalizer(JsonNode n) {
            if (isNull(n)) {
                return;
            }
            String type = text(n, "type", "normalizer");
            if (!"BertNormalizer".equals(type)) {
                throw McgtException.unsupported("tokenizer.json normalizer type '" + type
                        + "' is not supported (only BertNormalizer)");
            }
            JsonNode strip = n.get("strip_accents");
            Boolean stripAccents = isNull(strip) ? null : bool(n, "strip_accents", false);
            normalizer = BertNormalizer.of(bool(n, "clean_text", true), bool(n, "handle_chinese_chars", true),
                    stripAccents, bool(n, "lowercase", true));
        }

        private static void parsePreTokenizer(JsonNode n) {
            String type = isNull(n) ? "none" : text(n, "type", "pre_tokenizer");
            if (!"BertPreTokenizer".equals(type)) {
                throw McgtException.unsupported("tokenizer.json pre_tokenizer type '" + type
                        + "' is not supported (only BertPreTokenizer)");
            }
        }

        private Map<String, Integer> parseModel(JsonNode m) {
            if (isNull(m)) {
                throw McgtException.badConfig("tokenizer.json has no model");
            }
            String type = m.has("type") ? text(m, "type", "model") : "WordPiece";
            if (!"WordPiece".equals(type)) {
                throw McgtException.unsupported("tokenizer.json model type '" + type
                        + "' is not supported (only WordPiece)");
            }
            JsonNode v = m.get("vocab");
            if (isNull(v) || !v.isObject()) {
                throw McgtException.badConfig("tokenizer.json: WordPiece model has no vocab object");
            }
            Map<String, Integer> vocab = new LinkedHashMap<>(v.size() * 2);
            for (Iterator<Map.Entry<String, JsonNode>> it = v.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode id = e.getValue();
                if (!id.canConvertToInt() || !id.isIntegralNumber() || id.intValue() < 0) {
                    throw McgtException.badConfig("tokenizer.json: vocab entry '" + e.getKey()
                            + "' has no valid id: " + id);
                }
                vocab.put(e.getKey(), id.intValue());
            }
            String unk = m.has("unk_token") ? text(m, "unk_token", "model") : "[UNK]";
            String prefix = m.has("continuing_subword_prefix") ? text(m, "continuing_subword_prefix", "model") : "##";
            int maxChars = m.has("max_input_chars_per_word") ? m.get("max_input_chars_per_word").asInt(-1) : 100;
            model = new WordPiece(vocab, unk, prefix, maxChars);
            return vocab;
        }

        private void parseAddedTokens(JsonNode list, Map<String, Integer> all) {
            if (isNull(list)) {
                return;
            }
            if (!list.isArray()) {
                throw McgtException.badConfig("tokenizer.json: added_tokens must be an array");
            }
            List<AddedTokens.Token> raw = new ArrayList<>();
            List<AddedTokens.Token> normalized = new ArrayList<>();
            for (JsonNode t : list) {
                String content = text(t, "content", "added_tokens entry");
                JsonNode idNode = t.get("id");
                if (isNull(idNode) || !idNode.isIntegralNumber() || !idNode.canConvertToInt()
                        || idNode.intValue() < 0) {
                    throw McgtException.badConfig("tokenizer.json: added token '" + content + "' has no valid id");
                }
                if (bool(t, "single_word", false)) {
                    throw McgtException.unsupported("tokenizer.json: added token '" + content
                            + "' uses single_word, which is not supported");
                }
                // lstrip/rstrip only move whitespace into the token's span; the BERT pre-tokenizer drops
                // whitespace anyway, so they cannot change the ids.
                int id = idNode.intValue();
                all.put(content, id);
                boolean isSpecial = bool(t, "special", false);
                boolean isNormalized = bool(t, "normalized", !isSpecial);
                if (isNormalized && normalizer != null) {
                    normalized.add(new AddedTokens.Token(normalizer.normalize(content), id));
                } else {
                    raw.add(new AddedTokens.Token(content, id));
                }
            }
            rawAddedTokens = new AddedTokens(raw);
            normalizedAddedTokens = new AddedTokens(normalized);
        }

        private void buildIdTable(Map<String, Integer> all) {
            int max = -1;
            for (int id : all.values()) {
                max = Math.max(max, id);
            }
            idToToken = new String[max + 1];
            for (Map.Entry<String, Integer> e : all.entrySet()) {
                idToToken[e.getValue()] = e.getKey();
            }
        }

        private void parsePostProcessor(JsonNode p, Map<String, Integer> all) {
            if (isNull(p)) {
                return;
            }
            String type = text(p, "type", "post_processor");
            switch (type) {
                case "BertProcessing" -> {
                    int cls = pairId(p, "cls");
                    int sep = pairId(p, "sep");
                    prefixIds = new int[] {cls};
                    prefixTypeIds = new int[] {0};
                    suffixIds = new int[] {sep};
                    suffixTypeIds = new int[] {0};
                    clsId = cls;
                    sepId = sep;
                }
                case "TemplateProcessing" -> parseTemplate(p);
                default -> throw McgtException.unsupported("tokenizer.json post_processor type '" + type
                        + "' is not supported (only TemplateProcessing and BertProcessing)");
            }
        }

        private static int pairId(JsonNode p, String field) {
            JsonNode pair = p.get(field);
            if (isNull(pair) || !pair.isArray() || pair.size() != 2 || !pair.get(1).canConvertToInt()) {
                throw McgtException.badConfig("tokenizer.json: BertProcessing." + field + " must be [token, id]");
            }
            return pair.get(1).intValue();
        }

        private void parseTemplate(JsonNode p) {
            JsonNode single = p.get("single");
            if (isNull(single) || !single.isArray()) {
                throw McgtException.badConfig("tokenizer.json: TemplateProcessing has no 'single' template");
            }
            JsonNode specials = p.get("special_tokens");
            IntList preIds = new IntList(2);
            IntList preTypes = new IntList(2);
            IntList postIds = new IntList(2);
            IntList postTypes = new IntList(2);
            boolean seenSequence = false;
            for (JsonNode piece : single) {
                if (piece.has("Sequence")) {
                    if (seenSequence) {
                        throw McgtException.unsupported("tokenizer.json: TemplateProcessing single template with "
                                + "more than one sequence");
                    }
                    seenSequence = true;
                    sequenceTypeId = piece.get("Sequence").path("type_id").asInt(0);
                } else if (piece.has("SpecialToken")) {
                    JsonNode st = piece.get("SpecialToken");
                    String name = text(st, "id", "TemplateProcessing special token");
                    int typeId = st.path("type_id").asInt(0);
                    JsonNode def = specials == null ? null : specials.get(name);
                    if (isNull(def) || !def.path("ids").isArray() || def.path("ids").isEmpty()) {
                        throw McgtException.badConfig("tokenizer.json: TemplateProcessing special token '" + name
                                + "' is not defined in special_tokens");
                    }
                    for (JsonNode id : def.get("ids")) {
                        (seenSequence ? postIds : preIds).add(id.asInt());
                        (seenSequence ? postTypes : preTypes).add(typeId);
                    }
                } else {
                    throw McgtException.badConfig("tokenizer.json: unknown TemplateProcessing piece " + piece);
                }
            }
            if (!seenSequence) {
                throw McgtException.badConfig("tokenizer.json: TemplateProcessing single template has no sequence");
            }
            prefixIds = preIds.toArray();
            prefixTypeIds = preTypes.toArray();
            suffixIds = postIds.toArray();
            suffixTypeIds = postTypes.toArray();
        }

        private void parseTruncationAndPadding(JsonNode root) {
            JsonNode t = root.get("truncation");
            if (!isNull(t) && t.has("max_length")) {
                configuredMaxLength = t.get("max_length").asInt(-1);
            }
            JsonNode pad = root.get("padding");
            if (!isNull(pad) && pad.has("pad_id")) {
                padId = pad.get("pad_id").asInt(padId);
            }
        }

        private static int idOrMinusOne(Map<String, Integer> all, String token) {
            Integer id = all.get(token);
            return id == null ? -1 : id;
        }

        private static boolean isNull(JsonNode n) {
            return n == null || n.isNull() || n.isMissingNode();
        }

        private static String text(JsonNode n, String field, String where) {
            JsonNode v = n.get(field);
            if (isNull(v) || !v.isTextual()) {
                throw McgtException.badConfig("tokenizer.json: " + where + " has no string '" + field + "'");
            }
            return v.textValue();
        }

        private static boolean bool(JsonNode n, String field, boolean dflt) {
            JsonNode v = n.get(field);
            if (isNull(v)) {
                return dflt;
            }
            if (!v.isBoolean()) {
                throw McgtException.badConfig("tokenizer.json: '" + field + "' must be true or false, got " + v);
            }
            return v.booleanValue();
        }
    }
}
