package io.sfcrime.spark.config;

import io.sfcrime.common.KafkaEnv;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The Kafka clients the driver itself uses, and the security options handed to Spark's Kafka source and sinks
 * (which build their own clients on the executors from the {@code kafka.*} options of the query).
 */
public final class KafkaClients {
    /** Partitions of the topics the job creates when they are missing: two suits local runs on a few cores. */
    public static final int DEFAULT_PARTITIONS = 2;

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
    public static KafkaConsumer<String, String> resultReader(String bootstrap) {
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
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "spark-app-result-reader");
        return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    }

    /**
     * Creates the output topics if they are missing: Spark's Kafka sink relies on broker auto-creation otherwise,
     * which may be off and would give the results topic the broker's default partition count.
     */
    public static void ensureTopics(String bootstrap, Set<String> topics) {
        Properties p = adminProperties(bootstrap);
        try (Admin admin = Admin.create(p)) {
            ensureTopics(admin, bootstrap, topics);
        }
    }

    private static Properties adminProperties(String bootstrap) {
        Properties p = new Properties();
        p.putAll(KafkaEnv.clientProperties());
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        // A short timeout turns "no broker there" into an error at start-up, before Spark is busy.
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
        return p;
    }

    private static void ensureTopics(Admin admin, String bootstrap, Set<String> topics) {
        try {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (String t : topics) {
                if (!existing.contains(t)) {
                    missing.add(new NewTopic(t, DEFAULT_PARTITIONS, (short) 1));
                }
            }
            if (missing.isEmpty()) {
                return;
            }
            try {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new KafkaUnavailableException("cannot reach Kafka at " + bootstrap + " to check topics " + topics
                    + ": " + (e.getCause() == null ? e : e.getCause()).toString(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUnavailableException("interrupted while checking topics", e);
        }
    }

    /**
     * Fails with a clear message when the input topic does not exist, waiting up to {@code wait} for it to appear
     * (a producer started at the same time creates it). Spark would otherwise subscribe to nothing and wait forever,
     * or drain nothing and report zeros.
     */
    public static void requireInputTopic(String bootstrap, String topic, java.time.Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        try (Admin admin = Admin.create(adminProperties(bootstrap))) {
            while (true) {
                Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
                if (existing.contains(topic)) {
                    return;
                }
                if (System.nanoTime() >= deadline) {
                    throw new MissingTopicException("input topic '" + topic + "' does not exist on " + bootstrap
                            + (wait.isZero() ? "" : " (waited " + wait.toSeconds() + " s)") + "; check --topic, or "
                            + "create it first (bin/producer creates it when it starts)");
                }
                Thread.sleep(1000);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new KafkaUnavailableException("cannot reach Kafka at " + bootstrap + " to check topic " + topic
                    + ": " + (e.getCause() == null ? e : e.getCause()).toString(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUnavailableException("interrupted while checking topic " + topic, e);
        }
    }

    /** The input topic is not there. */
    public static final class MissingTopicException extends KafkaUnavailableException {
        public MissingTopicException(String message) {
            super(message, null);
        }
    }

    /** Kafka could not be reached or refused what the job needs. */
    public static class KafkaUnavailableException extends RuntimeException {
        public KafkaUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
