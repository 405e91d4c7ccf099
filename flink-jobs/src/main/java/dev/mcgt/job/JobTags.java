package dev.mcgt.job;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.OutputTag;

/** The job's own side outputs (the scoring function's are in {@code dev.mcgt.flink.telemetry.OutputTags}). */
public final class JobTags {
    private JobTags() { }

    /** Records and documents that could not be scored, with the reason. */
    public static final OutputTag<InputReject> REJECTS =
            new OutputTag<>("mcgt-input-rejects", TypeInformation.of(InputReject.class));

    /** Per-document facts from the chunking stage for the aggregation. */
    public static final OutputTag<DocumentInfo> DOCUMENT_INFO =
            new OutputTag<>("mcgt-document-info", TypeInformation.of(DocumentInfo.class));
}
