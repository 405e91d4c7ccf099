package dev.mcgt.cli;

import dev.mcgt.McgtException;
import dev.mcgt.config.GatePolicy;
import dev.mcgt.gate.GatePacket;
import dev.mcgt.runtime.GatedTransformer;
import dev.mcgt.runtime.InferBuffers;
import dev.mcgt.runtime.InferInput;
import dev.mcgt.runtime.InferOutput;
import dev.mcgt.runtime.InferState;
import dev.mcgt.runtime.InferStats;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * The inputs {@code mcgt bench} replays on one stream: one chunk of tokens and, per kind of call, the gate
 * packet that the controller maps to that tier under the given policy. Tier 0: a coherent packet; tier 1: one
 * boundary edge (else concentration, else partition) above the policy's maximum; tier 2: the FORCE_SAFE flag;
 * skip: the SKIP flag with the chunk's own signature (which every computed call caches), so every skip is a cache
 * hit, as in the JMH workloads ({@code dev.mcgt.bench.Workloads}).
 */
final class BenchWorkload {
    /** The kinds of call a workload mixes. */
    enum Kind { TIER0, TIER1, TIER2, CACHE_HIT }

    /** Seed of the chunk's token ids and of the mix order (fixed, so runs replay the same sequence). */
    static final long SEED = 20240611L;

    private final GatedTransformer model;
    private final Map<Kind, InferInput> inputs = new EnumMap<>(Kind.class);
    private final InferState state;
    private final InferBuffers buffers;
    private final InferOutput output;

    BenchWorkload(GatedTransformer model, int tokenCount) {
        this.model = model;
        int vocab = model.config().vocabSize();
        SplittableRandom r = new SplittableRandom(SEED);
        int[] tokens = new int[tokenCount];
        for (int i = 0; i < tokenCount; i++) tokens[i] = r.nextInt(vocab);
        GatePolicy p = model.policy();
        long lambda = Math.max(p.lambdaMin(), 100);
        GatePacket coherent = GatePacket.of(lambda, lambda);
        inputs.put(Kind.TIER0, InferInput.of(tokens, coherent));
        inputs.put(Kind.TIER1, InferInput.of(tokens, reduced(p, lambda)));
        inputs.put(Kind.TIER2, InferInput.of(tokens, coherent.withFlags(GatePacket.FLAG_FORCE_SAFE)));
        GatePacket skip = coherent.withFlags(GatePacket.FLAG_SKIP);
        inputs.put(Kind.CACHE_HIT, InferInput.of(tokens, skip));
        this.state = model.newState();
        this.buffers = model.newBuffers();
        this.output = model.newOutput();
    }

    private static GatePacket reduced(GatePolicy p, long lambda) {
        if (p.boundaryEdgesMax() < 0xFFFF) return new GatePacket(lambda, lambda, p.boundaryEdgesMax() + 1, 0, 0, 0);
        if (p.boundaryConcentrationQ15Max() < 0xFFFF) {
            return new GatePacket(lambda, lambda, 0, p.boundaryConcentrationQ15Max() + 1, 0, 0);
        }
        if (p.partitionsMax() < 0xFFFF) return new GatePacket(lambda, lambda, 0, 0, p.partitionsMax() + 1, 0);
        throw McgtException.badConfig("this policy never reduces scope, so no packet reaches tier 1");
    }

    /**
     * Primes the stream (one computed call caches the chunk's signature) and checks that every kind in use
     * lands where it should.
     */
    void prime(Kind[] schedule) {
        run(Kind.TIER0);
        for (Kind k : Kind.values()) {
            boolean used = false;
            for (Kind s : schedule) used |= s == k;
            if (!used) continue;
            InferStats s = run(k);
            int expectedTier = switch (k) {
                case TIER0 -> 0;
                case TIER1 -> 1;
                case TIER2 -> 2;
                case CACHE_HIT -> 3;
            };
            if (s.tier() != expectedTier || s.cacheHit() != (k == Kind.CACHE_HIT)) {
                throw McgtException.badConfig("the bench packet for " + k + " ran at tier " + s.tier()
                        + (s.cacheHit() ? " (cache hit)" : "") + " under this policy");
            }
        }
    }

    /** One inference of this kind on the stream; the returned stats are live until the next call. */
    InferStats run(Kind k) {
        model.infer(inputs.get(k), state, buffers, output);
        return output.stats();
    }

    /** A schedule that runs only one tier ({@code 3} = cache hit). */
    static Kind[] tier(int tier) {
        return new Kind[] {switch (tier) {
            case 0 -> Kind.TIER0;
            case 1 -> Kind.TIER1;
            case 2 -> Kind.TIER2;
            case 3 -> Kind.CACHE_HIT;
            default -> throw new IllegalArgumentException("tier " + tier);
        }};
    }

    /**
     * 100 calls in a fixed pseudo-random order: {@code skip} % skipped (cache hits, as in the JMH workloads),
     * {@code tier1} % tier 1, {@code tier0} % tier 0.
     */
    static Kind[] mix(int skip, int tier1, int tier0) {
        List<Kind> slots = new ArrayList<>(100);
        add(slots, Kind.CACHE_HIT, skip);
        add(slots, Kind.TIER1, tier1);
        add(slots, Kind.TIER0, tier0);
        Collections.shuffle(slots, new Random(SEED));
        return slots.toArray(new Kind[0]);
    }

    private static void add(List<Kind> slots, Kind k, int n) {
        for (int i = 0; i < n; i++) slots.add(k);
    }
}
