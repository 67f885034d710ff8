package io.sfcrime.bench.streams;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;

/**
 * Reads the peer's results topic from the beginning to its end as a committed reader sees it (the peer writes
 * in transactions: {@code read_committed}, so rows of an aborted transaction never count).
 */
public final class ResultsReader {
    /** One result record and its broker append time. */
    public record Appended(ResultRow row, long appendMillis) {
    }

    private ResultsReader() {
    }

    /** Every committed record, in each partition's order. */
    public static void forEach(String bootstrap, String topic, Consumer<Appended> each) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = new ArrayList<>();
            c.partitionsFor(topic, Duration.ofSeconds(30)).forEach(i -> parts.add(new TopicPartition(topic,
                    i.partition())));
            c.assign(parts);
            c.seekToBeginning(parts);
            // Under read_committed, the end is the last stable offset: nothing is left open once the peer closed.
            Map<TopicPartition, Long> end = new HashMap<>(c.endOffsets(parts));
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (end.entrySet().stream().anyMatch(e -> c.position(e.getKey()) < e.getValue())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("results topic " + topic + " not read to its end in 5 min");
                }
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    each.accept(new Appended(ResultRow.parse(r.value()), r.timestamp()));
                }
            }
        }
    }

    /** The last row of each key: the final counts. */
    public static List<ResultRow> lastPerKey(String bootstrap, String topic) {
        Map<ByteBuffer, ResultRow> last = new LinkedHashMap<>();
        forEach(bootstrap, topic, a -> last.put(ByteBuffer.wrap(ResultRow.key(a.row().countKey())), a.row()));
        return new ArrayList<>(last.values());
    }
}
