package dev.mcgt.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcgt.McgtException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyJsonTest {

    private static final String DEFAULTS_JSON = """
            {
              "lambdaMin" : 30,
              "dropRatioQ15Max" : 12288,
              "boundaryEdgesMax" : 20,
              "boundaryConcentrationQ15Max" : 20480,
              "partitionsMax" : 10,
              "spikeRateQ15Max" : 16384,
              "spikeNoveltyQ15Min" : 2048,
              "allowKvWriteWhenUnstable" : true,
              "allowExternalWriteWhenUnstable" : false
            }
            """;

    @TempDir Path dir;

    @Test
    void writesEveryFieldInRecordOrderWithCamelCaseNames() {
        assertThat(PolicyJson.toJson(GatePolicy.defaults())).isEqualToIgnoringWhitespace(DEFAULTS_JSON);
    }

    @Test
    void presetsRoundTripThroughJsonAndFiles() {
        for (GatePolicy p : new GatePolicy[] {GatePolicy.defaults(), GatePolicy.conservative(), GatePolicy.permissive(),
                new GatePolicy(0xFFFF_FFFFL, 32767, 65535, 0, 65535, 32767, 0, false, true)}) {
            assertThat(PolicyJson.fromJson(PolicyJson.toJson(p))).isEqualTo(p);
            Path file = dir.resolve("p.json");
            PolicyJson.save(p, file);
            assertThat(PolicyJson.load(file)).isEqualTo(p);
        }
        assertThat(PolicyJson.fromJson(DEFAULTS_JSON)).isEqualTo(GatePolicy.defaults());
    }

    @Test
    void missingUnknownAndMistypedFieldsNameTheField() {
        assertBadConfig(() -> PolicyJson.fromJson(DEFAULTS_JSON.replace("\"lambdaMin\" : 30,", "")),
                "policy field 'lambdaMin' is missing");
        assertBadConfig(() -> PolicyJson.fromJson(DEFAULTS_JSON.replace("\"lambdaMin\"", "\"lambda_min\"")),
                "unknown policy field 'lambda_min'");
        assertBadConfig(() -> PolicyJson.fromJson(DEFAULTS_JSON.replace(": 20,", ": \"20\",")),
                "policy field 'boundaryEdgesMax' must be an integer");
        assertBadConfig(() -> PolicyJson.fromJson(DEFAULTS_JSON.replace(": 20,", ": 20.5,")),
                "policy field 'boundaryEdgesMax' must be an integer");
        assertBadConfig(() -> PolicyJson.fromJson(DEFAULTS_JSON.replace(": 20,", ": 99999999999,")),
                "policy field 'boundaryEdgesMax' is out of range");
        assertBadConfig(() -> PolicyJson.fromJson(DEFAULTS_JSON.replace(": true,", ": 1,")),
                "policy field 'allowKvWriteWhenUnstable' must be true or false");
        assertBadConfig(() -> PolicyJson.fromJson(DEFAULTS_JSON.replace("{", "{\"partitionsMax\": 3,")),
                "partitionsMax");
    }

    @Test
    void loadedPoliciesAreValidated() {
        assertBadConfig(() -> PolicyJson.fromJson(DEFAULTS_JSON.replace("12288", "40000")), "drop_ratio_q15_max");
        assertBadConfig(() -> PolicyJson.fromJson(DEFAULTS_JSON.replace(": 30,", ": -1,")), "lambda_min");
        assertBadConfig(() -> PolicyJson.fromJson("[1, 2]"), "policy JSON must be an object");
        assertBadConfig(() -> PolicyJson.fromJson("{\"lambdaMin\": "), "policy is not valid JSON");
        assertBadConfig(() -> PolicyJson.save(new GatePolicy(1, 40000, 1, 1, 1, 1, 1, true, true), dir.resolve("x")),
                "drop_ratio_q15_max");
    }

    @Test
    void fileErrorsNameTheFile() throws Exception {
        Path missing = dir.resolve("missing.json");
        assertBadConfig(() -> PolicyJson.load(missing), "cannot read policy file '" + missing + "': no such file");
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"lambdaMin\": 1}");
        assertBadConfig(() -> PolicyJson.load(bad), "policy file '" + bad + "': policy field 'dropRatioQ15Max' is missing");
    }

    private static void assertBadConfig(ThrowingCallable call, String fragment) {
        assertThatThrownBy(call).isInstanceOf(McgtException.class).satisfies(e -> {
            McgtException m = (McgtException) e;
            assertThat(m.kind()).isEqualTo(McgtException.Kind.BAD_CONFIG);
            assertThat(m.getMessage()).contains(fragment).doesNotContain("\n");
        });
    }
}
