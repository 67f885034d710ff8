package io.sfcrime.common.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sfcrime.common.CallFields;
import io.sfcrime.common.EventTime;
import io.sfcrime.common.Json;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The job's final counts, as spark-app reports them: totals, counts by (window, crime type) and by (window, crime
 * type, disposition) with the description, the settings of the run and the invalid rows by reason. spark-app writes
 * one, the benchmark ceiling builds one from its own counts, tests build the expected one, and
 * {@link #differences} compares two row by row. {@link ReportCodec} is its JSON.
 */
public final class CountsReport {
    private static final ZoneId ZONE = ZoneId.of(CallFields.EVENT_TIME_ZONE);
    private static final Comparator<String> NULLS_FIRST = Comparator.nullsFirst(Comparator.naturalOrder());

    /** The report's totals: every input row is valid or invalid; valid ones are counted in windows or late. */
    public record Totals(long inputRows, long validRows, long invalidRows, long lateRowsDropped) {
    }

    /**
     * One row of either table, windows in San Francisco time ({@code yyyy-MM-dd HH:mm:ss}); disposition and
     * description are null in the by-type table.
     */
    public record Row(String windowStart, String windowEnd, String crimeType, String disposition,
                      String description, long count) {
        String key() {
            return windowStart + "|" + windowEnd + "|" + crimeType + "|" + disposition + "|" + description;
        }
    }

    private final Totals totals;
    private final List<Row> byType;
    private final List<Row> byDisposition;
    private final Map<String, String> settings;
    private final Map<String, Long> invalidByReason;

    /** Rows, settings and reasons are kept in the order given: the order they are written in. */
    public CountsReport(Totals totals, List<Row> byType, List<Row> byDisposition, Map<String, String> settings,
                        Map<String, Long> invalidByReason) {
        this.totals = Objects.requireNonNull(totals, "totals");
        this.byType = List.copyOf(byType);
        this.byDisposition = List.copyOf(byDisposition);
        this.settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
        this.invalidByReason = Collections.unmodifiableMap(new LinkedHashMap<>(invalidByReason));
    }

    public Totals totals() {
        return totals;
    }

    public long inputRows() {
        return totals.inputRows();
    }

    public long validRows() {
        return totals.validRows();
    }

    public long invalidRows() {
        return totals.invalidRows();
    }

    public long lateRowsDropped() {
        return totals.lateRowsDropped();
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

    public Map<String, Long> invalidByReason() {
        return invalidByReason;
    }

    public static Builder builder(long input, long valid, long invalid, long late) {
        return new Builder(new Totals(input, valid, invalid, late));
    }

    /**
     * Collects (window, type, disposition) counts; the by-type table is their sum. Rows come out in the report's
     * order: by window start instant (the two 01:00 windows of a fall-back night stay apart), crime type,
     * disposition, nulls first.
     */
    public static final class Builder {
        private final Totals totals;
        private final List<Counted> rows = new ArrayList<>();
        private final Map<Long, String> rendered = new HashMap<>();
        private Map<String, String> settings = Map.of();
        private Map<String, Long> invalidByReason = Map.of();

        private Builder(Totals totals) {
            this.totals = totals;
        }

        public Builder add(long windowStartMillis, long windowEndMillis, String crimeType, String disposition,
                           String description, long count) {
            rows.add(new Counted(windowStartMillis, new Row(render(windowStartMillis), render(windowEndMillis),
                    crimeType, disposition, description, count)));
            return this;
        }

        /** Written in key order. */
        public Builder settings(Map<String, String> s) {
            settings = new TreeMap<>(s);
            return this;
        }

        /** Written in reason order. */
        public Builder invalidByReason(Map<String, Long> reasons) {
            invalidByReason = new TreeMap<>(reasons);
            return this;
        }

        private String render(long millis) {
            return rendered.computeIfAbsent(millis,
                    m -> EventTime.REPORT_FORMAT.format(Instant.ofEpochMilli(m).atZone(ZONE)));
        }

        public CountsReport build() {
            Comparator<Counted> order = Comparator.comparingLong(Counted::startMillis)
                    .thenComparing(c -> c.row().crimeType(), NULLS_FIRST)
                    .thenComparing(c -> c.row().disposition(), NULLS_FIRST);
            Map<TypeKey, Counted> byType = new HashMap<>();
            for (Counted c : rows) {
                byType.merge(new TypeKey(c.startMillis(), c.row().crimeType()), c.withoutDisposition(), Counted::plus);
            }
            return new CountsReport(totals, sorted(byType.values(), order), sorted(rows, order), settings,
                    invalidByReason);
        }

        private static List<Row> sorted(Collection<Counted> rows, Comparator<Counted> order) {
            return rows.stream().sorted(order).map(Counted::row).toList();
        }

        private record TypeKey(long startMillis, String crimeType) {
        }

        private record Counted(long startMillis, Row row) {
            Counted withoutDisposition() {
                return new Counted(startMillis, new Row(row.windowStart(), row.windowEnd(), row.crimeType(), null,
                        null, row.count()));
            }

            Counted plus(Counted other) {
                return new Counted(startMillis, new Row(row.windowStart(), row.windowEnd(), row.crimeType(),
                        row.disposition(), row.description(), row.count() + other.row.count()));
            }
        }
    }

    /** Reads a report file written by spark-app or by the ceiling. */
    public static CountsReport read(Path file) {
        try {
            return ReportCodec.read(Json.MAPPER.readTree(file.toFile()), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read report " + file + ": " + e.getMessage(), e);
        }
    }

    public static CountsReport fromJson(JsonNode root, String source) {
        return ReportCodec.read(root, source);
    }

    /** The report as the JSON tree of its file. */
    public ObjectNode toJson() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ReportCodec.write(bytes, totals, byType, byDisposition, settings, invalidByReason);
            return (ObjectNode) Json.MAPPER.readTree(bytes.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void write(Path file) {
        try {
            ReportCodec.write(file, totals, byType, byDisposition, settings, invalidByReason);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * How {@code actual} differs from this (the expected counts), at most {@code limit} lines; empty when equal.
     * Settings do not count; row order does not matter; duplicate rows in {@code actual} are a difference.
     */
    public List<String> differences(CountsReport actual, int limit) {
        List<String> out = new ArrayList<>();
        compare(out, ReportField.INPUT_ROWS.key(), inputRows(), actual.inputRows());
        compare(out, ReportField.VALID_ROWS.key(), validRows(), actual.validRows());
        compare(out, ReportField.INVALID_ROWS.key(), invalidRows(), actual.invalidRows());
        compare(out, ReportField.LATE_ROWS_DROPPED.key(), lateRowsDropped(), actual.lateRowsDropped());
        table(out, ReportField.BY_WINDOW_CRIME_TYPE.key(), byType, actual.byType);
        table(out, ReportField.BY_WINDOW_CRIME_TYPE_DISPOSITION.key(), byDisposition, actual.byDisposition);
        if (!new TreeMap<>(invalidByReason).equals(new TreeMap<>(actual.invalidByReason))) {
            out.add(ReportField.INVALID_BY_REASON.key() + ": expected " + new TreeMap<>(invalidByReason) + ", got "
                    + new TreeMap<>(actual.invalidByReason));
        }
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
        return Objects.hash(inputRows(), validRows(), invalidRows(), lateRowsDropped(), byDisposition.size());
    }
}
