package io.sfcrime.consumer;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/** How consumed records reach the terminal. */
interface RecordPrinter {
    void print(ConsumerRecord<byte[], byte[]> record);

    /** After each poll: flush, refresh a live view. */
    default void afterPoll() {
    }

    /** Once at the end. */
    default void finish() {
    }
}
