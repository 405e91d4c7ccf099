package dev.mcgt.runtime;

import dev.mcgt.gate.GatePacket;
import java.util.Arrays;

/**
 * The original design's Mixture-of-Depths route strings (docs/GATE.md), rebuilt from {@link DepthRouter}'s counts
 * so that {@code DepthRouterTest} checks them against the golden table: boundary tokens at a fixed stride, then
 * the first skipped tokens turned to compute up to the capacity, then up to the minimum. Positions are what the
 * original chose; ours are data-driven (only the counts are shared).
 */
final class ReferenceRoutes {
    /** A token's route: B boundary, C compute, '.' skip. */
    private static final char BOUNDARY = 'B';
    private static final char COMPUTE = 'C';
    private static final char SKIP = '.';

    private ReferenceRoutes() { }

    /** The route string of {@code n} tokens under {@code gate}. */
    static String of(DepthRouter router, GatePacket gate, int n) {
        char[] routes = new char[Math.max(n, 0)];
        Arrays.fill(routes, SKIP);
        if (n <= 0) return "";
        ModRoutingConfig config = router.config();
        int capacity = router.capacity(gate, n);
        int boundary = 0;
        if (config.boundaryTokenForceCompute()) {
            int bc = DepthRouter.boundaryTarget(gate, n);
            int step = Math.max(n / Math.max(bc, 1), 1);
            for (int i = 0; i < n && boundary < bc; i += step) {
                routes[i] = BOUNDARY;
                boundary++;
            }
        }
        int target = Math.max(capacity - boundary, 0);
        int converted = 0;
        for (int i = 0; i < n && converted < target; i++) {
            if (routes[i] == SKIP) {
                routes[i] = COMPUTE;
                converted++;
            }
        }
        int count = boundary + converted;
        for (int i = 0; i < n && count < config.minTokensPerLayer(); i++) {
            if (routes[i] == SKIP) {
                routes[i] = COMPUTE;
                count++;
            }
        }
        return new String(routes);
    }
}
