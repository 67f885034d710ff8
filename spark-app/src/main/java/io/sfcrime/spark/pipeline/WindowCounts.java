package io.sfcrime.spark.pipeline;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

import java.time.Duration;

import static io.sfcrime.spark.pipeline.Columns.BY_TYPE;
import static io.sfcrime.spark.pipeline.Columns.BY_TYPE_DISPOSITION;
import static io.sfcrime.spark.pipeline.Columns.COUNT;
import static io.sfcrime.spark.pipeline.Columns.COUNTER;
import static io.sfcrime.spark.pipeline.Columns.CRIME_ID;
import static io.sfcrime.spark.pipeline.Columns.CRIME_TYPE;
import static io.sfcrime.spark.pipeline.Columns.DISPOSITION;
import static io.sfcrime.spark.pipeline.Columns.EVENT_TIME;
import static io.sfcrime.spark.pipeline.Columns.INVALID_ROWS_PREFIX;
import static io.sfcrime.spark.pipeline.Columns.LEVEL;
import static io.sfcrime.spark.pipeline.Columns.REASON;
import static io.sfcrime.spark.pipeline.Columns.VALID_ROWS;
import static io.sfcrime.spark.pipeline.Columns.WINDOW_END;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/**
 * Window and count: validated rows → counts per tumbling event-time window by crime type and by crime type and
 * disposition, plus exact counters of valid and invalid rows, all from one streaming aggregation with a watermark.
 */
public final class WindowCounts {
    private WindowCounts() {
    }

    /**
     * The counts with or without {@code query.dedupe}. With it, the watermark sits on {@code event_time} (the
     * de-duplication needs it there and Spark allows one watermark per query), so the aggregation gets none: its
     * window state is not evicted, and rows later than the watermark are dropped by the de-duplication itself, seen in
     * the query progress ({@code numRowsDroppedByWatermark} of that operator) rather than in {@code late_rows_dropped}.
     */
    public static Dataset<Row> countCalls(Dataset<Row> validated, Duration window, Duration watermarkDelay,
                                          boolean dedupe) {
        return countCalls(validated, validated, window, watermarkDelay, dedupe);
    }

    /**
     * {@link #countCalls(Dataset, Duration, Duration, boolean)} where, with {@code dedupe}, the valid rows are taken
     * from {@code validatedAgain}, a second validation of the same records: the de-duplication reads the records in
     * two branches (its valid rows and the invalid ones), so a validation with a side effect (writing dead letters)
     * must be given only to the branch of the invalid rows, or it runs twice per record.
     */
    public static Dataset<Row> countCalls(Dataset<Row> validated, Dataset<Row> validatedAgain, Duration window,
                                          Duration watermarkDelay, boolean dedupe) {
        if (!dedupe) {
            return countAll(validated, window, watermarkDelay);
        }
        return countAll(dropDuplicateCalls(validatedAgain, validated, watermarkDelay), window, null);
    }

    /**
     * {@code query.dedupe}: of the valid rows sharing a {@code crime_id}, only the first reaches the counts, as long
     * as the later copies arrive before the watermark passes the first one's event time plus the delay (Spark's
     * {@code dropDuplicatesWithinWatermark}, whose state is freed by the same watermark). Invalid rows pass untouched:
     * they have no trustworthy id or time and are counted per reason. Which copy wins is not defined, so this is meant
     * for re-sent records (same content), as after a producer replay.
     */
    public static Dataset<Row> dropDuplicateCalls(Dataset<Row> validated, Duration watermarkDelay) {
        return dropDuplicateCalls(validated, validated, watermarkDelay);
    }

    /** {@link #dropDuplicateCalls(Dataset, Duration)} with the valid rows of one validation, the invalid of another. */
    static Dataset<Row> dropDuplicateCalls(Dataset<Row> validRowsOf, Dataset<Row> invalidRowsOf,
                                           Duration watermarkDelay) {
        Column valid = col(REASON).isNull();
        Dataset<Row> firstCopies = validRowsOf.where(valid)
                .withWatermark(EVENT_TIME, watermarkDelay.toMillis() + " milliseconds")
                .dropDuplicatesWithinWatermark(CRIME_ID);
        return firstCopies.unionByName(invalidRowsOf.where(valid.unary_$bang()));
    }

    /**
     * End of the tumbling window holding each valid row, aligned to the epoch like Spark's {@code window()}. Spark's
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
     * crime_type, disposition)}. Each valid row is counted at three levels: {@link Columns#BY_TYPE} (disposition
     * null), {@link Columns#BY_TYPE_DISPOSITION}, and the {@link Columns#VALID_ROWS} counter; an invalid row only in
     * the counter of its reason. Counter rows have no window, so the watermark can neither drop nor evict them: the
     * difference between the valid-rows counter and the sum of the {@link Columns#BY_TYPE} counts is exactly what the
     * watermark dropped. Spark allows one aggregation per query in update mode; these levels are how both results
     * (and the counters) come out of one.
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

    /**
     * {@code query.preAggregate}: the same aggregation over {@link PartialCounts}' rows, summing their {@code n}
     * instead of counting rows. Same keys, same watermark on the window end, same output columns.
     *
     * @param watermarkDelay null for batch data (no watermark)
     */
    public static Dataset<Row> sumPartials(Dataset<Row> partials, Duration watermarkDelay) {
        Dataset<Row> in = partials;
        if (watermarkDelay != null) {
            in = in.withWatermark(WINDOW_END, watermarkDelay.toMillis() + " milliseconds");
        }
        return in.groupBy(col(LEVEL), col(WINDOW_END), col(CRIME_TYPE), col(DISPOSITION))
                .agg(sum(col(PartialCounts.N)).as(COUNT));
    }

    private static Column level(Column level, Column end, Column type, Column disposition) {
        return struct(level.as(LEVEL), end.as(WINDOW_END), type.as(CRIME_TYPE), disposition.as(DISPOSITION));
    }
}
