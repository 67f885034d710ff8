package io.sfcrime.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sfcrime.common.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.sfcrime.spark.CallTransforms.BY_TYPE;
import static io.sfcrime.spark.CallTransforms.BY_TYPE_DISPOSITION;
import static io.sfcrime.spark.CallTransforms.COUNTER;
import static io.sfcrime.spark.CallTransforms.INVALID_ROWS_PREFIX;
import static io.sfcrime.spark.CallTransforms.VALID_ROWS;

/**
 * The final report (field names are a contract): built from a {@link ResultFold}, i.e. from what survives a restart.
 * {@code late_rows_dropped} is the valid-rows counter (which the watermark cannot drop) minus the rows counted in
 * windows, so {@code valid_rows == sum(by_window_crime_type) + late_rows_dropped} holds by measurement of two
 * independent paths through the same aggregation.
 */
public final class Report {
    private Report() {
    }

    public static ObjectNode build(ResultFold fold, Map<String, String> settings) {
        long valid = 0;
        long invalid = 0;
        long counted = 0;
        Map<String, Long> invalidByReason = new TreeMap<>();
        List<JsonNode> byType = new ArrayList<>();
        List<JsonNode> byDisposition = new ArrayList<>();
        for (JsonNode v : fold.latest().values()) {
            String aggregation = v.path(ResultRecords.FIELD_AGGREGATION).asText();
            long count = v.path(CallTransforms.COUNT).asLong();
            switch (aggregation) {
                case COUNTER -> {
                    String name = v.path(ResultRecords.FIELD_NAME).asText();
                    if (name.equals(VALID_ROWS)) {
                        valid = count;
                    } else if (name.startsWith(INVALID_ROWS_PREFIX)) {
                        invalid += count;
                        invalidByReason.put(name.substring(INVALID_ROWS_PREFIX.length()), count);
                    }
                }
                case BY_TYPE -> {
                    byType.add(v);
                    counted += count;
                }
                case BY_TYPE_DISPOSITION -> byDisposition.add(v);
                default -> throw new IllegalStateException("unknown aggregation '" + aggregation + "' in results");
            }
        }
        Comparator<JsonNode> order = Comparator
                .comparingLong((JsonNode v) -> v.path(ResultRecords.FIELD_WINDOW_START_MS).asLong())
                .thenComparing(v -> text(v, CallTransforms.CRIME_TYPE), Comparator.nullsFirst(Comparator.naturalOrder()))
                .thenComparing(v -> text(v, CallTransforms.DISPOSITION), Comparator.nullsFirst(Comparator.naturalOrder()));
        byType.sort(order);
        byDisposition.sort(order);

        ObjectNode report = Json.MAPPER.createObjectNode();
        report.put("input_rows", valid + invalid);
        report.put("valid_rows", valid);
        report.put("invalid_rows", invalid);
        report.put("late_rows_dropped", valid - counted);
        ArrayNode a = report.putArray("by_window_crime_type");
        for (JsonNode v : byType) {
            ObjectNode row = a.addObject();
            row.put("window_start", text(v, CallTransforms.WINDOW_START));
            row.put("window_end", text(v, CallTransforms.WINDOW_END));
            row.put("crime_type", text(v, CallTransforms.CRIME_TYPE));
            row.put("count", v.path(CallTransforms.COUNT).asLong());
        }
        ArrayNode b = report.putArray("by_window_crime_type_disposition");
        for (JsonNode v : byDisposition) {
            ObjectNode row = b.addObject();
            row.put("window_start", text(v, CallTransforms.WINDOW_START));
            row.put("window_end", text(v, CallTransforms.WINDOW_END));
            row.put("crime_type", text(v, CallTransforms.CRIME_TYPE));
            row.put("disposition", text(v, CallTransforms.DISPOSITION));
            row.put("disposition_description", text(v, CallTransforms.DISPOSITION_DESCRIPTION));
            row.put("count", v.path(CallTransforms.COUNT).asLong());
        }
        ObjectNode s = report.putObject("settings");
        settings.forEach(s::put);
        ObjectNode reasons = report.putObject("invalid_by_reason");
        invalidByReason.forEach(reasons::put);
        return report;
    }

    private static String text(JsonNode v, String field) {
        JsonNode n = v.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }

    /** Writes atomically (temp file + move) so a reader never sees half a report. */
    public static void write(ObjectNode report, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
        Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), report);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
