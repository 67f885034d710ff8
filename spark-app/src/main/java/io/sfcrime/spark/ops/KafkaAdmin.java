package io.sfcrime.spark.ops;

import io.sfcrime.common.Topics;
import io.sfcrime.spark.config.KafkaClients;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The topic checks before the job starts: the input topic must exist, the output topics are created if missing. */
public final class KafkaAdmin {
    /** Partitions of the topics the job creates when they are missing: two suits local runs on a few cores. */
    public static final int DEFAULT_PARTITIONS = 2;

    private KafkaAdmin() {
    }

    /**
     * Creates the output topics if they are missing: Spark's Kafka sink relies on broker auto-creation otherwise,
     * which may be off and would give the results topic the broker's default partition count.
     */
    public static void ensureTopics(String bootstrap, String resultsTopic, Set<String> others, Duration timeout) {
        try (Admin admin = KafkaClients.admin(bootstrap, timeout)) {
            ensureTopics(admin, bootstrap, resultsTopic, others, timeout);
        }
    }

    /** The results topic compacted (like the chart's), the others with the chart's retention. */
    private static void ensureTopics(Admin admin, String bootstrap, String resultsTopic, Set<String> others,
                                     Duration timeout) {
        Set<String> topics = new java.util.LinkedHashSet<>(others);
        topics.add(resultsTopic);
        try {
            Set<String> existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (String t : topics) {
                if (!existing.contains(t)) {
                    missing.add(new NewTopic(t, DEFAULT_PARTITIONS, (short) 1).configs(t.equals(resultsTopic)
                            ? Topics.RESULTS_TOPIC_CONFIG : Topics.STREAM_TOPIC_CONFIG));
                }
            }
            if (missing.isEmpty()) {
                return;
            }
            try {
                admin.createTopics(missing).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
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
    public static void requireInputTopic(String bootstrap, String topic, Duration wait, Duration timeout) {
        long deadline = System.nanoTime() + wait.toNanos();
        try (Admin admin = KafkaClients.admin(bootstrap, timeout)) {
            while (true) {
                Set<String> existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
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
                    + " (waited " + timeout.toMillis() + " ms, --connect-timeout-ms): " + (e.getCause() == null ? e : e.getCause()).toString(), e);
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
