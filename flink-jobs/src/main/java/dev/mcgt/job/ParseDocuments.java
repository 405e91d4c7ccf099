package dev.mcgt.job;

import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/** Parses raw records into documents; what cannot be parsed goes to {@link JobTags#REJECTS}. */
public final class ParseDocuments extends ProcessFunction<RawRecord, SourceDocument> {
    private static final long serialVersionUID = 1L;

    private final DocumentParser parser;

    public ParseDocuments(DocumentParser parser) {
        this.parser = parser;
    }

    @Override
    public void processElement(RawRecord record, Context ctx, Collector<SourceDocument> out) {
        DocumentParser.Result r = parser.parse(record);
        if (r.document() != null) out.collect(r.document());
        else if (r.reject() != null) ctx.output(JobTags.REJECTS, r.reject());
    }
}
