package io.sfcrime.producer;

import io.sfcrime.common.KafkaEnv;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.Map;
import java.util.Properties;

/** The one place where the producer's Kafka clients are configured. Each setting says why it has its value. */
public final class ProducerClients {
    public static final String CLIENT_ID = "sf-crime-producer";

    /** Every replica must have the record before it counts as sent: an acknowledged record survives a broker loss. */
    public static final String ACKS = "all";
    /**
     * The broker de-duplicates retried batches by producer id and sequence number, so a retry after a broker restart
     * or a lost acknowledgement never writes a record twice (the broker-restart acceptance depends on it).
     */
    public static final boolean ENABLE_IDEMPOTENCE = true;
    /** Retry transient errors for as long as the delivery timeout allows instead of giving up after a few tries. */
    public static final int RETRIES = Integer.MAX_VALUE;
    /** Idempotence keeps order with up to 5 batches in flight per connection; 5 keeps the pipe full. */
    public static final int MAX_IN_FLIGHT = 5;
    /**
     * Long enough to ride out a broker restart (seconds) or a slow leader election with room to spare, short enough
     * that a broker that is gone for good is reported within about two minutes.
     */
    public static final int DELIVERY_TIMEOUT_MS = 120_000;
    /** Per request; must be below the delivery timeout minus linger so several retries fit in it. */
    public static final int REQUEST_TIMEOUT_MS = 30_000;
    /**
     * send() blocks while the buffer is full or metadata is missing; as long as the delivery timeout so a restart
     * under full load stalls the reader instead of failing records, and bounded so a dead broker ends the run.
     */
    public static final int MAX_BLOCK_MS = DELIVERY_TIMEOUT_MS;
    /** Call records are repetitive text; lz4 shrinks them several times for little CPU. */
    public static final String COMPRESSION = "lz4";
    /** Waiting 10 ms lets batches fill at high rates (throughput) while adding little latency at low ones. */
    public static final int LINGER_MS = 10;
    /** 64 KiB batches (about 120 records of 500 bytes) amortise request overhead and compress well. */
    public static final int BATCH_SIZE = 64 * 1024;
    /** The default 32 MiB is plenty of room for batches in flight; it also fits a 64 MiB heap. */
    public static final long BUFFER_MEMORY = 32L * 1024 * 1024;
    /**
     * The broker's default message.max.bytes is about 1 MiB; requests must stay below it. Records are capped well
     * under this ({@link #MAX_RECORD_BYTES_LIMIT}) so that headers and batch overhead always fit.
     */
    public static final int MAX_REQUEST_SIZE = 1024 * 1024;
    /** Room kept under {@link #MAX_REQUEST_SIZE} for the key, dead-letter headers and batch overhead. */
    public static final int HEADROOM_BYTES = 64 * 1024;
    /** The largest allowed --max-record-bytes. */
    public static final int MAX_RECORD_BYTES_LIMIT = MAX_REQUEST_SIZE - HEADROOM_BYTES;
    /** The default record cap: 900 KiB, comfortably under the broker's limit. */
    public static final int DEFAULT_MAX_RECORD_BYTES = 900 * 1024;

    private ProducerClients() {
    }

    /** The producer's settings; {@code overrides} (from --producer-property) win. */
    public static Properties producerProperties(String bootstrap, Map<String, String> overrides) {
        return producerProperties(bootstrap, overrides, KafkaEnv.clientProperties());
    }

    /**
     * The producer's settings with the given security settings ({@link KafkaEnv}: TLS and SCRAM on Kubernetes, none
     * locally); {@code overrides} (from --producer-property) still win.
     */
    public static Properties producerProperties(String bootstrap, Map<String, String> overrides,
                                                Map<String, String> security) {
        Properties p = new Properties();
        // First, so that no security variable can change a delivery guarantee set below.
        p.putAll(security);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, CLIENT_ID);
        p.put(ProducerConfig.ACKS_CONFIG, ACKS);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, ENABLE_IDEMPOTENCE);
        p.put(ProducerConfig.RETRIES_CONFIG, RETRIES);
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, MAX_IN_FLIGHT);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, DELIVERY_TIMEOUT_MS);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, REQUEST_TIMEOUT_MS);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, MAX_BLOCK_MS);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, COMPRESSION);
        p.put(ProducerConfig.LINGER_MS_CONFIG, LINGER_MS);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, BATCH_SIZE);
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, BUFFER_MEMORY);
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_REQUEST_SIZE);
        // Keys are crime_id strings (readable in any console consumer); values are the JSON bytes we already hold.
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        if (overrides != null) {
            p.putAll(overrides);
        }
        return p;
    }

    public static Producer<String, byte[]> newProducer(String bootstrap, Map<String, String> overrides) {
        return new KafkaProducer<>(producerProperties(bootstrap, overrides));
    }

    /**
     * An admin client whose every call gives up after {@code timeoutMs}, so an unreachable broker is reported
     * promptly instead of after the default minute.
     */
    public static Admin newAdmin(String bootstrap, int timeoutMs) {
        return Admin.create(adminProperties(bootstrap, timeoutMs, KafkaEnv.clientProperties()));
    }

    /** The admin client's settings; it talks to the same secured listener as the producer. */
    public static Properties adminProperties(String bootstrap, int timeoutMs, Map<String, String> security) {
        Properties p = new Properties();
        p.putAll(security);
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, CLIENT_ID + "-admin");
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
        // Fewer reconnect attempts logged while we wait for an answer that may never come.
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
        return p;
    }
}
