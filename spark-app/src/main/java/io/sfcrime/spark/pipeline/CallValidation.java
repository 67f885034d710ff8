package io.sfcrime.spark.pipeline;

import io.sfcrime.common.scan.EventTimeRange;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.UserDefinedFunction;

import static io.sfcrime.spark.pipeline.Columns.CRIME_ID;
import static io.sfcrime.spark.pipeline.Columns.CRIME_TYPE;
import static io.sfcrime.spark.pipeline.Columns.DISPOSITION;
import static io.sfcrime.spark.pipeline.Columns.EVENT_TIME;
import static io.sfcrime.spark.pipeline.Columns.MESSAGE;
import static io.sfcrime.spark.pipeline.Columns.REASON;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.unix_millis;

/**
 * Parse and validate: each Kafka value scanned once by {@link CallScan}, whose verdict is
 * {@link io.sfcrime.common.RecordValidator}'s (a test feeds a catalogue of raw values through both).
 */
public final class CallValidation {
    private CallValidation() {
    }

    /** {@link #validate(Dataset, EventTimeRange)} with the default plausible event-time range. */
    public static Dataset<Row> validate(Dataset<Row> kafkaRows) {
        return validate(kafkaRows, EventTimeRange.defaults());
    }

    /**
     * Kafka rows ({@code key, value, topic, partition, offset}) → the same rows plus {@code reason} and {@code message}
     * (both null for a valid record), {@code event_time} (valid rows, San Francisco local time), {@code crime_type},
     * {@code disposition} and {@code crime_id}: {@link CallScan}, once per row. Event times outside {@code range}
     * are invalid; the clock they are judged at is the batch's ({@code current_timestamp()} in a streaming query is
     * the batch timestamp kept in the offset log), so a replayed batch gives every record the same verdict.
     */
    public static Dataset<Row> validate(Dataset<Row> kafkaRows, EventTimeRange range) {
        UserDefinedFunction scan = org.apache.spark.sql.functions.udf(
                (UDF2<byte[], Long, Row>) (value, now) -> CallScan.scan(value, range, now), CallScan.RESULT);
        return kafkaRows.withColumn("_scan", scan.apply(col("value"), unix_millis(current_timestamp())))
                .select(col("*"), col("_scan." + REASON).as(REASON), col("_scan." + MESSAGE).as(MESSAGE),
                        col("_scan." + EVENT_TIME).as(EVENT_TIME), col("_scan." + CRIME_TYPE).as(CRIME_TYPE),
                        col("_scan." + DISPOSITION).as(DISPOSITION), col("_scan." + CRIME_ID).as(CRIME_ID))
                .drop("_scan");
    }
}
