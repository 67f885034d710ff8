package io.sfcrime.spark.sink;

import io.sfcrime.common.DeadLetter;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import static io.sfcrime.spark.pipeline.Columns.MESSAGE;
import static io.sfcrime.spark.pipeline.Columns.REASON;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;

/**
 * Dead letters: the invalid rows as records for Spark's Kafka sink, the original key and value with headers saying
 * why ({@link DeadLetter}); {@code dlq.index} ({@code topic-partition@offset}) identifies a duplicate after a replay.
 */
public final class DeadLetters {
    private DeadLetters() {
    }

    /** Invalid rows only, as dead-letter records for Spark's Kafka sink: original key and value, reason headers. */
    public static Dataset<Row> records(Dataset<Row> validated) {
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
}
