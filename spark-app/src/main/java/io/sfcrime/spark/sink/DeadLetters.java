package io.sfcrime.spark.sink;

import io.sfcrime.common.DeadLetter;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Dead letters: an invalid input record as a record of the dead-letter topic, the original key and value with headers
 * saying why ({@link DeadLetter}); {@code dlq.index} ({@code topic-partition@offset}) identifies a duplicate after a
 * replay.
 */
public final class DeadLetters {
    /** {@link DeadLetter#SOURCE} of the job's dead letters (the producer writes its own). */
    public static final String SOURCE = "spark-app";

    private DeadLetters() {
    }

    /** The dead letter of input record {@code sourceTopic-partition@offset}, refused for {@code reason}. */
    public static ProducerRecord<byte[], byte[]> record(String deadLetterTopic, String sourceTopic, int partition,
                                                        long offset, byte[] key, byte[] value, String reason,
                                                        String message) {
        return new ProducerRecord<>(deadLetterTopic, null, key, value, List.of(
                header(DeadLetter.REASON, reason),
                header(DeadLetter.MESSAGE, message),
                header(DeadLetter.INDEX, index(sourceTopic, partition, offset)),
                header(DeadLetter.SOURCE, SOURCE),
                header(DeadLetter.ORIGIN, sourceTopic)));
    }

    /** {@code topic-partition@offset}: where the record stood in the input, the same on every replay. */
    public static String index(String topic, int partition, long offset) {
        return topic + "-" + partition + "@" + offset;
    }

    private static RecordHeader header(String name, String value) {
        return new RecordHeader(name, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }
}
