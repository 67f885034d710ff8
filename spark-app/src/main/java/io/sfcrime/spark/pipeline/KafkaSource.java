package io.sfcrime.spark.pipeline;

import io.sfcrime.common.tuning.Tuning;
import io.sfcrime.common.tuning.TuningKeys;
import io.sfcrime.spark.config.JobConfig;
import io.sfcrime.spark.config.KafkaClients;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamReader;

/** Read: the input topic as a stream of Kafka rows, shaped by the tuning's {@code source.*} keys. */
public final class KafkaSource {
    private KafkaSource() {
    }

    /** Kafka source rows ({@code key, value, topic, partition, offset, ...}) with the tuning's source options. */
    public static Dataset<Row> read(SparkSession spark, JobConfig config, Tuning tuning) {
        DataStreamReader reader = spark.readStream().format("kafka")
                .option("kafka.bootstrap.servers", config.bootstrap())
                .options(KafkaClients.sparkOptions())
                .option("subscribe", config.topic())
                .option("startingOffsets", tuning.getString(TuningKeys.STARTING_OFFSETS))
                .option("failOnDataLoss", tuning.getBoolean(TuningKeys.FAIL_ON_DATA_LOSS))
                // The executors' consumers: fewer polls and fetches per batch (see the keys' docs).
                .options(tuning.kafkaConsumerOptions());
        long maxOffsets = tuning.getLong(TuningKeys.MAX_OFFSETS_PER_TRIGGER);
        if (maxOffsets > 0) {
            reader = reader.option("maxOffsetsPerTrigger", maxOffsets);
        }
        int minPartitions = tuning.getInt(TuningKeys.MIN_PARTITIONS);
        if (minPartitions > 0) {
            reader = reader.option("minPartitions", minPartitions);
        }
        return reader.load();
    }
}
