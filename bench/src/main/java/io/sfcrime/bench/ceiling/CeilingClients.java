package io.sfcrime.bench.ceiling;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.util.Properties;

/** The ceiling's one Kafka client. Each setting says why it has its value. */
public final class CeilingClients {
    public static final String CLIENT_ID = "sf-crime-bench-ceiling";
    /** The ceiling assigns partitions itself and never commits: every run reads the whole topic afresh. */
    public static final boolean ENABLE_AUTO_COMMIT = false;
    /** Large polls amortise the per-poll overhead; the loop does nothing between records but count. */
    public static final int MAX_POLL_RECORDS = 10_000;
    /**
     * Up to 16 MiB per partition per fetch (default 1 MiB) so the fetcher stays ahead of a thread that counts
     * several hundred thousand records a second; the broker is on the same machine, so memory is the only cost.
     */
    public static final int MAX_PARTITION_FETCH_BYTES = 16 * 1024 * 1024;
    public static final int FETCH_MAX_BYTES = 64 * 1024 * 1024;
    /** Bigger socket buffers than the 64 KiB default cut the number of reads on loopback. */
    public static final int RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024;
    /**
     * CRC checks stay on (the default): Spark's consumer checks them too, and the ceiling must do the same work,
     * not less.
     */
    public static final boolean CHECK_CRCS = true;

    private CeilingClients() {
    }

    public static KafkaConsumer<byte[], byte[]> newConsumer(String bootstrap) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, CLIENT_ID);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, ENABLE_AUTO_COMMIT);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, MAX_POLL_RECORDS);
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, MAX_PARTITION_FETCH_BYTES);
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, FETCH_MAX_BYTES);
        p.put(ConsumerConfig.RECEIVE_BUFFER_CONFIG, RECEIVE_BUFFER_BYTES);
        p.put(ConsumerConfig.CHECK_CRCS_CONFIG, CHECK_CRCS);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return new KafkaConsumer<>(p);
    }
}
