package io.sfcrime.bench.ceiling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sfcrime.common.CallFields;
import io.sfcrime.common.EventTime;
import io.sfcrime.common.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The final counts in the report format of spark-app (its field names are the contract): totals, counts by
 * (window, crime type) and by (window, crime type, disposition) with the description. Both the ceiling and every
 * Spark run are read into this, and {@link #differences} compares them row by row.
 */
public final class CountsReport {
    private static final ZoneId ZONE = ZoneId.of(CallFields.EVENT_TIME_ZONE);
    private static final Comparator<String> NULLS_FIRST = Comparator.nullsFirst(Comparator.naturalOrder());

    /** One row of either table; disposition and description are null in the by-type table. */
    public record Row(String windowStart, String windowEnd, String crimeType, String disposition,
                      String description, long count) {
        String key() {
            return windowStart + "|" + windowEnd + "|" + crimeType + "|" + disposition + "|" + description;
        }
    }

    private final long inputRows;
    private final long validRows;
    private final long invalidRows;
    private final long lateRowsDropped;
    private final List<Row> byType;
    private final List<Row> byDisposition;
    private final Map<String, String> settings;

    private CountsReport(long inputRows, long validRows, long invalidRows, long lateRowsDropped, List<Row> byType,
                         List<Row> byDisposition, Map<String, String> settings) {
        this.inputRows = inputRows;
        this.validRows = validRows;
        this.invalidRows = invalidRows;
        this.lateRowsDropped = lateRowsDropped;
        this.byType = List.copyOf(byType);
        this.byDisposition = List.copyOf(byDisposition);
        this.settings = Map.copyOf(settings);
    }

    public long inputRows() {
        return inputRows;
    }

    public long validRows() {
        return validRows;
    }

    public long invalidRows() {
        return invalidRows;
    }

    public long lateRowsDropped() {
        return lateRowsDropped;
    }

    public List<Row> byType() {
        return byType;
    }

    public List<Row> byDisposition() {
        return byDisposition;
    }

    public Map<String, String> settings() {
        return settings;
    }

    public static Builder builder(long input, long valid, long invalid, long late) {
        return new Builder(input, valid, invalid, late);
    }

    /** Collects (window, type, disposition) counts; the by-type table is their sum. */
    public static final class Builder {
        private final long input;
        private final long valid;
        private final long invalid;
        private final long late;
        private final List<Row> rows = new ArrayList<>();
        private final Map<Long, String> rendered = new HashMap<>();
        private Map<String, String> settings = Map.of();

        private Builder(long input, long valid, long invalid, long late) {
            this.input = input;
            this.valid = valid;
            this.invalid = invalid;
            this.late = late;
        }

        public Builder add(long windowStartMillis, long windowEndMillis, String crimeType, String disposition,
                           String description, long count) {
            rows.add(new Row(render(windowStartMillis), render(windowEndMillis), crimeType, disposition, description,
                    count));
            return this;
        }

        public Builder settings(Map<String, String> s) {
            settings = new TreeMap<>(s);
            return this;
        }

        private String render(long millis) {
            return rendered.computeIfAbsent(millis,
                    m -> EventTime.REPORT_FORMAT.format(Instant.ofEpochMilli(m).atZone(ZONE)));
        }

        public CountsReport build() {
            Map<String, Row> byType = new TreeMap<>();
            for (Row r : rows) {
                String k = r.windowStart() + "|" + r.crimeType();
                Row prev = byType.get(k);
                byType.put(k, new Row(r.windowStart(), r.windowEnd(), r.crimeType(), null, null,
                        (prev == null ? 0 : prev.count()) + r.count()));
            }
            return new CountsReport(input, valid, invalid, late, sorted(byType.values()), sorted(rows), settings);
        }
    }

    static List<Row> sorted(java.util.Collection<Row> rows) {
        List<Row> list = new ArrayList<>(rows);
        list.sort(Comparator.comparing(Row::windowStart).thenComparing(Row::crimeType)
                .thenComparing(Row::disposition, NULLS_FIRST));
        return list;
    }

    /** Reads a report JSON written by spark-app or by the ceiling. */
    public static CountsReport read(Path file) {
        try {
            return fromJson(Json.MAPPER.readTree(file.toFile()), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read report " + file + ": " + e.getMessage(), e);
        }
    }

    public static CountsReport fromJson(JsonNode root, String source) {
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("report " + source + " is not a JSON object");
        }
        List<Row> byType = rows(root, "by_window_crime_type", false, source);
        List<Row> byDisposition = rows(root, "by_window_crime_type_disposition", true, source);
        Map<String, String> settings = new TreeMap<>();
        JsonNode s = root.get("settings");
        if (s != null && s.isObject()) {
            s.fields().forEachRemaining(e -> settings.put(e.getKey(), e.getValue().asText()));
        }
        return new CountsReport(number(root, "input_rows", source), number(root, "valid_rows", source),
                number(root, "invalid_rows", source), number(root, "late_rows_dropped", source), byType,
                byDisposition, settings);
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
            JsonNode count = r.get("count");
            if (count == null || !count.canConvertToLong()) {
                throw new IllegalArgumentException("report " + source + ": " + field + "[" + i + "] has no count");
            }
            rows.add(new Row(text(r, "window_start"), text(r, "window_end"), text(r, "crime_type"),
                    withDisposition ? text(r, "disposition") : null,
                    withDisposition ? text(r, "disposition_description") : null, count.asLong()));
            i++;
        }
        return rows;
    }

    private static String text(JsonNode r, String field) {
        JsonNode n = r.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }

    public ObjectNode toJson() {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("input_rows", inputRows);
        o.put("valid_rows", validRows);
        o.put("invalid_rows", invalidRows);
        o.put("late_rows_dropped", lateRowsDropped);
        ArrayNode a = o.putArray("by_window_crime_type");
        for (Row r : byType) {
            a.addObject().put("window_start", r.windowStart()).put("window_end", r.windowEnd())
                    .put("crime_type", r.crimeType()).put("count", r.count());
        }
        ArrayNode b = o.putArray("by_window_crime_type_disposition");
        for (Row r : byDisposition) {
            b.addObject().put("window_start", r.windowStart()).put("window_end", r.windowEnd())
                    .put("crime_type", r.crimeType()).put("disposition", r.disposition())
                    .put("disposition_description", r.description()).put("count", r.count());
        }
        ObjectNode s = o.putObject("settings");
        new TreeMap<>(settings).forEach(s::put);
        return o;
    }

    public void write(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), toJson());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * How {@code actual} differs from this (the expected counts), at most {@code limit} lines; empty when equal.
     * Row order does not matter; duplicate rows in {@code actual} are a difference.
     */
    public List<String> differences(CountsReport actual, int limit) {
        List<String> out = new ArrayList<>();
        compare(out, "input_rows", inputRows, actual.inputRows);
        compare(out, "valid_rows", validRows, actual.validRows);
        compare(out, "invalid_rows", invalidRows, actual.invalidRows);
        compare(out, "late_rows_dropped", lateRowsDropped, actual.lateRowsDropped);
        table(out, "by_window_crime_type", byType, actual.byType);
        table(out, "by_window_crime_type_disposition", byDisposition, actual.byDisposition);
        return out.size() <= limit ? out : new ArrayList<>(out.subList(0, limit));
    }

    private static void compare(List<String> out, String field, long expected, long actual) {
        if (expected != actual) {
            out.add(field + ": expected " + expected + ", got " + actual);
        }
    }

    private static void table(List<String> out, String name, List<Row> expected, List<Row> actual) {
        Map<String, Long> want = new LinkedHashMap<>();
        expected.forEach(r -> want.merge(r.key(), r.count(), Long::sum));
        Map<String, Long> got = new LinkedHashMap<>();
        for (Row r : actual) {
            if (got.put(r.key(), r.count()) != null) {
                out.add(name + ": duplicate row " + r.key());
            }
        }
        if (expected.size() != actual.size()) {
            out.add(name + ": expected " + expected.size() + " rows, got " + actual.size());
        }
        for (Map.Entry<String, Long> e : want.entrySet()) {
            Long g = got.get(e.getKey());
            if (!Objects.equals(g, e.getValue())) {
                out.add(name + " [" + e.getKey() + "]: expected " + e.getValue() + ", got " + g);
            }
        }
        for (String k : got.keySet()) {
            if (!want.containsKey(k)) {
                out.add(name + " [" + k + "]: unexpected row");
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CountsReport r && differences(r, 1).isEmpty();
    }

    @Override
    public int hashCode() {
        return Objects.hash(inputRows, validRows, invalidRows, lateRowsDropped, byDisposition.size());
    }
}
