package dev.mcgt.flink.telemetry;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.OutputTag;

/**
 * The side outputs of the scoring function, each with an explicit type (Flink's record serializer; no Kryo).
 * Read them with {@code stream.getSideOutput(OutputTags.ENERGY)} and friends.
 */
public final class OutputTags {
    private OutputTags() { }

    /** A document's tier changed between two consecutive chunks. */
    public static final OutputTag<TierTransition> TIER_TRANSITIONS =
            new OutputTag<>("mcgt-tier-transitions", TypeInformation.of(TierTransition.class));

    /** Work and estimated energy of every scored chunk. */
    public static final OutputTag<EnergySample> ENERGY =
            new OutputTag<>("mcgt-energy", TypeInformation.of(EnergySample.class));

    /** Once per key after a restore under another model. */
    public static final OutputTag<ModelUpgrade> MODEL_UPGRADE =
            new OutputTag<>("mcgt-model-upgrade", TypeInformation.of(ModelUpgrade.class));

    /** Chunks that could not be scored, with the reason. */
    public static final OutputTag<ChunkReject> REJECTS =
            new OutputTag<>("mcgt-rejects", TypeInformation.of(ChunkReject.class));
}
