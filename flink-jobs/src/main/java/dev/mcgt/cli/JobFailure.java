package dev.mcgt.cli;

import dev.mcgt.McgtException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.flink.util.SerializedThrowable;

/**
 * The one line that says why a scoring job failed, from the exception Flink hands back (a chain of wrappers
 * around the cause, possibly in serialized form): a core error keeps its own message; out of memory and a full
 * disk are said as such, with what to do; anything else is the innermost cause's type and message.
 */
final class JobFailure {
    private JobFailure() { }

    /** The failure to report for {@code error}, the exception of a failed job writing to {@code output}. */
    static RuntimeException of(Throwable error, String output) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = error; t != null && !chain.contains(t); t = t.getCause()) chain.add(t);
        for (Throwable t : chain) {
            if (t instanceof McgtException m) return m;
            String type = typeOf(t);
            String msg = messageOf(t);
            if (type.equals(McgtException.class.getName())) return new CommandFailure(Main.oneLine(msg));
            if (type.equals(OutOfMemoryError.class.getName())) {
                long heap = Runtime.getRuntime().maxMemory() >> 20;
                return new CommandFailure("out of memory (" + Main.oneLine(msg) + "): the Java heap of " + heap
                        + " MiB is too small for this run; give the JVM more (MCGT_JAVA_OPTS=-Xmx4g) or lower "
                        + "--parallelism or --max-record-mb");
            }
            if (diskFull(msg)) {
                return new CommandFailure("disk full: " + Main.oneLine(msg) + " (output " + output
                        + "); free some space and run again with --overwrite");
            }
        }
        Throwable root = chain.get(chain.size() - 1);
        String rootMsg = Main.oneLine(messageOf(root));
        String context = "";
        for (int i = chain.size() - 2; i >= 0 && context.isEmpty(); i--) {
            String m = Main.oneLine(messageOf(chain.get(i)));
            if (!m.isEmpty() && (rootMsg.isEmpty() || !m.contains(rootMsg)) && !wrapper(m)) context = m.replaceAll("\\.$", "") + ": ";
        }
        return new CommandFailure("the scoring job failed: " + context + simpleName(typeOf(root))
                + (rootMsg.isEmpty() ? "" : ": " + rootMsg));
    }

    /** Messages of Flink's wrappers, which say nothing about the cause. */
    private static boolean wrapper(String m) {
        return m.startsWith("Job execution failed") || m.startsWith("Recovery is suppressed")
                || m.startsWith("Failed to execute job") || m.startsWith("org.apache.flink.");
    }

    /** The message of {@code t}; a serialized throwable's without the "type: " that it starts with. */
    private static String messageOf(Throwable t) {
        String msg = t.getMessage() == null ? "" : t.getMessage();
        String prefix = typeOf(t) + ": ";
        return t instanceof SerializedThrowable && msg.startsWith(prefix) ? msg.substring(prefix.length()) : msg;
    }

    private static boolean diskFull(String msg) {
        String m = msg.toLowerCase(Locale.ROOT);
        return m.contains("no space left on device") || m.contains("disk quota exceeded");
    }

    private static String typeOf(Throwable t) {
        return t instanceof SerializedThrowable s ? s.getOriginalErrorClassName() : t.getClass().getName();
    }

    private static String simpleName(String type) {
        return type.substring(type.lastIndexOf('.') + 1);
    }
}
