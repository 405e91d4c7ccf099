package dev.mcgt.flink.telemetry;

import dev.mcgt.gate.GateDecision;
import dev.mcgt.gate.GateReason;

/**
 * A document changed tier between two consecutive chunks (side output {@link OutputTags#TIER_TRANSITIONS}).
 *
 * @param docId       the document id
 * @param chunkIndex  the input index of the chunk that changed tier
 * @param fromTier    the previous chunk's tier
 * @param toTier      this chunk's tier
 * @param decision    the gate decision of this chunk
 * @param reason      why
 * @param lambda      this chunk's λ
 * @param lambdaDelta λ − λprev
 */
public record TierTransition(String docId, long chunkIndex, int fromTier, int toTier, GateDecision decision,
                             GateReason reason, long lambda, int lambdaDelta) { }
