package dev.mcgt.job;

import java.io.IOException;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * Format 1 of a {@link DocumentMemory}: long timer, byte open (1 or 0), long nextChunk, int tokens, long dropped,
 * int parts, then firstOrigin and label (Flink's {@link StringValue} strings, null allowed).
 */
final class DocumentMemorySerializer extends AggregateStateSerializer<DocumentMemory> {
    private static final long serialVersionUID = 1L;
    static final String KIND = "document-memory";
    static final DocumentMemorySerializer INSTANCE = new DocumentMemorySerializer();

    private DocumentMemorySerializer() { }

    @Override String kind() { return KIND; }

    @Override public boolean isImmutableType() { return true; }

    @Override public DocumentMemory copy(DocumentMemory from) { return from; }

    @Override
    void write(DocumentMemory m, DataOutputView out) throws IOException {
        OpenDocument d = m.document();
        out.writeLong(m.timer());
        out.writeByte(d.open() ? 1 : 0);
        out.writeLong(d.nextChunk());
        out.writeInt(d.tokens());
        out.writeLong(d.dropped());
        out.writeInt(d.parts());
        StringValue.writeString(d.firstOrigin(), out);
        StringValue.writeString(d.label(), out);
    }

    @Override
    DocumentMemory read(DataInputView in) throws IOException {
        long timer = in.readLong();
        byte open = in.readByte();
        if (open != 0 && open != 1) throw new IOException("document memory state is corrupt (open flag " + open + ")");
        long nextChunk = in.readLong();
        int tokens = in.readInt();
        long dropped = in.readLong();
        int parts = in.readInt();
        String origin = StringValue.readString(in);
        String label = StringValue.readString(in);
        return new DocumentMemory(new OpenDocument(origin, open == 1, nextChunk, tokens, dropped, parts, label), timer);
    }

    private Object readResolve() { return INSTANCE; }
}
