package io.sfcrime.spark.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sfcrime.common.CallFields;
import io.sfcrime.common.EventTime;
import io.sfcrime.common.Json;
import io.sfcrime.common.RadioCodes;
import io.sfcrime.common.scan.ReferenceVerdict;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The expected report computed in plain Java from the raw record values, independently of Spark: the producer's
 * decoding and {@link io.sfcrime.common.RecordValidator} for validity, {@link EventTime} for the time, hour windows
 * in San Francisco time by the instant, {@link RadioCodes#describe} for descriptions. Assumes no late rows.
 */
public final class ExpectedReport {
    private static final ZoneId SF = ZoneId.of(CallFields.EVENT_TIME_ZONE);

    private ExpectedReport() {
    }

    record Key(long windowStartMs, String type, String disposition) {
    }

    public static ObjectNode compute(List<byte[]> values, RadioCodes codes) {
        long valid = 0;
        long invalid = 0;
        Map<String, Long> reasons = new TreeMap<>();
        Map<Key, Long> byType = new java.util.HashMap<>();
        Map<Key, Long> byDisposition = new java.util.HashMap<>();
        for (byte[] v : values) {
            String reason = ReferenceVerdict.reason(v);
            if (reason != null) {
                invalid++;
                reasons.merge(reason, 1L, Long::sum);
                continue;
            }
            valid++;
            JsonNode n;
            try {
                n = Json.MAPPER.readTree(v);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            LocalDateTime local = EventTime.parse(n.get(CallFields.CALL_DATE_TIME).asText()).orElseThrow();
            long ms = ZonedDateTime.of(local, SF).toInstant().toEpochMilli();
            long start = Math.floorDiv(ms, 3_600_000L) * 3_600_000L;
            String type = n.get(CallFields.ORIGINAL_CRIME_TYPE_NAME).asText();
            JsonNode d = n.get(CallFields.DISPOSITION);
            String disposition = d == null || d.isNull() ? null : d.asText();
            byType.merge(new Key(start, type, null), 1L, Long::sum);
            byDisposition.merge(new Key(start, type, disposition), 1L, Long::sum);
        }
        ObjectNode r = Json.MAPPER.createObjectNode();
        r.put("input_rows", valid + invalid);
        r.put("valid_rows", valid);
        r.put("invalid_rows", invalid);
        r.put("late_rows_dropped", 0);
        Comparator<Key> order = Comparator.comparingLong(Key::windowStartMs)
                .thenComparing(Key::type)
                .thenComparing(Key::disposition, Comparator.nullsFirst(Comparator.naturalOrder()));
        ArrayNode a = r.putArray("by_window_crime_type");
        for (Key k : sorted(byType, order)) {
            ObjectNode row = window(a.addObject(), k);
            row.put("count", byType.get(k));
        }
        ArrayNode b = r.putArray("by_window_crime_type_disposition");
        for (Key k : sorted(byDisposition, order)) {
            ObjectNode row = window(b.addObject(), k);
            row.put("disposition", k.disposition());
            row.put("disposition_description", codes.describe(k.disposition()));
            row.put("count", byDisposition.get(k));
        }
        ObjectNode reasonNode = r.putObject("invalid_by_reason");
        reasons.forEach(reasonNode::put);
        return r;
    }

    private static List<Key> sorted(Map<Key, Long> m, Comparator<Key> order) {
        List<Key> keys = new ArrayList<>(m.keySet());
        keys.sort(order);
        return keys;
    }

    private static ObjectNode window(ObjectNode row, Key k) {
        row.put("window_start", local(k.windowStartMs()));
        row.put("window_end", local(k.windowStartMs() + 3_600_000L));
        row.put("crime_type", k.type());
        return row;
    }

    private static String local(long ms) {
        return EventTime.REPORT_FORMAT.format(Instant.ofEpochMilli(ms).atZone(SF));
    }

    /** The report without its settings, for comparison with {@link #compute}. */
    static ObjectNode withoutSettings(JsonNode report) {
        ObjectNode copy = ((ObjectNode) report).deepCopy();
        copy.remove("settings");
        return copy;
    }

    static JsonNode normalise(JsonNode n) {
        try {
            return Json.MAPPER.readTree(n.toString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A readable account of where two reports differ, or null when they are equal (without settings). */
    public static String differences(JsonNode report, JsonNode expectedReport) {
        // Through text and back: a report read from a file has int nodes where one built in memory has longs.
        JsonNode actual = normalise(withoutSettings(report));
        JsonNode expected = normalise(expectedReport);
        if (Objects.equals(actual, expected)) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        expected.fieldNames().forEachRemaining(f -> {
            JsonNode a = actual.get(f);
            JsonNode e = expected.get(f);
            if (Objects.equals(a, e)) {
                return;
            }
            if (a != null && a.isArray() && e.isArray()) {
                sb.append(f).append(": ").append(a.size()).append(" rows, expected ").append(e.size()).append('\n');
                for (int i = 0, shown = 0; i < Math.max(a.size(), e.size()) && shown < 5; i++) {
                    if (!Objects.equals(a.get(i), e.get(i))) {
                        sb.append("  row ").append(i).append(": ").append(a.get(i)).append("\n    expected ")
                                .append(e.get(i)).append('\n');
                        shown++;
                    }
                }
            } else {
                sb.append(f).append(": ").append(a).append(", expected ").append(e).append('\n');
            }
        });
        return sb.toString();
    }
}
