package dev.mcgt.job;

import java.io.IOException;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * Format 1 of a {@link PendingDocument}: int received, long expiresAt, long timer, byte 1 if the info follows (else 0), then
 * the info: id, label, origin (Flink's {@link StringValue} strings, null allowed), int tokens, int droppedTokens,
 * int chunks.
 */
final class PendingDocumentSerializer extends AggregateStateSerializer<PendingDocument> {
    private static final long serialVersionUID = 1L;
    static final String KIND = "pending-document";
    static final PendingDocumentSerializer INSTANCE = new PendingDocumentSerializer();

    private PendingDocumentSerializer() { }

    @Override String kind() { return KIND; }

    @Override public boolean isImmutableType() { return true; }

    @Override public PendingDocument copy(PendingDocument from) { return from; }

    @Override
    void write(PendingDocument d, DataOutputView out) throws IOException {
        out.writeInt(d.received());
        out.writeLong(d.expiresAt());
        out.writeLong(d.timer());
        DocumentInfo i = d.info();
        out.writeByte(i == null ? 0 : 1);
        if (i == null) return;
        StringValue.writeString(i.id(), out);
        StringValue.writeString(i.label(), out);
        StringValue.writeString(i.origin(), out);
        out.writeInt(i.tokens());
        out.writeInt(i.droppedTokens());
        out.writeInt(i.chunks());
    }

    @Override
    PendingDocument read(DataInputView in) throws IOException {
        int received = in.readInt();
        long expiresAt = in.readLong();
        long timer = in.readLong();
        byte hasInfo = in.readByte();
        if (hasInfo != 0 && hasInfo != 1) throw new IOException("pending document state is corrupt (info flag " + hasInfo + ")");
        DocumentInfo info = hasInfo == 0 ? null : new DocumentInfo(StringValue.readString(in), StringValue.readString(in),
                StringValue.readString(in), in.readInt(), in.readInt(), in.readInt());
        return new PendingDocument(info, received, expiresAt, timer);
    }

    private Object readResolve() { return INSTANCE; }
}
