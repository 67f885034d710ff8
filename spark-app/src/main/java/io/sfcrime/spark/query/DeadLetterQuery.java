package io.sfcrime.spark.query;

import io.sfcrime.common.scan.EventTimeRange;
import io.sfcrime.common.tuning.JobQuery;
import io.sfcrime.common.tuning.Tuning;
import io.sfcrime.spark.config.JobConfig;
import io.sfcrime.spark.config.KafkaClients;
import io.sfcrime.spark.pipeline.CallValidation;
import io.sfcrime.spark.pipeline.KafkaSource;
import io.sfcrime.spark.sink.DeadLetters;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;

import java.util.concurrent.TimeoutException;

/** The {@link JobQuery#DEAD_LETTERS} query: Kafka → validate → invalid rows → dead-letter topic. Stateless. */
final class DeadLetterQuery {
    private DeadLetterQuery() {
    }

    static StreamingQuery start(SparkSession spark, JobConfig config, Tuning tuning, Trigger trigger)
            throws TimeoutException {
        // Read the same input topic as the counts, with its own offsets.
        Dataset<Row> calls = KafkaSource.read(spark, config, tuning);
        // Parse and validate exactly as the counts query does, so both agree on every record.
        Dataset<Row> validated = CallValidation.validate(calls, EventTimeRange.of(tuning));
        // Write the invalid records, unchanged and with their reasons as headers, through Spark's Kafka sink.
        return DeadLetters.records(validated).writeStream()
                .queryName(JobQuery.DEAD_LETTERS.queryName())
                .format("kafka")
                .options(KafkaClients.sparkOptions())
                .option("kafka.bootstrap.servers", config.bootstrap())
                .option("topic", config.deadLetterTopic())
                .option("checkpointLocation", config.queryCheckpoint(JobQuery.DEAD_LETTERS).toString())
                .trigger(trigger)
                .start();
    }
}
