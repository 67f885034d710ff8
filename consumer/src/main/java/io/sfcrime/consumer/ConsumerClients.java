package io.sfcrime.consumer;

import io.sfcrime.common.KafkaEnv;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.util.Map;
import java.util.Properties;

/** The one place where the CLI's Kafka client is configured. */
public final class ConsumerClients {
    /** How long metadata calls (topic lookup, commits, positions) wait before the CLI reports the broker unreachable. */
    public static final int DEFAULT_API_TIMEOUT_MS = 15_000;
    /** Records handed out per poll; a terminal cannot show more than this between two refreshes anyway. */
    static final int MAX_POLL_RECORDS = 2_000;

    private ConsumerClients() {
    }

    /**
     * @param group         consumer group, or null to read without a group (assigned partitions, no commits)
     * @param fromBeginning where a group without committed offsets (or a groupless read) starts
     * @param apiTimeoutMs  how long blocking calls may wait for the broker
     */
    public static Properties config(String bootstrap, String group, boolean fromBeginning, int apiTimeoutMs) {
        return config(bootstrap, group, fromBeginning, apiTimeoutMs, KafkaEnv.clientProperties());
    }

    /**
     * The same with explicit security settings ({@link KafkaEnv}: TLS and SCRAM from the KAFKA_* variables the chart
     * sets from Secrets; none locally).
     */
    public static Properties config(String bootstrap, String group, boolean fromBeginning, int apiTimeoutMs,
                                    Map<String, String> security) {
        Properties p = new Properties();
        // First, so that no security variable can change a setting below.
        p.putAll(security);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        // Bytes, not strings: dead-letter values are the rejected input as it was, which may be invalid UTF-8;
        // the printers decide how to show them safely instead of a deserializer silently replacing bytes.
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        // Named so that broker logs and quotas can tell this tool apart from the Spark job.
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "sfcrime-consumer" + (group == null ? "" : "-" + group));
        if (group != null) {
            p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        // Offsets are committed by the loop only after the records were printed, so a restart resumes after the
        // last record the user saw and never skips one that was fetched but not shown (e.g. with --max-messages).
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Only consulted when the group has no committed offset: --from-beginning reads the whole topic, otherwise
        // only what arrives from now on, as kafka-console-consumer does.
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, fromBeginning ? "earliest" : "latest");
        // A misspelt --topic must fail with "does not exist", not silently create an empty topic.
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        // Show only committed data if a transactional producer writes the topic; aborted records are not results.
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // Bounds every blocking call, so an unreachable broker becomes a clear error instead of a hang.
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, apiTimeoutMs);
        p.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(apiTimeoutMs, 30_000));
        // Keeps one poll's worth of output small enough to flush and refresh the table promptly.
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, MAX_POLL_RECORDS);
        // Do not wait for a fuller fetch: an interactive tail should show a record as soon as it lands.
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        // Retry a lost connection quickly at first but back off to 2 s, so a restarting broker is picked up soon
        // without hammering it.
        p.put(ConsumerConfig.RECONNECT_BACKOFF_MS_CONFIG, 100);
        p.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 2_000);
        return p;
    }

    public static Consumer<byte[], byte[]> create(String bootstrap, String group, boolean fromBeginning,
                                                  int apiTimeoutMs) {
        return new KafkaConsumer<>(config(bootstrap, group, fromBeginning, apiTimeoutMs));
    }
}
