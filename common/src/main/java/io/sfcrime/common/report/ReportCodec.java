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

import static io.sfcrime.common.report.ReportField.BY_WINDOW_CRIME_TYPE;
import static io.sfcrime.common.report.ReportField.BY_WINDOW_CRIME_TYPE_DISPOSITION;
import static io.sfcrime.common.report.ReportField.COUNT;
import static io.sfcrime.common.report.ReportField.CRIME_TYPE;
import static io.sfcrime.common.report.ReportField.DISPOSITION;
import static io.sfcrime.common.report.ReportField.DISPOSITION_DESCRIPTION;
import static io.sfcrime.common.report.ReportField.INPUT_ROWS;
import static io.sfcrime.common.report.ReportField.INVALID_BY_REASON;
import static io.sfcrime.common.report.ReportField.INVALID_ROWS;
import static io.sfcrime.common.report.ReportField.LATE_ROWS_DROPPED;
import static io.sfcrime.common.report.ReportField.SETTINGS;
import static io.sfcrime.common.report.ReportField.VALID_ROWS;
import static io.sfcrime.common.report.ReportField.WINDOW_END;
import static io.sfcrime.common.report.ReportField.WINDOW_START;

/**
 * The report's JSON, written and read in one place: its field names ({@link ReportField}) are a contract, and so
 * are its bytes (indented with Jackson's default pretty printer, fields in the order written below, rows and maps in
 * the order given).
 */
public final class ReportCodec {
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
            g.writeNumberField(INPUT_ROWS.key(), totals.inputRows());
            g.writeNumberField(VALID_ROWS.key(), totals.validRows());
            g.writeNumberField(INVALID_ROWS.key(), totals.invalidRows());
            g.writeNumberField(LATE_ROWS_DROPPED.key(), totals.lateRowsDropped());
            g.writeArrayFieldStart(BY_WINDOW_CRIME_TYPE.key());
            for (Row r : byType) {
                g.writeStartObject();
                windowAndType(g, r);
                g.writeNumberField(COUNT.key(), r.count());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart(BY_WINDOW_CRIME_TYPE_DISPOSITION.key());
            for (Row r : byDisposition) {
                g.writeStartObject();
                windowAndType(g, r);
                g.writeStringField(DISPOSITION.key(), r.disposition());
                g.writeStringField(DISPOSITION_DESCRIPTION.key(), r.description());
                g.writeNumberField(COUNT.key(), r.count());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeObjectFieldStart(SETTINGS.key());
            for (Map.Entry<String, String> e : settings.entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            g.writeObjectFieldStart(INVALID_BY_REASON.key());
            for (Map.Entry<String, Long> e : invalidByReason.entrySet()) {
                g.writeNumberField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            g.writeEndObject();
        }
    }

    private static void windowAndType(JsonGenerator g, Row r) throws IOException {
        g.writeStringField(WINDOW_START.key(), r.windowStart());
        g.writeStringField(WINDOW_END.key(), r.windowEnd());
        g.writeStringField(CRIME_TYPE.key(), r.crimeType());
    }

    /**
     * Reads a report as written above. {@code source} names it in errors. A report without
     * {@code invalid_by_reason} or {@code settings} reads with them empty.
     */
    public static CountsReport read(JsonNode root, String source) {
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("report " + source + " is not a JSON object");
        }
        List<Row> byType = rows(root, BY_WINDOW_CRIME_TYPE.key(), false, source);
        List<Row> byDisposition = rows(root, BY_WINDOW_CRIME_TYPE_DISPOSITION.key(), true, source);
        Totals totals = new Totals(number(root, INPUT_ROWS.key(), source), number(root, VALID_ROWS.key(), source),
                number(root, INVALID_ROWS.key(), source), number(root, LATE_ROWS_DROPPED.key(), source));
        Map<String, String> settings = new LinkedHashMap<>();
        root.path(SETTINGS.key()).fields().forEachRemaining(e -> settings.put(e.getKey(), e.getValue().asText()));
        Map<String, Long> reasons = new LinkedHashMap<>();
        root.path(INVALID_BY_REASON.key()).fields().forEachRemaining(e -> reasons.put(e.getKey(), e.getValue().asLong()));
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
            JsonNode count = r.get(COUNT.key());
            if (count == null || !count.canConvertToLong()) {
                throw new IllegalArgumentException("report " + source + ": " + field + "[" + i + "] has no count");
            }
            rows.add(new Row(text(r, WINDOW_START.key()), text(r, WINDOW_END.key()), text(r, CRIME_TYPE.key()),
                    withDisposition ? text(r, DISPOSITION.key()) : null,
                    withDisposition ? text(r, DISPOSITION_DESCRIPTION.key()) : null, count.asLong()));
            i++;
        }
        return rows;
    }

    private static String text(JsonNode r, String field) {
        JsonNode n = r.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }
}
