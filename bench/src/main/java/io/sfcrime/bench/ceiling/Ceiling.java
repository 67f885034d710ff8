package io.sfcrime.bench.ceiling;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Drains a topic from its beginning to the end offsets seen at start into a {@link CallCounter}, on the calling
 * thread, and times it. Rates are taken per chunk of records so that, like Spark's batches, the first chunk
 * (class loading, JIT) can be told apart from the steady state.
 */
public final class Ceiling {
    /** Records per timing chunk: a twentieth of the drain, within these bounds. */
    public static final int MAX_CHUNK = 50_000;
    public static final int MIN_CHUNK = 1_000;
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration IDLE_LIMIT = Duration.ofSeconds(60);

    /** What one drain measured. {@code chunkRates} are records/s of each full chunk, in order. */
    public record Timing(long records, long bytes, long nanos, int chunk, List<Double> chunkRates) {
        public double rowsPerSecond() {
            return nanos <= 0 ? 0 : records / (nanos / 1e9);
        }
    }

    private Ceiling() {
    }

    public static Timing drain(Consumer<byte[], byte[]> consumer, String topic, CallCounter counter) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("topic '" + topic + "' does not exist or has no partitions");
        }
        List<TopicPartition> partitions = new ArrayList<>();
        infos.forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
        partitions.sort(java.util.Comparator.comparingInt(TopicPartition::partition));
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions));
        Map<TopicPartition, Long> remaining = new HashMap<>();
        for (TopicPartition tp : partitions) {
            long begin = consumer.position(tp);
            if (end.get(tp) > begin) {
                remaining.put(tp, end.get(tp));
            }
        }
        long total = 0;
        for (TopicPartition tp : remaining.keySet()) {
            total += remaining.get(tp) - consumer.position(tp);
        }
        final int chunk = (int) Math.max(MIN_CHUNK, Math.min(MAX_CHUNK, total / 20));
        List<Double> chunkRates = new ArrayList<>();
        long records = 0;
        long bytes = 0;
        long start = System.nanoTime();
        long chunkStart = start;
        long lastProgress = start;
        while (!remaining.isEmpty()) {
            ConsumerRecords<byte[], byte[]> batch = consumer.poll(POLL);
            long now = System.nanoTime();
            if (batch.isEmpty()) {
                if (now - lastProgress > IDLE_LIMIT.toNanos()) {
                    throw new IllegalStateException("no records for " + IDLE_LIMIT.toSeconds() + " s with "
                            + remaining + " still to read");
                }
                continue;
            }
            lastProgress = now;
            for (ConsumerRecord<byte[], byte[]> r : batch) {
                Long stop = remaining.get(tpOf(r, partitions));
                if (stop == null || r.offset() >= stop) {
                    continue; // appended after the drain began: not part of this measurement
                }
                byte[] v = r.value();
                counter.accept(v);
                records++;
                bytes += v == null ? 0 : v.length;
                if (records % chunk == 0) {
                    long t = System.nanoTime();
                    chunkRates.add(chunk / ((t - chunkStart) / 1e9));
                    chunkStart = t;
                }
            }
            // By position, not by the last record's offset: a control record at the end is never returned.
            remaining.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
        }
        return new Timing(records, bytes, System.nanoTime() - start, chunk, chunkRates);
    }

    private static TopicPartition tpOf(ConsumerRecord<?, ?> r, List<TopicPartition> partitions) {
        // Partitions are numbered 0..n-1 in one topic: index instead of allocating a TopicPartition per record.
        TopicPartition tp = partitions.get(r.partition() < partitions.size() ? r.partition() : 0);
        return tp.partition() == r.partition() ? tp : new TopicPartition(r.topic(), r.partition());
    }
}
