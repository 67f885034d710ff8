package io.sfcrime.spark.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sfcrime.common.Json;
import io.sfcrime.spark.sink.ResultFold;
import io.sfcrime.spark.sink.ResultFold.Result;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.sfcrime.spark.pipeline.Columns.BY_TYPE;
import static io.sfcrime.spark.pipeline.Columns.BY_TYPE_DISPOSITION;
import static io.sfcrime.spark.pipeline.Columns.COUNTER;
import static io.sfcrime.spark.pipeline.Columns.INVALID_ROWS_PREFIX;
import static io.sfcrime.spark.pipeline.Columns.VALID_ROWS;

/**
 * The final report (field names are a contract): built from a {@link ResultFold}, i.e. from what survives a restart.
 * {@code late_rows_dropped} is the valid-rows counter (which the watermark cannot drop) minus the rows counted in
 * windows, so {@code valid_rows == sum(by_window_crime_type) + late_rows_dropped} holds by measurement of two
 * independent paths through the same aggregation.
 * <p>
 * The rows are streamed to the file as they are sorted, never held as a JSON tree: a run with millions of windows
 * writes its report in the heap its fold already takes.
 */
public final class Report {
    private static final Comparator<Result> ORDER = Comparator.comparingLong(Result::windowStartMs)
            .thenComparing(Result::crimeType, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(Result::disposition, Comparator.nullsFirst(Comparator.naturalOrder()));

    /** The report's totals, for a one-line summary. */
    public record Totals(long inputRows, long validRows, long invalidRows, long lateRowsDropped) {
    }

    private Report() {
    }

    /** Writes atomically (temp file + move) so a reader never sees half a report. */
    public static Totals write(ResultFold fold, Map<String, String> settings, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
        Totals totals;
        try (OutputStream out = Files.newOutputStream(tmp)) {
            totals = write(fold, settings, out);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return totals;
    }

    /** The report as a JSON tree: for tests and small folds. */
    public static ObjectNode build(ResultFold fold, Map<String, String> settings) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            write(fold, settings, bytes);
            return (ObjectNode) Json.MAPPER.readTree(bytes.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Totals write(ResultFold fold, Map<String, String> settings, OutputStream out) throws IOException {
        long valid = 0;
        long invalid = 0;
        long counted = 0;
        Map<String, Long> invalidByReason = new TreeMap<>();
        List<Result> byType = new ArrayList<>();
        List<Result> byDisposition = new ArrayList<>();
        for (Result v : fold.latest().values()) {
            String aggregation = v.aggregation() == null ? "" : v.aggregation();
            switch (aggregation) {
                case COUNTER -> {
                    String name = v.name() == null ? "" : v.name();
                    if (name.equals(VALID_ROWS)) {
                        valid = v.count();
                    } else if (name.startsWith(INVALID_ROWS_PREFIX)) {
                        invalid += v.count();
                        invalidByReason.put(name.substring(INVALID_ROWS_PREFIX.length()), v.count());
                    }
                }
                case BY_TYPE -> {
                    byType.add(v);
                    counted += v.count();
                }
                case BY_TYPE_DISPOSITION -> byDisposition.add(v);
                default -> throw new IllegalStateException("unknown aggregation '" + aggregation + "' in results");
            }
        }
        byType.sort(ORDER);
        byDisposition.sort(ORDER);
        Totals totals = new Totals(valid + invalid, valid, invalid, valid - counted);

        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeNumberField("input_rows", totals.inputRows());
            g.writeNumberField("valid_rows", totals.validRows());
            g.writeNumberField("invalid_rows", totals.invalidRows());
            g.writeNumberField("late_rows_dropped", totals.lateRowsDropped());
            g.writeArrayFieldStart("by_window_crime_type");
            for (Result v : byType) {
                g.writeStartObject();
                windowAndType(g, v);
                g.writeNumberField("count", v.count());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("by_window_crime_type_disposition");
            for (Result v : byDisposition) {
                g.writeStartObject();
                windowAndType(g, v);
                g.writeStringField("disposition", v.disposition());
                g.writeStringField("disposition_description", v.dispositionDescription());
                g.writeNumberField("count", v.count());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeObjectFieldStart("settings");
            for (Map.Entry<String, String> e : settings.entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            g.writeObjectFieldStart("invalid_by_reason");
            for (Map.Entry<String, Long> e : invalidByReason.entrySet()) {
                g.writeNumberField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            g.writeEndObject();
        }
        return totals;
    }

    private static void windowAndType(JsonGenerator g, Result v) throws IOException {
        g.writeStringField("window_start", v.windowStart());
        g.writeStringField("window_end", v.windowEnd());
        g.writeStringField("crime_type", v.crimeType());
    }
}
