package io.sfcrime.spark;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The Kafka clients the driver itself uses (Spark's source and sinks configure their own). */
public final class KafkaClients {
    /** Partitions of the topics the job creates when they are missing: two suits local runs on a few cores. */
    public static final int DEFAULT_PARTITIONS = 2;

    private KafkaClients() {
    }

    /** A consumer that reads the results topic once from the start; it never joins a group or commits. */
    static KafkaConsumer<String, String> resultReader(String bootstrap) {
        Properties p = new Properties();
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
    static void ensureTopics(String bootstrap, Set<String> topics) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        // A short timeout turns "no broker there" into an error at start-up, before Spark is busy.
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
        try (Admin admin = Admin.create(p)) {
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

    /** Kafka could not be reached or refused what the job needs. */
    public static final class KafkaUnavailableException extends RuntimeException {
        public KafkaUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
