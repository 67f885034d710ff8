package io.sfcrime.common.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.sfcrime.common.Json;
import io.sfcrime.common.report.CountsReport.Row;
import io.sfcrime.common.report.CountsReport.Totals;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The report's JSON, written and read in one place: its field names are a contract (users, scripts, the benchmark
 * and the tests read them), and so are its bytes (indented with Jackson's default pretty printer, fields in the
 * order below, rows and maps in the order given). The row fields are also those of a result record's value.
 */
public final class ReportCodec {
    public static final String INPUT_ROWS = "input_rows";
    public static final String VALID_ROWS = "valid_rows";
    public static final String INVALID_ROWS = "invalid_rows";
    public static final String LATE_ROWS_DROPPED = "late_rows_dropped";
    /** Counts by (window, crime type). */
    public static final String BY_TYPE = "by_window_crime_type";
    /** Counts by (window, crime type, disposition), with the disposition's description. */
    public static final String BY_TYPE_DISPOSITION = "by_window_crime_type_disposition";
    public static final String SETTINGS = "settings";
    public static final String INVALID_BY_REASON = "invalid_by_reason";
    // Fields of a row.
    public static final String WINDOW_START = "window_start";
    public static final String WINDOW_END = "window_end";
    public static final String CRIME_TYPE = "crime_type";
    public static final String DISPOSITION = "disposition";
    public static final String DISPOSITION_DESCRIPTION = "disposition_description";
    public static final String COUNT = "count";

    private ReportCodec() {
    }

    /** Writes atomically (temp file + move) so a reader never sees half a report. */
    public static void write(Path file, Totals totals, Iterable<Row> byType, Iterable<Row> byDisposition,
                             Map<String, String> settings, Map<String, Long> invalidByReason) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            write(out, totals, byType, byDisposition, settings, invalidByReason);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Streams the report: each row is written as the iterables hand it over, so a report of millions of windows is
     * never held as a JSON tree.
     */
    public static void write(OutputStream out, Totals totals, Iterable<Row> byType, Iterable<Row> byDisposition,
                             Map<String, String> settings, Map<String, Long> invalidByReason) throws IOException {
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeNumberField(INPUT_ROWS, totals.inputRows());
            g.writeNumberField(VALID_ROWS, totals.validRows());
            g.writeNumberField(INVALID_ROWS, totals.invalidRows());
            g.writeNumberField(LATE_ROWS_DROPPED, totals.lateRowsDropped());
            g.writeArrayFieldStart(BY_TYPE);
            for (Row r : byType) {
                g.writeStartObject();
                windowAndType(g, r);
                g.writeNumberField(COUNT, r.count());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart(BY_TYPE_DISPOSITION);
            for (Row r : byDisposition) {
                g.writeStartObject();
                windowAndType(g, r);
                g.writeStringField(DISPOSITION, r.disposition());
                g.writeStringField(DISPOSITION_DESCRIPTION, r.description());
                g.writeNumberField(COUNT, r.count());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeObjectFieldStart(SETTINGS);
            for (Map.Entry<String, String> e : settings.entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            g.writeObjectFieldStart(INVALID_BY_REASON);
            for (Map.Entry<String, Long> e : invalidByReason.entrySet()) {
                g.writeNumberField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            g.writeEndObject();
        }
    }

    private static void windowAndType(JsonGenerator g, Row r) throws IOException {
        g.writeStringField(WINDOW_START, r.windowStart());
        g.writeStringField(WINDOW_END, r.windowEnd());
        g.writeStringField(CRIME_TYPE, r.crimeType());
    }

    /**
     * Reads a report as written above. {@code source} names it in errors. A report without
     * {@value #INVALID_BY_REASON} or {@value #SETTINGS} reads with them empty.
     */
    public static CountsReport read(JsonNode root, String source) {
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("report " + source + " is not a JSON object");
        }
        List<Row> byType = rows(root, BY_TYPE, false, source);
        List<Row> byDisposition = rows(root, BY_TYPE_DISPOSITION, true, source);
        Totals totals = new Totals(number(root, INPUT_ROWS, source), number(root, VALID_ROWS, source),
                number(root, INVALID_ROWS, source), number(root, LATE_ROWS_DROPPED, source));
        Map<String, String> settings = new LinkedHashMap<>();
        root.path(SETTINGS).fields().forEachRemaining(e -> settings.put(e.getKey(), e.getValue().asText()));
        Map<String, Long> reasons = new LinkedHashMap<>();
        root.path(INVALID_BY_REASON).fields().forEachRemaining(e -> reasons.put(e.getKey(), e.getValue().asLong()));
        return new CountsReport(totals, byType, byDisposition, settings, reasons);
    }

    private static long number(JsonNode root, String field, String source) {
        JsonNode n = root.get(field);
        if (n == null || !n.canConvertToLong()) {
            throw new IllegalArgumentException("report " + source + ": '" + field + "' is missing or not a number");
        }
        return n.asLong();
    }

    private static List<Row> rows(JsonNode root, String field, boolean withDisposition, String source) {
        JsonNode array = root.get(field);
        if (array == null || !array.isArray()) {
            throw new IllegalArgumentException("report " + source + ": '" + field + "' is missing or not a list");
        }
        List<Row> rows = new ArrayList<>(array.size());
        int i = 0;
        for (JsonNode r : array) {
            JsonNode count = r.get(COUNT);
            if (count == null || !count.canConvertToLong()) {
                throw new IllegalArgumentException("report " + source + ": " + field + "[" + i + "] has no count");
            }
            rows.add(new Row(text(r, WINDOW_START), text(r, WINDOW_END), text(r, CRIME_TYPE),
                    withDisposition ? text(r, DISPOSITION) : null,
                    withDisposition ? text(r, DISPOSITION_DESCRIPTION) : null, count.asLong()));
            i++;
        }
        return rows;
    }

    private static String text(JsonNode r, String field) {
        JsonNode n = r.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }
}
