package io.sfcrime.spark.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sfcrime.common.Json;
import io.sfcrime.common.report.CountsReport.Row;
import io.sfcrime.common.report.CountsReport.Totals;
import io.sfcrime.common.report.ReportCodec;
import io.sfcrime.spark.sink.ResultFold;
import io.sfcrime.spark.sink.ResultFold.Result;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
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
 * The final report (common's {@link ReportCodec} writes it; its fields and bytes are a contract): built from a
 * {@link ResultFold}, i.e. from what survives a restart. {@code late_rows_dropped} is the valid-rows counter (which
 * the watermark cannot drop) minus the rows counted in windows, so
 * {@code valid_rows == sum(by_window_crime_type) + late_rows_dropped} holds by measurement of two independent paths
 * through the same aggregation.
 * <p>
 * The rows are streamed to the file as they are sorted, never held as a JSON tree: a run with millions of windows
 * writes its report in the heap its fold already takes.
 */
public final class Report {
    private static final Comparator<Result> ORDER = Comparator.comparingLong(Result::windowStartMs)
            .thenComparing(Result::crimeType, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(Result::disposition, Comparator.nullsFirst(Comparator.naturalOrder()));

    private Report() {
    }

    /** Writes atomically so a reader never sees half a report; returns its totals for a one-line summary. */
    public static Totals write(ResultFold fold, Map<String, String> settings, Path file) throws IOException {
        Folded f = fold(fold);
        ReportCodec.write(file, f.totals(), rows(f.byType()), rows(f.byDisposition()), settings, f.invalidByReason());
        return f.totals();
    }

    /** The report as a JSON tree: for tests and small folds. */
    public static ObjectNode build(ResultFold fold, Map<String, String> settings) {
        Folded f = fold(fold);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ReportCodec.write(bytes, f.totals(), rows(f.byType()), rows(f.byDisposition()), settings,
                    f.invalidByReason());
            return (ObjectNode) Json.MAPPER.readTree(bytes.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record Folded(Totals totals, List<Result> byType, List<Result> byDisposition,
                          Map<String, Long> invalidByReason) {
    }

    private static Folded fold(ResultFold fold) {
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
        return new Folded(new Totals(valid + invalid, valid, invalid, valid - counted), byType, byDisposition,
                invalidByReason);
    }

    /** The results as report rows, made one at a time while the codec writes them. */
    private static Iterable<Row> rows(List<Result> results) {
        return () -> results.stream().map(v -> new Row(v.windowStart(), v.windowEnd(), v.crimeType(),
                v.disposition(), v.dispositionDescription(), v.count())).iterator();
    }
}
