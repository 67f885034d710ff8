package io.sfcrime.spark.pipeline;

import io.sfcrime.common.DeadLetter;
import io.sfcrime.common.Invalid;
import io.sfcrime.common.RadioCodes;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

/**
 * The job's transforms: static functions of {@code Dataset<Row>} (read → validate → count → describe), called by the
 * streaming job and directly by unit tests on small batch or memory-stream data.
 * <p>
 * Validation is {@link io.sfcrime.common.RecordValidator}'s, applied by {@link CallScan} (a test feeds a catalogue of
 * raw values through both).
 */
public final class CallTransforms {
    /** Grouping levels of the one streaming aggregation; also the {@code aggregation} field of result records. */
    public static final String BY_TYPE = "by_window_crime_type";
    public static final String BY_TYPE_DISPOSITION = "by_window_crime_type_disposition";
    public static final String COUNTER = "counter";
    /** Counter names (in the crime_type column of counter rows). Invalid rows count per reason. */
    public static final String VALID_ROWS = "valid_rows";
    public static final String INVALID_ROWS_PREFIX = "invalid_rows:";

    // Output columns of validate().
    public static final String REASON = "reason";
    public static final String MESSAGE = "message";
    public static final String EVENT_TIME = "event_time";
    public static final String CRIME_TYPE = "crime_type";
    public static final String CRIME_ID = "crime_id";
    public static final String DISPOSITION = "disposition";
    public static final String DISPOSITION_DESCRIPTION = "disposition_description";
    // Output columns of countAll(): level, window_end, crime_type, disposition, count.
    public static final String LEVEL = "level";
    public static final String WINDOW_START = "window_start";
    public static final String WINDOW_END = "window_end";
    public static final String COUNT = "count";

    private static final UserDefinedFunction SCAN =
            org.apache.spark.sql.functions.udf((UDF1<byte[], Row>) CallScan::scan, CallScan.RESULT);

    private CallTransforms() {
    }

    /**
     * Kafka rows ({@code key, value, topic, partition, offset}) → the same rows plus {@code reason} and {@code message}
     * (both null for a valid record), {@code event_time} (valid rows, San Francisco local time), {@code crime_type},
     * {@code disposition} and {@code crime_id}: {@link CallScan}, once per row.
     */
    public static Dataset<Row> validate(Dataset<Row> kafkaRows) {
        return kafkaRows.withColumn("_scan", SCAN.apply(col("value")))
                .select(col("*"), col("_scan." + REASON).as(REASON), col("_scan." + MESSAGE).as(MESSAGE),
                        col("_scan." + EVENT_TIME).as(EVENT_TIME), col("_scan." + CRIME_TYPE).as(CRIME_TYPE),
                        col("_scan." + DISPOSITION).as(DISPOSITION), col("_scan." + CRIME_ID).as(CRIME_ID))
                .drop("_scan");
    }

    /**
     * The counts with or without {@code query.dedupe}. With it, the watermark sits on {@code event_time} (the
     * de-duplication needs it there and Spark allows one watermark per query), so the aggregation gets none: its
     * window state is not evicted, and rows later than the watermark are dropped by the de-duplication itself, seen in
     * the query progress ({@code numRowsDroppedByWatermark} of that operator) rather than in {@code late_rows_dropped}.
     */
    public static Dataset<Row> countCalls(Dataset<Row> validated, Duration window, Duration watermarkDelay,
                                          boolean dedupe) {
        if (!dedupe) {
            return countAll(validated, window, watermarkDelay);
        }
        return countAll(dropDuplicateCalls(validated, watermarkDelay), window, null);
    }

    /**
     * {@code query.dedupe}: of the valid rows sharing a {@code crime_id}, only the first reaches the counts, as long
     * as the later copies arrive before the watermark passes the first one's event time plus the delay (Spark's
     * {@code dropDuplicatesWithinWatermark}, whose state is freed by the same watermark). Invalid rows pass untouched:
     * they have no trustworthy id or time and are counted per reason. Which copy wins is not defined, so this is meant
     * for re-sent records (same content), as after a producer replay.
     */
    public static Dataset<Row> dropDuplicateCalls(Dataset<Row> validated, Duration watermarkDelay) {
        Column valid = col(REASON).isNull();
        Dataset<Row> firstCopies = validated.where(valid)
                .withWatermark(EVENT_TIME, watermarkDelay.toMillis() + " milliseconds")
                .dropDuplicatesWithinWatermark(CRIME_ID);
        return firstCopies.unionByName(validated.where(valid.unary_$bang()));
    }

    /** Invalid rows only, as dead-letter records for Spark's Kafka sink: original key and value, reason headers. */
    public static Dataset<Row> deadLetters(Dataset<Row> validated) {
        Column index = concat(col("topic"), lit("-"), col("partition").cast("string"), lit("@"),
                col("offset").cast("string"));
        return validated.where(col(REASON).isNotNull())
                .select(col("key"), col("value"), array(
                        header(DeadLetter.REASON, col(REASON)),
                        header(DeadLetter.MESSAGE, col(MESSAGE)),
                        header(DeadLetter.INDEX, index),
                        header(DeadLetter.SOURCE, lit("spark-app")),
                        header(DeadLetter.ORIGIN, col("topic"))).as("headers"));
    }

