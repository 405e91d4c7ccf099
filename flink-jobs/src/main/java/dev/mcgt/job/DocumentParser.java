package dev.mcgt.job;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcgt.McgtException;
import dev.mcgt.StrictJson;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Turns a {@link RawRecord} into a {@link SourceDocument}, or says in one line why it cannot: invalid UTF-8,
 * malformed JSON (read by {@link StrictJson}: exactly one value, nothing after it, no repeated key), not a JSON
 * object, a missing or empty id, a missing, non-string or blank text, a label that is not a scalar, an id or label
 * that is not valid Unicode (a lone surrogate), a {@code more} field that is not a boolean, a record over the size
 * limit. Unknown fields are ignored. {@code "more": true} marks a part of a document that continues in a later record with the same id. Blank JSON lines are not records at
 * all ({@link Result#blank()}). Stateless and thread-safe; duplicate ids are caught later, per key.
 */
public final class DocumentParser implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The field that says a document continues in a later record with the same id. */
    public static final String MORE_FIELD = "more";

    private final InputFields fields;
    private final long maxRecordBytes;

    /**
     * @param fields         the field names
     * @param maxRecordBytes the size limit the reader applied (for the message of an oversize record)
     */
    public DocumentParser(InputFields fields, long maxRecordBytes) {
        this.fields = fields;
        this.maxRecordBytes = maxRecordBytes;
    }

    /** A parsed document, a reject, or nothing (a blank line). */
    public record Result(SourceDocument document, InputReject reject) {
        static Result ok(SourceDocument d) { return new Result(d, null); }

        static Result rejected(InputReject r) { return new Result(null, r); }

        /** Neither a document nor a reject: a blank line. */
        public boolean blank() { return document == null && reject == null; }
    }

    /** Parses one record. */
    public Result parse(RawRecord r) {
        if (r.oversize()) {
            return reject(r, null, "record is " + r.size() + " bytes, over the limit of " + maxRecordBytes
                    + " bytes (--max-record-mb)", null);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(r.bytes())).toString();
        } catch (CharacterCodingException e) {
            return reject(r, null, "invalid UTF-8 at byte " + firstInvalidUtf8(r.bytes()),
                    new String(r.bytes(), 0, (int) Math.min(r.bytes().length, 4 * InputReject.EXCERPT_CHARS),
                            StandardCharsets.UTF_8));
        }
        if (!text.isEmpty() && text.charAt(0) == '\uFEFF') text = text.substring(1);
        return switch (r.kind()) {
            case TEXT_FILE -> text.isBlank() ? reject(r, r.file(), "text is empty", text)
                    : Result.ok(new SourceDocument(r.file(), text, null, r.origin(), r.line(), false));
            case JSON_LINE, JSON_FILE -> text.isBlank() && r.kind() == RawRecord.Kind.JSON_LINE ? new Result(null, null)
                    : parseJson(r, text);
        };
    }

    private Result parseJson(RawRecord r, String text) {
        JsonNode node;
        try {
            node = StrictJson.read(text);
        } catch (McgtException e) {
            String hint = r.kind() == RawRecord.Kind.JSON_FILE && text.strip().indexOf('\n') >= 0
                    ? " (a .json file holds one document; one document per line is a .jsonl file)" : "";
            return reject(r, null, "malformed JSON: " + e.detail() + hint, text);
        }
        if (!node.isObject()) return reject(r, null, "expected a JSON object, got " + kind(node), text);
        JsonNode idNode = node.get(fields.idField());
        String id;
        if (idNode == null || idNode.isNull()) return reject(r, null, "missing id field '" + fields.idField() + "'", text);
        if (idNode.isTextual()) id = idNode.textValue();
        else if (idNode.isIntegralNumber()) id = idNode.asText();
        else return reject(r, null, "id field '" + fields.idField() + "' must be a string or an integer, got " + kind(idNode), text);
        if (id.isBlank()) return reject(r, null, "id field '" + fields.idField() + "' is empty", text);
        String badId = notUnicode("id field '" + fields.idField() + "'", id);
        if (badId != null) return reject(r, null, badId, text);
        JsonNode textNode = node.get(fields.textField());
        if (textNode == null || textNode.isNull()) return reject(r, id, "missing text field '" + fields.textField() + "'", text);
        if (!textNode.isTextual()) {
            return reject(r, id, "text field '" + fields.textField() + "' must be a string, got " + kind(textNode), text);
        }
        if (textNode.textValue().isBlank()) return reject(r, id, "text field '" + fields.textField() + "' is empty", text);
        JsonNode labelNode = node.get(fields.labelField());
        String label = null;
        if (labelNode != null && !labelNode.isNull()) {
            if (!labelNode.isValueNode()) {
                return reject(r, id, "label field '" + fields.labelField() + "' must be a string, number or boolean, got "
                        + kind(labelNode), text);
            }
            label = labelNode.asText();
            if (label.isBlank()) return reject(r, id, "label field '" + fields.labelField() + "' is empty", text);
            String badLabel = notUnicode("label field '" + fields.labelField() + "'", label);
            if (badLabel != null) return reject(r, id, badLabel, text);
        }
        JsonNode moreNode = node.get(MORE_FIELD);
        boolean more = false;
        if (moreNode != null && !moreNode.isNull()) {
            if (!moreNode.isBoolean()) {
                return reject(r, id, "field '" + MORE_FIELD + "' must be true or false, got " + kind(moreNode), text);
            }
            more = moreNode.booleanValue();
        }
        return Result.ok(new SourceDocument(id, textNode.textValue(), label, r.origin(), r.line(), more));
    }

    /**
     * Why {@code value} cannot be written out as it is (a lone surrogate, which UTF-8 output turns into {@code ?},
     * so that two ids would become one), or null when it can.
     */
    private static String notUnicode(String what, String value) {
        int at = StrictJson.loneSurrogateAt(value);
        if (at < 0) return null;
        return what + " is not valid Unicode: a lone surrogate (U+"
                + Integer.toHexString(value.charAt(at)).toUpperCase(java.util.Locale.ROOT) + ") at character " + (at + 1);
    }

    private static Result reject(RawRecord r, String id, String reason, String text) {
        return Result.rejected(new InputReject(r.origin(), id, reason, InputReject.excerpt(text)));
    }

    private static String kind(JsonNode n) {
        return switch (n.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> n.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    /** Offset of the first byte that does not start or continue a valid UTF-8 sequence. */
    static int firstInvalidUtf8(byte[] b) {
        var dec = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(b);
        var out = java.nio.CharBuffer.allocate(4096);
        while (true) {
            var res = dec.decode(in, out, true);
            if (res.isError()) return in.position();
            if (res.isUnderflow()) return b.length;
            out.clear();
        }
    }
}
