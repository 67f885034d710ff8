package io.sfcrime.spark.sink;

import io.sfcrime.common.KafkaEnv;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where the counts query's scan sends the records it refuses: built on the driver, shipped to the executors inside the
 * scan's function. It carries the client settings (the driver's KAFKA_* environment, which executor pods need not
 * have) and an accumulator of the dead letters the broker acknowledged in successful tasks, which the driver turns
 * into {@link io.sfcrime.common.metrics.JobMetrics#DEAD_LETTERED_ROWS}.
 *
 * @param bootstrap       the brokers
 * @param topic           the dead-letter topic
 * @param clientSettings  TLS/SCRAM client properties, empty locally
 * @param written         dead letters acknowledged by the broker, summed over successful tasks
 */
public record DeadLetterTarget(String bootstrap, String topic, Map<String, String> clientSettings,
                               LongAccumulator written) implements Serializable {

    /** The target of this job, its accumulator registered with {@code spark} (one per session). */
    public static DeadLetterTarget create(SparkSession spark, String bootstrap, String topic) {
        LongAccumulator written = spark.sparkContext().longAccumulator("dead-lettered rows");
        return new DeadLetterTarget(bootstrap, topic, new TreeMap<>(KafkaEnv.clientProperties()), written);
    }

    /** Without the client settings: they may hold a password. */
    @Override
    public String toString() {
        return "DeadLetterTarget[" + topic + " at " + bootstrap + "]";
    }

    /** The key of the executor's cached producer: one per broker, settings and topic set, not per task. */
    String producerKey() {
        return bootstrap + "|" + clientSettings;
    }
}