    private static Column header(String name, Column value) {
        return struct(lit(name).as("key"), value.cast("binary").as("value"));
    }

    /**
     * Start of the tumbling window holding each valid row, aligned to the epoch like Spark's {@code window()}. Spark's
     * {@code window()} cannot be used here: it filters out rows with a null time, and the invalid rows must reach the
     * counters.
     */
    static Column windowEnd(Duration window) {
        long us = window.toNanos() / 1000;
        return expr("timestamp_micros(" + "unix_micros(" + EVENT_TIME + ") - pmod(unix_micros(" + EVENT_TIME + "), "
                + us + "L) + " + us + "L)");
    }

    /**
     * The one streaming aggregation behind every output: validated rows → counts per {@code (level, window_end,
     * crime_type, disposition)}. Each valid row is counted at three levels: {@link #BY_TYPE} (disposition null),
     * {@link #BY_TYPE_DISPOSITION}, and the {@link #VALID_ROWS} counter; an invalid row only in the counter of its
     * reason. Counter rows have no window, so the watermark can neither drop nor evict them: the difference between
     * the valid-rows counter and the sum of the {@link #BY_TYPE} counts is exactly what the watermark dropped.
     * Spark allows one aggregation per query in update mode; these levels are how both results (and the counters)
     * come out of one.
     *
     * @param watermarkDelay null for batch data (no watermark)
     */
    public static Dataset<Row> countAll(Dataset<Row> validated, Duration window, Duration watermarkDelay) {
        Column valid = col(REASON).isNull();
        Column end = when(valid, windowEnd(window));
        Column nullTime = lit(null).cast(DataTypes.TimestampType);
        Column nullText = lit(null).cast(DataTypes.StringType);
        Column levels = when(valid, array(
                        level(lit(BY_TYPE), end, col(CRIME_TYPE), nullText),
                        level(lit(BY_TYPE_DISPOSITION), end, col(CRIME_TYPE), col(DISPOSITION)),
                        level(lit(COUNTER), nullTime, lit(VALID_ROWS), nullText)))
                .otherwise(array(level(lit(COUNTER), nullTime, concat(lit(INVALID_ROWS_PREFIX), col(REASON)), nullText)));
        Dataset<Row> exploded = validated.select(explode(levels).as("l"))
                .select(col("l." + LEVEL).as(LEVEL), col("l." + WINDOW_END).as(WINDOW_END),
                        col("l." + CRIME_TYPE).as(CRIME_TYPE), col("l." + DISPOSITION).as(DISPOSITION));
        if (watermarkDelay != null) {
            // On the window end: a row is late when its window ended more than the delay before the newest window
            // end seen; null (counter rows) is never late.
            exploded = exploded.withWatermark(WINDOW_END, watermarkDelay.toMillis() + " milliseconds");
        }
        return exploded.groupBy(col(LEVEL), col(WINDOW_END), col(CRIME_TYPE), col(DISPOSITION))
                .agg(count(lit(1)).as(COUNT));
    }

    private static Column level(Column level, Column end, Column type, Column disposition) {
        return struct(level.as(LEVEL), end.as(WINDOW_END), type.as(CRIME_TYPE), disposition.as(DISPOSITION));
    }

    /** The radio-code table as a small static Dataset {@code (disposition_code, description)}. */
    public static Dataset<Row> radioCodeTable(SparkSession spark, RadioCodes codes) {
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, String> e : codes.asMap().entrySet()) {
            rows.add(RowFactory.create(e.getKey(), e.getValue()));
        }
        StructType schema = DataTypes.createStructType(List.of(
                DataTypes.createStructField("disposition_code", DataTypes.StringType, false),
                DataTypes.createStructField("description", DataTypes.StringType, false)));
        return spark.createDataFrame(rows, schema);
    }

    /**
     * Adds {@code window_start} and {@code disposition_description}: a left join with the static radio-code table on
     * the code only (two codes share the description "Cancel"); a code missing from the table describes itself, a
     * missing disposition stays null. Works on the streaming aggregate (stream–static join) and on batches.
     */
    public static Dataset<Row> describe(Dataset<Row> counts, Dataset<Row> radioCodes, Duration window) {
        long us = window.toNanos() / 1000;
        return counts.join(broadcast(radioCodes), counts.col(DISPOSITION).equalTo(radioCodes.col("disposition_code")),
                        "left_outer")
                .select(col(LEVEL),
                        expr("timestamp_micros(unix_micros(" + WINDOW_END + ") - " + us + "L)").as(WINDOW_START),
                        col(WINDOW_END), col(CRIME_TYPE), col(DISPOSITION),
                        coalesce(col("description"), col(DISPOSITION)).as(DISPOSITION_DESCRIPTION),
                        col(COUNT));
    }
}
