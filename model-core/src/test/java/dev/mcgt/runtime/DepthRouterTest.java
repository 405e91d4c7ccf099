package dev.mcgt.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcgt.McgtException;
import dev.mcgt.gate.GatePacket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Mixture-of-Depths capacity: the original design's golden routes and counts (docs/GATE.md). */
class DepthRouterTest {
    private static final DepthRouter ROUTER = new DepthRouter(ModRoutingConfig.defaults());

    @ParameterizedTest(name = "gate({0},{1},conc {2}) n={3}")
    @CsvSource({
            "100,95,20000,1,B",
            "100,95,20000,2,BC",
            "100,95,20000,4,BCCC",
            "100,95,20000,5,BCCC.",
            "100,95,20000,8,BCCC....",
            "100,95,20000,10,BCCCC.....",
            "100,95,20000,16,BCCCCCC.B.......",
            "100,95,20000,32,BCCCCCCCBCCCC...B.......B.......",
            "100,95,20000,64,BCCCCCCCCBCCCCCCCCBCCCCCC..B........B........B........B.........",
            "40,100,8000,8,BCC.B...",
            "40,100,8000,10,BCCC.B....",
            "40,100,8000,16,BCCCBC..B...B...",
            "40,100,8000,32,BCCCBCCCBCC.B...B...B...B.......",
            "5000,1000,0,32,BCCCBCCCBCCCB...B...B...B.......",
            "30000,10000,0,8,BCCCB...",
            "30000,10000,0,16,BCCCBCCCB...B...",
            "30000,10000,0,32,BCCCBCCCBCCCBCCCBC..B...B.......",
            "100,100,0,64,BCCCBCCCBCCCBCCCBCCCBC..B...B...B...B...B...B...B...............",
            "5000,1000,0,64,BCCCBCCCBCCCBCCCBCCCBCCCBC..B...B...B...B...B...B...............",
            "30000,10000,0,64,BCCCBCCCBCCCBCCCBCCCBCCCBCCCBCCCBCC.B...B...B...B...............",
    })
    void goldenRoutesAndCounts(long lambda, long prev, int conc, int n, String routes) {
        GatePacket g = new GatePacket(lambda, prev, 0, conc, 0, 0);
        assertThat(ReferenceRoutes.of(ROUTER, g, n)).isEqualTo(routes);
        long compute = routes.chars().filter(ch -> ch != '.').count();
        assertThat(ROUTER.computeCount(g, n)).isEqualTo((int) compute);
    }

    @Test
    void goldenCountsOfTheReferenceModelTable() {
        // 32 tokens under (100, 98): 15 compute, 17 skip; (5000, 1000) 64 tokens: 32; (30000, 10000): 39.
        assertThat(ROUTER.computeCount(GatePacket.of(100, 98), 32)).isEqualTo(15);
        assertThat(ROUTER.computeCount(GatePacket.of(5000, 1000), 64)).isEqualTo(32);
        assertThat(ROUTER.computeCount(GatePacket.of(30000, 10000), 64)).isEqualTo(39);
        assertThat(ROUTER.computeCount(GatePacket.of(100, 98), 10)).isEqualTo(5);
        assertThat(ROUTER.computeCount(GatePacket.of(100, 98), 0)).isZero();
    }

    @Test
    void configVariants() {
        DepthRouter min8 = new DepthRouter(ModRoutingConfig.defaults().withMinTokensPerLayer(8));
        assertThat(ReferenceRoutes.of(min8, new GatePacket(100, 99, 0, 30000, 0, 0), 16))
                .isEqualTo("BCCCCCC.B.......");
        DepthRouter plain = new DepthRouter(ModRoutingConfig.defaults().withBoundaryTokenForceCompute(false)
                .withAdaptiveCapacity(false));
        assertThat(ReferenceRoutes.of(plain, GatePacket.of(100, 95), 16)).isEqualTo("CCCCCCCC........");
        assertThat(ModRoutingConfig.withFlopsReduction(0.5f).layerCapacityRatio()).isEqualTo(0.5f);
        assertThat(ModRoutingConfig.withFlopsReduction(0.75f).layerCapacityRatio()).isEqualTo(0.25f);
        assertThat(ModRoutingConfig.withFlopsReduction(0.95f).layerCapacityRatio()).isEqualTo(0.100000024f);
        assertThat(ModRoutingConfig.withFlopsReduction(-1f).layerCapacityRatio()).isEqualTo(1.0f);
    }

    @Test
    void invalidConfigsAreRejected() {
        assertThatThrownBy(() -> new DepthRouter(ModRoutingConfig.defaults().withLayerCapacityRatio(0f)))
                .isInstanceOf(McgtException.class)
                .hasMessage("Bad configuration: layer_capacity_ratio must be in range (0.0, 1.0]");
        assertThatThrownBy(() -> new DepthRouter(new ModRoutingConfig(-1, true, 0.5f, 4, true)))
                .hasMessageContaining("lambda_delta_skip_threshold must be non-negative");
    }

    @Test
    void selectionPrefersForcedThenHighestScores() {
        boolean[] forced = {false, false, true, false, false};
        float[] score = {0.5f, 3f, 0f, 3f, 1f};
        boolean[] chosen = new boolean[5];
        assertThat(DepthRouter.select(5, 3, forced, score, chosen)).isEqualTo(3);
        assertThat(chosen).containsExactly(false, true, true, true, false);
        forced = new boolean[] {true, true, true, true, false};
        assertThat(DepthRouter.select(5, 2, forced, score, chosen)).isEqualTo(4);
    }
}
