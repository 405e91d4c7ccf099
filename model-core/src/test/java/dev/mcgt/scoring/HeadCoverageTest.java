package dev.mcgt.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.mcgt.McgtException;
import dev.mcgt.config.GatePolicy;
import dev.mcgt.runtime.TokenPruning;
import dev.mcgt.runtime.TruncatedTier;
import org.junit.jupiter.api.Test;

/** The head coverage rule: its figure, its threshold, and its place in policy files. */
class HeadCoverageTest {
    @Test
    void coverageIsTheCosineOfTheHeadsAndTheRestsMeanEmbeddings() {
        int dim = 2;
        // head (2 tokens) points along x, the rest along y: coverage 0; the same direction: 1
        float[] orthogonal = {1, 0, 1, 0, 0, 1, 0, 1};
        float[] scratchA = new float[dim];
        float[] scratchB = new float[dim];
        assertThat(HeadCoverage.coverage(orthogonal, 4, dim, 2, scratchA, scratchB)).isEqualTo(0f);
        float[] alike = {1, 0, 2, 0, 3, 0, 1, 0};
        assertThat(HeadCoverage.coverage(alike, 4, dim, 2, scratchA, scratchB)).isCloseTo(1f, within(1e-6f));
        float[] diagonal = {1, 0, 0, 1, 1, 1};
        assertThat(HeadCoverage.coverage(diagonal, 3, dim, 1, scratchA, scratchB))
                .isCloseTo((float) (1 / Math.sqrt(5)), within(1e-6f));
        // head (1, 0), rest (1, 2): 1/sqrt(5) above; a chunk no longer than the head is computed in full by tier 1: nothing to cover
        assertThat(HeadCoverage.coverage(orthogonal, 2, dim, 2, scratchA, scratchB)).isEqualTo(1f);
        HeadCoverage rule = new HeadCoverage(2, 0.5f);
        assertThat(rule.promotes(0f)).isTrue();
        assertThat(rule.promotes(0.5f)).isFalse();
        assertThat(rule.promotes(1f)).isFalse();
        assertThatThrownBy(() -> new HeadCoverage(0, 0.5f)).isInstanceOf(McgtException.class);
        assertThatThrownBy(() -> new HeadCoverage(2, 0f)).hasMessageContaining("(0, 1]");
    }

    @Test
    void aPolicyFileCarriesTheRuleOnlyWhenItIsOnAndOnlyForATruncatedTier() {
        GatingProfile base = GatingProfile.of(GatePolicy.conservative()).withTruncated(new TruncatedTier(6, 16));
        String off = GatingProfileJson.toJson(base);
        assertThat(off).doesNotContain("headCoverage");
        assertThat(GatingProfileJson.fromJson(off).headCoverageMin()).isEqualTo(0f);
        GatingProfile on = base.withHeadCoverageMin(0.64101607f);
        String json = GatingProfileJson.toJson(on);
        assertThat(json).contains("\"headCoverage\"").contains("\"minCosine\"");
        GatingProfile back = GatingProfileJson.fromJson(json);
        assertThat(back).isEqualTo(on);
        assertThat(back.headCoverageMin()).isEqualTo(0.64101607f);
        assertThat(GatingProfileJson.toJson(back)).isEqualTo(json);
        assertThat(back.scorerConfig(ScorerConfig.defaults()).headCoverage()).isEqualTo(new HeadCoverage(16, 0.64101607f));
        assertThat(on.describe()).contains("head coverage");
        // changing the tier 1 to a pruned one drops the rule; a pruned profile cannot take one
        assertThat(on.withPruning(new TokenPruning(1, 32)).headCoverageMin()).isEqualTo(0f);
        assertThatThrownBy(() -> GatingProfile.of(GatePolicy.conservative()).withHeadCoverageMin(0.5f))
                .hasMessageContaining("truncated sizes");
        assertThatThrownBy(() -> GatingProfileJson.fromJson(json.replace("\"minCosine\"", "\"min\"")))
                .isInstanceOf(McgtException.class);
        assertThatThrownBy(() -> GatingProfileJson.fromJson(json.replace("0.64101607", "1.5")))
                .hasMessageContaining("[0, 1]");
    }
}
