package dev.mcgt.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcgt.McgtException;
import dev.mcgt.gate.GatePacket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The λ early-exit rule's golden table (docs/GATE.md) and the representation rule. */
class EarlyExitTest {

    private static EarlyExitConfig config(String name) {
        return switch (name) {
            case "default" -> EarlyExitConfig.defaults();
            case "aggressive" -> EarlyExitConfig.aggressive();
            case "conservative" -> EarlyExitConfig.conservative();
            case "fixed" -> EarlyExitConfig.defaults().withAdaptiveExitLayer(false);
            default -> throw new IllegalArgumentException(name);
        };
    }

    /**
     * Columns: config, λ, λprev, concentration, target layer, reason and confidence at the target. Rows where the
     * reference table leaves the concentration out used 10000 when it matters (aggressive 85/100).
     */
    @ParameterizedTest(name = "{0} {1}/{2} conc {3}")
    @CsvSource({
            "default,100,98,10000,1,CONFIDENT_EXIT,30500",
            "default,100,99,10000,1,CONFIDENT_EXIT,30635",
            "default,50,48,0,2,LAMBDA_TOO_LOW,0",
            "default,85,100,0,2,LAMBDA_UNSTABLE,27853",
            "default,100,98,25000,1,BOUNDARIES_TOO_CONCENTRATED,32100",
            "default,70,100,15000,3,LAMBDA_TOO_LOW,0",
            "default,100,0,0,3,LAMBDA_UNSTABLE,0",
            "default,200,200,0,1,CONFIDENT_EXIT,32767",
            "default,80,80,16384,1,CONFIDENT_EXIT,26869",
            "aggressive,85,100,10000,1,CONFIDENT_EXIT,26835",
            "aggressive,70,100,15000,2,LAMBDA_UNSTABLE,22938",
            "aggressive,50,48,0,1,LAMBDA_TOO_LOW,0",
            "conservative,100,98,10000,3,CONFIDENT_EXIT,30500",
            "conservative,80,80,16384,3,LAMBDA_TOO_LOW,0",
            "fixed,100,98,10000,2,CONFIDENT_EXIT,30500",
            "fixed,85,100,0,2,LAMBDA_UNSTABLE,27853",
    })
    void goldenTable(String cfg, long lambda, long prev, int conc, int target, ExitReason reason, int confidence) {
        EarlyExit e = new EarlyExit(config(cfg), 4);
        GatePacket g = new GatePacket(lambda, prev, 0, conc, 0, 0);
        for (int layer = 0; layer < 4; layer++) {
            EarlyExitDecision d = e.shouldExit(g, layer);
            if (layer == target) {
                assertThat(d.reason()).isEqualTo(reason);
                assertThat(d.confidenceQ15()).isEqualTo(confidence);
                assertThat(d.exitLayer()).isEqualTo(layer);
                assertThat(d.canExit()).isEqualTo(reason == ExitReason.CONFIDENT_EXIT);
                assertThat(d.enableSpeculation()).isEqualTo(reason == ExitReason.CONFIDENT_EXIT);
            } else {
                assertThat(d).isEqualTo(new EarlyExitDecision(false, 0, target, ExitReason.FORCED_CONTINUE, false));
            }
            assertThat(e.canExitAt(g, layer)).isEqualTo(d.canExit());
        }
    }

    @Test
    void validationFollowsTheReference() {
        assertThatThrownBy(() -> new EarlyExit(EarlyExitConfig.defaults(), 2)).isInstanceOf(McgtException.class)
                .hasMessage("Bad configuration: exit_layer must be less than total layers");
        new EarlyExit(EarlyExitConfig.aggressive(), 2);
        new EarlyExit(EarlyExitConfig.defaults(), 3);
        assertThatThrownBy(() -> new EarlyExit(EarlyExitConfig.conservative(), 3))
                .hasMessageContaining("exit_layer must be less than total layers");
        assertThatThrownBy(() -> GatedTransformerFactory.microWithExit(EarlyExitConfig.defaults()))
                .hasMessageContaining("exit_layer must be less than total layers");
    }

    @Test
    void speculationHelpers() {
        float[] draft = {10, 100, 30, 20};
        float[] full = {15, 95, 135, 25};
        assertThat(EarlyExit.verifySpeculation(draft, full)).isFalse();
        assertThat(EarlyExit.verifySpeculationTopk(draft, full, 2)).isTrue();
        assertThat(EarlyExit.topk(new float[] {5, 5, 5, 5, 1}, 1)).containsExactly(3);
        assertThat(EarlyExit.topk(new float[] {5, 5, 5, 5, 1}, 2)).containsExactly(1, 3);
        assertThat(EarlyExit.topk(new float[] {5, 5, 5, 5, 1}, 3)).containsExactly(1, 2, 3);
        assertThat(EarlyExit.topk(new float[] {3, 1, 3, 2, 3}, 2)).containsExactly(2, 4);
        assertThat(EarlyExit.topk(new float[] {7, 7}, 2)).containsExactly(1, 0);
        assertThat(EarlyExit.topk(new float[] {1, 2, 3, 4, 5}, 3)).containsExactly(4, 3, 2);
        assertThat(EarlyExit.topk(new float[] {5, 4, 3, 2, 1}, 3)).containsExactly(0, 1, 2);
        assertThat(EarlyExit.verifySpeculationTopk(new float[] {1, 5, 5, 0}, new float[] {5, 5, 5, 1}, 1)).isFalse();
    }

    @Test
    void representationRule() {
        float[] prev = {3f, 4f};
        assertThat(EarlyExit.converged(prev, new float[] {3f, 4.04f}, 2, 0.01f)).isTrue();
        assertThat(EarlyExit.converged(prev, new float[] {3f, 4.06f}, 2, 0.01f)).isFalse();
        assertThat(EarlyExit.relativeChange(prev, new float[] {3f, 4.5f}, 2)).isEqualTo(0.1f);
        assertThat(EarlyExit.converged(new float[2], new float[2], 2, 0.01f)).isTrue();
    }

    /** Tiny helper so the failing construction reads as one line. */
    private static final class GatedTransformerFactory {
        static GatedTransformer microWithExit(EarlyExitConfig c) {
            return Fixtures.model(Fixtures.MICRO, RuntimeOptions.defaults().withEarlyExit(c));
        }
    }
}
