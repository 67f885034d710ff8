package io.sfcrime.spark.pipeline;

import io.sfcrime.common.scan.EventTimeRange;
import io.sfcrime.spark.sink.DeadLetterTarget;
import io.sfcrime.spark.sink.DeadLetterWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF6;
import org.apache.spark.sql.expressions.UserDefinedFunction;

import static io.sfcrime.spark.pipeline.Columns.CRIME_ID;
import static io.sfcrime.spark.pipeline.Columns.CRIME_TYPE;
import static io.sfcrime.spark.pipeline.Columns.DISPOSITION;
import static io.sfcrime.spark.pipeline.Columns.EVENT_TIME;
import static io.sfcrime.spark.pipeline.Columns.MESSAGE;
import static io.sfcrime.spark.pipeline.Columns.REASON;
import static org.apache.spark.sql.functions.col;

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

    /** {@link #validate(Dataset, EventTimeRange, DeadLetterTarget)} without writing dead letters (tests). */
    public static Dataset<Row> validate(Dataset<Row> kafkaRows, EventTimeRange range) {
        return validate(kafkaRows, range, null);
    }

    /**
     * Kafka rows ({@code key, value, topic, partition, offset}) → the same rows plus {@code reason} and {@code message}
     * (both null for a valid record), {@code event_time} (valid rows, San Francisco local time), {@code crime_type},
     * {@code disposition} and {@code crime_id}: {@link CallScan}, once per row. Event times outside {@code range}
     * are invalid; the clock they are judged at is the batch's ({@link BatchConstants#clockMillisText()}: in a
     * streaming query the batch timestamp kept in the offset log), so a replayed batch gives every record the same
     * verdict. Each
     * invalid record also goes to {@code deadLetters} (null: nowhere) from the task that read it; the scan is then
     * declared non-deterministic, which keeps Spark from evaluating it more than once per row.
     */
    public static Dataset<Row> validate(Dataset<Row> kafkaRows, EventTimeRange range, DeadLetterTarget deadLetters) {
        UserDefinedFunction scan = org.apache.spark.sql.functions.udf(
                (UDF6<byte[], byte[], String, Integer, Long, String, Row>) (key, value, topic, partition, offset, now) -> {
                    Row verdict = CallScan.scan(value, range, BatchConstants.clockMillis(now));
                    if (deadLetters != null && !verdict.isNullAt(0)) {
                        DeadLetterWriter.send(deadLetters, topic, partition, offset, key, value, verdict.getString(0),
                                verdict.getString(1));
                    }
                    return verdict;
                }, CallScan.RESULT);
        if (deadLetters != null) {
            scan = scan.asNondeterministic();
        }
        return kafkaRows.withColumn("_scan", scan.apply(col("key"), col("value"), col("topic"), col("partition"),
                        col("offset"), BatchConstants.clockMillisText()))
                .select(col("*"), col("_scan." + REASON).as(REASON), col("_scan." + MESSAGE).as(MESSAGE),
                        col("_scan." + EVENT_TIME).as(EVENT_TIME), col("_scan." + CRIME_TYPE).as(CRIME_TYPE),
                        col("_scan." + DISPOSITION).as(DISPOSITION), col("_scan." + CRIME_ID).as(CRIME_ID))
                .drop("_scan");
    }
}
