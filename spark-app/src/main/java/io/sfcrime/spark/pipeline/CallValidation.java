package io.sfcrime.spark.pipeline;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
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
    private static final UserDefinedFunction SCAN =
            org.apache.spark.sql.functions.udf((UDF1<byte[], Row>) CallScan::scan, CallScan.RESULT);

    private CallValidation() {
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
}
