package io.sfcrime.spark.config;

import io.sfcrime.common.KafkaEnv;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;

/**
 * The Kafka clients the driver itself uses, each built here with the reason for its settings, and the security
 * options handed to Spark's Kafka source and sinks (which build their own clients on the executors from the
 * {@code kafka.*} options of the query).
 */
public final class KafkaClients {
    private KafkaClients() {
    }

    /**
     * TLS and SCRAM settings from the KAFKA_* variables ({@link KafkaEnv}), prefixed {@code kafka.} for Spark's Kafka
     * source and sinks; empty locally. Read in the driver: executors get them with the query plan.
     */
    public static Map<String, String> sparkOptions() {
        return sparkOptions(System.getenv());
    }

    /** The same from a given environment (tests). */
    public static Map<String, String> sparkOptions(Map<String, String> env) {
        return KafkaEnv.sparkOptions(KafkaEnv.clientProperties(env));
    }

    /** A consumer that reads the results topic once from the start; it never joins a group or commits. */
    public static KafkaConsumer<String, String> resultReader(String bootstrap, Duration patience) {
        Properties p = new Properties();
        // The same secured listener as Spark's clients (TLS + SCRAM on Kubernetes, nothing locally).
        p.putAll(KafkaEnv.clientProperties());
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        // Assigned partitions and explicit seeks: no group, so no rebalance wait and no offsets left behind.
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // Larger fetches: the fold reads the whole topic once, throughput matters more than latency.
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, String.valueOf(32 * 1024 * 1024));
        // Fail fast with a clear message when the broker is gone instead of waiting the default minute.
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(patience.toMillis()));
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "spark-app-result-reader");
        return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    }

    /** An admin client whose calls give up after 30 s without a broker (background work such as group commits). */
    public static Admin admin(String bootstrap) {
        return admin(bootstrap, Duration.ofSeconds(30));
    }

    /** An admin client for the start-up topic checks; a call gives up after {@code timeout} without a broker. */
    public static Admin admin(String bootstrap, Duration timeout) {
        Properties p = new Properties();
        p.putAll(KafkaEnv.clientProperties());
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        // A short timeout turns "no broker there" into an error at start-up, before Spark is busy.
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(timeout.toMillis()));
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(timeout.toMillis()));
        return Admin.create(p);
    }
}
