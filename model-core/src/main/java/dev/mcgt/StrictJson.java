package dev.mcgt;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * The one way JSON input is read, by every command and by the scoring job: documents (JSON lines, {@code .json}
 * files), policies, prototypes and gate packets. The text must hold exactly one JSON value with nothing after
 * it but whitespace (a second object on a line, one after a bare CR, or trailing garbage would otherwise be
 * silently dropped), and no object may repeat a key (which one would win is not something a user can see).
 * Strings may be as long as the input (a big document is one string); nesting depth and number length keep
 * Jackson's limits. Each problem is one line without the input itself.
 */
public final class StrictJson {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
            .build();
    private static final ObjectMapper MAPPER = new ObjectMapper(FACTORY);
    /** Structure only (for telling one document from several): no duplicate check. */
    private static final JsonFactory LENIENT = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
            .build();

    private StrictJson() { }

    /**
     * The one JSON value of {@code text}.
     *
     * @throws McgtException BAD_INPUT whose detail says what is wrong and where (line and column when the text has
     *                       several lines, else column): malformed JSON, no value, a second value, content after
     *                       the value, a repeated key
     */
    public static JsonNode read(String text) {
        boolean multiLine = text.indexOf('\n') >= 0;
        try (JsonParser p = FACTORY.createParser(text)) {
            JsonNode node = MAPPER.readTree(p);
            if (node == null || node.isMissingNode()) throw McgtException.badInput("no JSON value");
            JsonToken next;
            try {
                next = p.nextToken();
            } catch (JsonProcessingException e) {
                throw McgtException.badInput("unexpected content after the JSON value " + where(e.getLocation(), multiLine));
            }
            if (next != null) {
                JsonLocation at = p.currentTokenLocation();
                throw McgtException.badInput("a second JSON value starts " + where(at, multiLine)
                        + " (one value per record; JSON lines need one record per line)");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw McgtException.badInput(message(e, multiLine));
        } catch (IOException e) {
            throw McgtException.badInput("unreadable JSON: " + e.getMessage());
        }
    }

    /** True when {@code text} holds exactly one complete JSON object (repeated keys allowed: structure only). */
    public static boolean isOneObject(String text) {
        try (JsonParser p = LENIENT.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) return false;
            p.skipChildren();
            return p.nextToken() == null;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Index of the first unpaired surrogate of {@code s} (a {@code \ud800} escape without its partner: not a
     * Unicode character, written out as {@code ?}), or −1 when there is none.
     */
    public static int loneSurrogateAt(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return i;
            }
            if (Character.isLowSurrogate(c)) return i;
        }
        return -1;
    }

    private static String message(JsonProcessingException e, boolean multiLine) {
        String msg = e.getOriginalMessage() == null ? "unreadable" : e.getOriginalMessage();
        int nl = msg.indexOf('\n');
        if (nl >= 0) msg = msg.substring(0, nl);
        if (msg.startsWith("Duplicate field ")) msg = "duplicate field " + msg.substring("Duplicate field ".length());
        if (msg.startsWith("Unexpected end-of-input")) msg = "unexpected end of input";
        return msg + " " + where(e.getLocation(), multiLine);
    }

    private static String where(JsonLocation at, boolean multiLine) {
        if (at == null) return "";
        if (multiLine) return "at line " + at.getLineNr() + ", column " + at.getColumnNr();
        // one line (a JSON-lines record): Jackson also counts a bare CR as a line break, so use the offset
        long offset = at.getCharOffset();
        return offset >= 0 ? "at column " + (offset + 1) : "at column " + at.getColumnNr();
    }
}
