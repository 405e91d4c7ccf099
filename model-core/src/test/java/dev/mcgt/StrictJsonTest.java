package dev.mcgt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcgt.config.GatePolicy;
import dev.mcgt.config.PolicyJson;
import dev.mcgt.scoring.Prototypes;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The one strict reading path for JSON input: exactly one value, nothing after it but whitespace, no repeated
 * key; and the two file loaders of the core (policies, prototypes) go through it, so concatenated files are
 * refused instead of silently applying the first one.
 */
class StrictJsonTest {

    @Test
    void acceptsOneValueWithSurroundingWhitespace() {
        assertThat(StrictJson.read("  {\"a\": 1, \"b\": [1, 2]}  \r\n").get("b").size()).isEqualTo(2);
        assertThat(StrictJson.read("\n{\n  \"a\": \"x\"\n}\n\n").get("a").asText()).isEqualTo("x");
        assertThat(StrictJson.read("[1]").isArray()).isTrue();
    }

    @Test
    void refusesASecondValueTrailingContentRepeatedKeysAndNothing() {
        assertRefused("{\"id\": 1} {\"id\": 2}", "a second JSON value starts at column 11");
        assertRefused("{\"id\": 1}\r{\"id\": 2}", "a second JSON value starts at column 11");
        assertRefused("{\"id\": 1}\n\n{\"id\": 2}\n", "a second JSON value starts at line 3, column 1");
        assertRefused("{\"id\": 1} garbage", "unexpected content after the JSON value");
        assertRefused("{\"id\": 1}}", "unexpected content after the JSON value");
        assertRefused("{\"id\": 1, \"id\": 2}", "duplicate field 'id'");
        assertRefused("{\"a\": {\"k\": 1, \"k\": 2}}", "duplicate field 'k'");
        assertRefused("   ", "no JSON value");
        assertRefused("{\"id\": ", "unexpected end of input");
        assertRefused("{not json}", "at column 2");
    }

    @Test
    void findsLoneSurrogates() {
        assertThat(StrictJson.loneSurrogateAt("plain")).isEqualTo(-1);
        assertThat(StrictJson.loneSurrogateAt("emoji \uD83D\uDE00 ok")).isEqualTo(-1);
        assertThat(StrictJson.loneSurrogateAt("a\uD800")).isEqualTo(1);
        assertThat(StrictJson.loneSurrogateAt("ab\uDC00c")).isEqualTo(2);
        assertThat(StrictJson.loneSurrogateAt("\uDE00\uD83D")).isEqualTo(0);
    }

    @Test
    void aConcatenatedPolicyFileIsRefusedNotHalfApplied() {
        String old = PolicyJson.toJson(GatePolicy.conservative());
        String fresh = PolicyJson.toJson(GatePolicy.permissive());
        assertThatThrownBy(() -> PolicyJson.fromJson(old + fresh)).isInstanceOf(McgtException.class)
                .hasMessageContaining("policy is not valid JSON: a second JSON value starts at line");
        assertThatThrownBy(() -> PolicyJson.fromJson(old.trim() + " trailing")).isInstanceOf(McgtException.class)
                .hasMessageContaining("unexpected content after the JSON value");
    }

    @Test
    void aConcatenatedPrototypesFileIsRefused() {
        Prototypes p = Prototypes.fit("f".repeat(64), List.of("a", "b"), List.of(new float[] {1f, 0f}, new float[] {0f, 1f}));
        String json = p.toJson();
        assertThat(Prototypes.fromJson(json).labels()).containsExactly("a", "b");
        assertThatThrownBy(() -> Prototypes.fromJson(json + json)).isInstanceOf(McgtException.class)
                .hasMessageContaining("a second JSON value starts at line");
    }

    private static void assertRefused(String text, String reason) {
        assertThatThrownBy(() -> StrictJson.read(text)).isInstanceOf(McgtException.class)
                .satisfies(e -> assertThat(((McgtException) e).detail()).contains(reason).doesNotContain("\n"));
    }
}
