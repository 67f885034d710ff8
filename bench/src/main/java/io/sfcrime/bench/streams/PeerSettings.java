package io.sfcrime.bench.streams;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

import java.nio.file.Path;
import java.util.Properties;

/**
 * The peer's Kafka Streams settings, as a user tuning it would pick them, each with why. Two modes differ only in
 * how updates leave the store: {@link Mode#THROUGHPUT} lets the record cache fold a key's updates between commits,
 * {@link Mode#LATENCY} emits every update at once.
 */
public final class PeerSettings {
    public enum Mode {
        THROUGHPUT, LATENCY
    }

    /**
     * Two stream threads: the input has 2 partitions, so each sub-topology has 2 tasks, and the machine 2 cores; a
     * third thread would only wait for a task.
     */
    public static final int STREAM_THREADS = 2;
    /**
     * Exactly-once (v2): the counts must be exact after a crash too. Spark's job gets that from its checkpoint
     * (offsets and state versions are committed together); at-least-once Kafka Streams would restore a store from
     * its changelog ahead of the committed input offsets and count the replayed records twice. The cost is a
     * transaction per commit, and a results reader that reads committed records only.
     */
    public static final String GUARANTEE = StreamsConfig.EXACTLY_ONCE_V2;
    /**
     * Throughput: a 64 MiB record cache and a commit every second. Between commits the cache keeps one entry per
     * key, so a key updated a thousand times a second costs one changelog record and one result row per commit
     * instead of a thousand; one second is also about a Spark micro-batch's length at 100k rows per batch.
     */
    public static final long THROUGHPUT_CACHE_BYTES = 64L * 1024 * 1024;
    public static final long THROUGHPUT_COMMIT_MS = 1_000;
    /**
     * Latency: no cache, so every update leaves the store at once (one result row per record and level), and the
     * exactly-once default commit interval of 100 ms, which bounds how long a committed reader waits for a row.
     */
    public static final long LATENCY_CACHE_BYTES = 0;
    public static final long LATENCY_COMMIT_MS = 100;
    /**
     * 10,000 records per poll (Kafka Streams' default 1,000) and up to 10,000 buffered per partition (default
     * 1,000): the per-record work is a few microseconds, so per-poll overhead is worth amortising.
     */
    public static final int MAX_POLL_RECORDS = 10_000;
    public static final int BUFFERED_RECORDS_PER_PARTITION = 10_000;
    /** Fetch sizes as the ceiling's consumer (broker on the same machine: memory is the only cost). */
    public static final int MAX_PARTITION_FETCH_BYTES = 16 * 1024 * 1024;
    /**
     * The producer of the repartition, changelog and results topics: 5 ms linger and 256 KiB batches in
     * throughput mode (fewer, fuller requests; each valid record writes two repartition records), no linger in
     * latency mode.
     */
    public static final int THROUGHPUT_LINGER_MS = 5;
    public static final int BATCH_SIZE = 256 * 1024;

    private PeerSettings() {
    }

    public static Properties of(String applicationId, String bootstrap, Path stateDir, Mode mode) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, STREAM_THREADS);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, GUARANTEE);
        boolean throughput = mode == Mode.THROUGHPUT;
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, throughput ? THROUGHPUT_CACHE_BYTES
                : LATENCY_CACHE_BYTES);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, throughput ? THROUGHPUT_COMMIT_MS : LATENCY_COMMIT_MS);
        p.put(StreamsConfig.BUFFERED_RECORDS_PER_PARTITION_CONFIG, BUFFERED_RECORDS_PER_PARTITION);
        // Single broker: internal topics (repartition, changelog) cannot have more replicas than brokers.
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), MAX_POLL_RECORDS);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG),
                MAX_PARTITION_FETCH_BYTES);
        // A fresh application id per run: read the input from its beginning.
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), throughput ? THROUGHPUT_LINGER_MS : 0);
        p.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), BATCH_SIZE);
        return p;
    }
}
