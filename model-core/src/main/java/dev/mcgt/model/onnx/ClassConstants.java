package dev.mcgt.model.onnx;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The UTF-8 constants of a Java class file's constant pool (JVM specification §4.4), enough to see which enum
 * constants a class names; nothing is loaded or run.
 */
final class ClassConstants {
    private ClassConstants() { }

    /** The UTF-8 constants (modified UTF-8 read as UTF-8, enough for ASCII names), or null if not a class file. */
    static List<String> utf8(byte[] c) {
        try {
            ByteBuffer b = ByteBuffer.wrap(c);
            if (b.getInt() != 0xCAFEBABE) return null;
            b.getShort();
            b.getShort();
            int count = Short.toUnsignedInt(b.getShort());
            List<String> out = new ArrayList<>();
            for (int i = 1; i < count; i++) {
                int tag = Byte.toUnsignedInt(b.get());
                switch (tag) {
                    case 1 -> {
                        int len = Short.toUnsignedInt(b.getShort());
                        out.add(new String(c, b.position(), len, StandardCharsets.UTF_8));
                        b.position(b.position() + len);
                    }
                    case 7, 8, 16, 19, 20 -> b.getShort();
                    case 15 -> {
                        b.get();
                        b.getShort();
                    }
                    case 3, 4, 9, 10, 11, 12, 17, 18 -> b.getInt();
                    case 5, 6 -> {
                        b.getLong();
                        i++;
                    }
                    default -> {
                        return null;
                    }
                }
            }
            return out;
        } catch (RuntimeException e) {
            return null;
        }
    }
}
