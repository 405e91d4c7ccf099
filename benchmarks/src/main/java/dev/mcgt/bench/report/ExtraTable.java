package dev.mcgt.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A table measured outside the JMH suite (SpamAssassin peers, Flink job throughput), read from a small JSON
 * file whose format {@link ReportMain} documents. Numbers are printed with {@link Fmt#num}; strings as given.
 *
 * @param measured when it was measured (free text, e.g. a date)
 * @param machine  where (free text)
 * @param command  how to reproduce it
 * @param columns  column headings
 * @param rows     cells, row by row (numbers or strings)
 * @param notes    sentences printed under the table
 */
public record ExtraTable(String measured, String machine, String command, List<String> columns,
                         List<List<String>> rows, List<String> notes) {

    /**
     * @throws IllegalArgumentException when {@code columns} or {@code rows} is missing, or a row is wider than
     *                                  the columns
     */
    public static ExtraTable of(JsonNode n) {
        if (!n.path("columns").isArray() || n.path("columns").isEmpty() || !n.path("rows").isArray()) {
            throw new IllegalArgumentException("needs a non-empty \"columns\" array and a \"rows\" array");
        }
        List<String> cols = new ArrayList<>();
        for (JsonNode c : n.path("columns")) cols.add(c.asText());
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode r : n.path("rows")) {
            if (!r.isArray() || r.size() > cols.size()) {
                throw new IllegalArgumentException("row " + (rows.size() + 1) + " is not an array of at most "
                        + cols.size() + " cells");
            }
            List<String> cells = new ArrayList<>();
            for (JsonNode c : r) cells.add(c.isNumber() ? Fmt.num(c.asDouble()) : c.isNull() ? Fmt.NONE : c.asText());
            rows.add(Collections.unmodifiableList(cells));
        }
        List<String> notes = new ArrayList<>();
        for (JsonNode t : n.path("notes")) notes.add(t.asText());
        return new ExtraTable(n.path("measured").asText(""), n.path("machine").asText(""),
                n.path("command").asText(""), List.copyOf(cols), List.copyOf(rows), List.copyOf(notes));
    }

    /** The table, then its provenance and notes. */
    public String render() {
        Fmt.Table t = new Fmt.Table(columns.toArray(new String[0]));
        for (List<String> r : rows) t.row(r.toArray());
        StringBuilder b = new StringBuilder(t.toString()).append('\n');
        List<String> prov = new ArrayList<>();
        if (!measured.isBlank()) prov.add("measured " + measured);
        if (!machine.isBlank()) prov.add("on " + machine);
        if (!command.isBlank()) prov.add("command: `" + command + "`");
        if (!prov.isEmpty()) b.append(String.join("; ", prov)).append(".\n\n");
        for (String note : notes) b.append(note).append("\n\n");
        return b.toString();
    }
}
