package io.sfcrime.spark.pipeline;

import io.sfcrime.common.Invalid;
import io.sfcrime.common.scan.CallScanner;
import io.sfcrime.common.scan.EventTimeRange;
import io.sfcrime.spark.sink.DeadLetterTarget;
import io.sfcrime.spark.sink.DeadLetterWriter;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static io.sfcrime.spark.pipeline.Columns.BY_TYPE;
import static io.sfcrime.spark.pipeline.Columns.BY_TYPE_DISPOSITION;
import static io.sfcrime.spark.pipeline.Columns.COUNTER;
import static io.sfcrime.spark.pipeline.Columns.CRIME_TYPE;
import static io.sfcrime.spark.pipeline.Columns.DISPOSITION;
import static io.sfcrime.spark.pipeline.Columns.INVALID_ROWS_PREFIX;
import static io.sfcrime.spark.pipeline.Columns.LEVEL;
import static io.sfcrime.spark.pipeline.Columns.VALID_ROWS;
import static io.sfcrime.spark.pipeline.Columns.WINDOW_END;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

/**
 * Parse, validate and count in one pass ({@code query.preAggregate}): each Kafka partition's records of a batch are
 * scanned by common's {@link CallScanner} straight from the value's bytes and counted in a Java hash map per
 * {@code (level, window_end, crime_type, disposition)}, the keys {@link WindowCounts#countAll} counts; only those
 * partial counts become Spark rows, and the streaming aggregation sums them.
 * <p>
 * Why: the row-per-record path builds a result row per record in the scan UDF, converts it to Spark's row format,
 * fans it out to three rows and hashes each in Spark's partial aggregation, which the bench's profile showed costing
 * more than the scan itself. The counts are the same: Spark's own partial aggregation already sums rows before the
 * shuffle and the watermark, and this does that sum earlier. The verdicts are {@link CallScan}'s: same scanner, same
 * event-time range, same batch clock ({@link BatchConstants#clockMillisText()}, kept in the offset log).
 */
public final class PartialCounts {
    /** How many records a partial row stands for. */
    public static final String N = "n";
    private static final String WINDOW_END_US = "window_end_us";
    private static final StructType PARTIAL = DataTypes.createStructType(List.of(
            DataTypes.createStructField(LEVEL, DataTypes.StringType, false),
            DataTypes.createStructField(WINDOW_END_US, DataTypes.LongType, true),
            DataTypes.createStructField(CRIME_TYPE, DataTypes.StringType, true),
            DataTypes.createStructField(DISPOSITION, DataTypes.StringType, true),
            DataTypes.createStructField(N, DataTypes.LongType, false)));

    /** One hourly cell of the finest level: window end, crime type and disposition (null when the record has none). */
    private record Cell(long windowEndUs, String crimeType, String disposition) {
    }

    /** One cell of the coarser level, summed from the cells at the end of a partition. */
    private record TypeCell(long windowEndUs, String crimeType) {
    }

    private PartialCounts() {
    }

    /** {@link #count(Dataset, EventTimeRange, Duration, DeadLetterTarget)} without writing dead letters (tests). */
    public static Dataset<Row> count(Dataset<Row> kafkaRows, EventTimeRange range, Duration window) {
        return count(kafkaRows, range, window, null);
    }

    /**
     * Kafka rows → partial counts {@code (level, window_end, crime_type, disposition, n)}: per Kafka partition of the
     * batch, one row per key its records touch. Event times outside {@code range} are invalid, judged at the batch's
     * clock. Each invalid record also goes to {@code deadLetters} (null: nowhere) from the task that read it.
     */
    public static Dataset<Row> count(Dataset<Row> kafkaRows, EventTimeRange range, Duration window,
                                     DeadLetterTarget deadLetters) {
        long windowUs = window.toNanos() / 1000;
        Dataset<Row> records = kafkaRows.select(col("key"), col("value"), col("topic"), col("partition"),
                col("offset"), BatchConstants.clockMillisText());
        Dataset<Row> partial = records.mapPartitions(
                (MapPartitionsFunction<Row, Row>) it -> fold(it, range, windowUs, deadLetters),
                Encoders.row(PARTIAL));
        return partial.select(col(LEVEL), expr("timestamp_micros(" + WINDOW_END_US + ")").as(WINDOW_END),
                col(CRIME_TYPE), col(DISPOSITION), col(N));
    }

    /**
     * Scans and counts one partition's records {@code (key, value, topic, partition, offset, batch clock)}; visible
     * for tests. One hash lookup per valid record: only the finest level (type × disposition) is counted per record;
     * the by-type counts and the valid-rows counter are sums of it, taken once per partition (the bench's profile had
     * the three lookups per record at a tenth of the executors' time).
     */
    static Iterator<Row> fold(Iterator<Row> records, EventTimeRange range, long windowUs,
                              DeadLetterTarget deadLetters) {
        CallScanner s = new CallScanner();
        long clock = 0; // the batch's clock: one literal for the whole batch, so parsed from the first row only
        boolean clockRead = false;
        Map<Cell, long[]> cells = new HashMap<>();
        Map<String, long[]> invalidByCode = new HashMap<>();
        while (records.hasNext()) {
            Row r = records.next();
            byte[] value = (byte[]) r.get(1);
            if (!clockRead) {
                clock = BatchConstants.clockMillis(r.getString(5));
                clockRead = true;
            }
            Invalid why = value == null ? s.scan(null) : s.scan(value, value.length, range, clock);
            if (why == null) {
                // As WindowCounts.windowEnd: the end of the epoch-aligned window holding the event time.
                long us = s.eventMillis() * 1000L;
                long end = us - Math.floorMod(us, windowUs) + windowUs;
                cells.computeIfAbsent(new Cell(end, s.crimeType(), s.disposition()), k -> new long[1])[0]++;
            } else {
                invalidByCode.computeIfAbsent(why.code(), k -> new long[1])[0]++;
                if (deadLetters != null) {
                    DeadLetterWriter.send(deadLetters, r.getString(2), r.getInt(3), r.getLong(4), (byte[]) r.get(0),
                            value, why.code(), why.message());
                }
            }
        }
        return partialRows(cells, invalidByCode).iterator();
    }

    /** The partition's partial count rows: every level from the finest cells, plus the counters. */
    private static List<Row> partialRows(Map<Cell, long[]> cells, Map<String, long[]> invalidByCode) {
        List<Row> rows = new ArrayList<>(cells.size() * 2 + invalidByCode.size() + 1);
        Map<TypeCell, long[]> byType = new HashMap<>();
        long valid = 0;
        for (Map.Entry<Cell, long[]> e : cells.entrySet()) {
            Cell c = e.getKey();
            long n = e.getValue()[0];
            rows.add(RowFactory.create(BY_TYPE_DISPOSITION, c.windowEndUs(), c.crimeType(), c.disposition(), n));
            byType.computeIfAbsent(new TypeCell(c.windowEndUs(), c.crimeType()), k -> new long[1])[0] += n;
            valid += n;
        }
        byType.forEach((t, n) -> rows.add(RowFactory.create(BY_TYPE, t.windowEndUs(), t.crimeType(), null, n[0])));
        if (valid > 0) {
            rows.add(RowFactory.create(COUNTER, null, VALID_ROWS, null, valid));
        }
        invalidByCode.forEach((code, n) -> rows.add(
                RowFactory.create(COUNTER, null, INVALID_ROWS_PREFIX + code, null, n[0])));
        return rows;
    }
}
