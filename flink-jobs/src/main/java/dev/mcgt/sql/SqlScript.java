package dev.mcgt.sql;

import java.util.ArrayList;
import java.util.List;

/**
 * A SQL script split into statements at semicolons outside quotes ({@code '...'}, {@code "..."},
 * {@code `...`}) and comments ({@code -- ...}, {@code /* ... *}{@code /}), except inside
 * {@code EXECUTE STATEMENT SET BEGIN ... END} (one statement); each statement keeps the line it starts on, for
 * error messages. Blank statements are dropped.
 */
public final class SqlScript {
    /** One statement and the 1-based line of the script it starts on. */
    public record Statement(String sql, int line) { }

    private SqlScript() { }

    public static List<Statement> split(String script) {
        List<Statement> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int line = 1;
        int start = -1;
        int n = script.length();
        for (int i = 0; i < n; i++) {
            char c = script.charAt(i);
            if (c == '-' && i + 1 < n && script.charAt(i + 1) == '-') {
                while (i < n && script.charAt(i) != '\n') i++;
                if (i < n) {
                    cur.append('\n');
                    line++;
                }
                continue;
            }
            if (c == '/' && i + 1 < n && script.charAt(i + 1) == '*') {
                int end = script.indexOf("*/", i + 2);
                int stop = end < 0 ? n : end + 2;
                for (int k = i; k < stop; k++) if (script.charAt(k) == '\n') line++;
                cur.append(' ');
                i = stop - 1;
                continue;
            }
            if (c == '\'' || c == '"' || c == '`') {
                if (start < 0) start = line;
                int k = i + 1;
                while (k < n && script.charAt(k) != c) k++;
                // a doubled quote inside a quoted text is one quote character: the loop picks it up as a new quote
                int stop = Math.min(n, k + 1);
                for (int j = i; j < stop; j++) if (script.charAt(j) == '\n') line++;
                cur.append(script, i, stop);
                i = stop - 1;
                continue;
            }
            if (c == ';') {
                if (openStatementSet(cur)) {
                    cur.append(c);
                    continue;
                }
                add(out, cur, start);
                cur.setLength(0);
                start = -1;
                continue;
            }
            if (c == '\n') line++;
            else if (!Character.isWhitespace(c) && start < 0) start = line;
            cur.append(c);
        }
        add(out, cur, start);
        return out;
    }

    /**
     * True inside {@code EXECUTE STATEMENT SET BEGIN ... END}: its inner semicolons belong to it, up to the
     * {@code END} after the last one.
     */
    private static boolean openStatementSet(StringBuilder cur) {
        String s = cur.toString().strip().replaceAll("\\s+", " ").toUpperCase(java.util.Locale.ROOT);
        if (!s.startsWith("EXECUTE STATEMENT SET")) return false;
        int last = s.lastIndexOf(';');
        return !s.substring(last + 1).strip().equals("END");
    }

    private static void add(List<Statement> out, StringBuilder cur, int line) {
        String s = cur.toString().strip();
        if (!s.isEmpty()) out.add(new Statement(s, line));
    }
}
