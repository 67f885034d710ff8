package io.sfcrime.spark.pipeline;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;

import java.math.BigDecimal;

import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.unix_millis;

/**
 * Values that differ from one micro-batch to the next (the batch's clock, its id) as columns that keep the generated
 * code the same from batch to batch.
 * <p>
 * Why: Spark writes a literal of a primitive type (int, long, timestamp) into the Java code it generates, and any
 * other literal (a string, a decimal) into an array of objects the code reads. A plan holding the batch's clock as a
 * long is therefore new code every batch: Janino compiles the whole stage again and the JVM runs the new class in
 * its interpreter until it has JIT-compiled it once more, on the cores the tasks need (the bench measured the
 * compiler threads at a quarter of the cores' time of a steady batch). The same values as objects cost nothing per
 * batch: the code is found in Spark's cache and is already compiled.
 */
public final class BatchConstants {
    /** The decimal type of {@link #batchId}: every long fits, and it is written to JSON as an integer. */
    private static final DecimalType LONG_AS_DECIMAL = DataTypes.createDecimalType(20, 0);

    private BatchConstants() {
    }

    /**
     * The batch's clock in epoch milliseconds, as text: {@code current_timestamp()}, which in a streaming query is
     * the batch's timestamp from the offset log (the same on a replay), folded by the optimizer into a string literal.
     * Read it with {@link #clockMillis(String)}.
     */
    public static Column clockMillisText() {
        return unix_millis(current_timestamp()).cast(DataTypes.StringType);
    }

    /** The value of a {@link #clockMillisText()} column. */
    public static long clockMillis(String text) {
        return Long.parseLong(text);
    }

    /** A batch id as a column: a decimal of scale 0, so a JSON value holds it as the same integer a long would. */
    public static Column batchId(long batchId) {
        return lit(new BigDecimal(batchId)).cast(LONG_AS_DECIMAL);
    }
}
