package io.sfcrime.consumer;

import io.sfcrime.common.AliveFile;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.WakeupException;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The hand-written poll loop: look the topic up, subscribe (with a group, committing what was printed) or assign
 * every partition (without one, committing nothing), then poll and print until the message limit, the idle
 * timeout or {@link Consumer#wakeup()} ends it.
 */
public final class ConsumeLoop {
    /** What to read and when to stop. {@code maxMessages} and {@code timeoutMs} below 1 mean "no limit". */
    public record Settings(String bootstrap, String topic, String group, boolean fromBeginning, long maxMessages,
                           long timeoutMs, Duration metadataTimeout) {
    }

    static final Duration POLL = Duration.ofMillis(200);

    private final Consumer<byte[], byte[]> consumer;
    private final Settings settings;
    private final RecordPrinter printer;
    private final PrintStream log;
    private final LongSupplier nanoClock;
    private final AliveFile alive;
    private long lastTouch = Long.MIN_VALUE;
    private volatile long lastActivity;
    private long consumed;

    ConsumeLoop(Consumer<byte[], byte[]> consumer, Settings settings, RecordPrinter printer, PrintStream log,
                LongSupplier nanoClock) {
        this(consumer, settings, printer, log, nanoClock, null);
    }

    /** With an alive file (may be null), touched at most once a second after a poll returns. */
    ConsumeLoop(Consumer<byte[], byte[]> consumer, Settings settings, RecordPrinter printer, PrintStream log,
                LongSupplier nanoClock, AliveFile alive) {
        this.consumer = consumer;
        this.settings = settings;
        this.printer = printer;
        this.log = log;
        this.nanoClock = nanoClock;
        this.alive = alive;
    }

    /** A poll returned: the loop is alive. A failed touch is reported; the probe then sees the old file. */
    private void touchAlive() {
        long now = nanoClock.getAsLong();
        if (alive == null || (lastTouch != Long.MIN_VALUE && now - lastTouch < 1_000_000_000L)) {
            return;
        }
        lastTouch = now;
        try {
            alive.touch();
        } catch (IOException e) {
            log.println("consumer: cannot touch alive file " + alive.path() + ": " + e);
        }
    }

    /** Records printed so far. */
    public long consumed() {
        return consumed;
    }

    /**
     * Runs to the end and returns the number of records printed. A wakeup ends it cleanly. Does not close the
     * consumer.
     *
     * @throws TopicNotFoundException     when the topic does not exist
     * @throws BrokerUnreachableException when no broker answers the topic lookup in time
     */
    public long run() {
        try {
            List<TopicPartition> partitions = partitions();
            if (settings.group() != null) {
                consumer.subscribe(List.of(settings.topic()), new ConsumerRebalanceListener() {
                    @Override
                    public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
                    }

                    @Override
                    public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
                        // Joining the group takes a while; the idle timeout counts from when there is data to read.
                        lastActivity = nanoClock.getAsLong();
                        log.println("consumer: group " + settings.group() + " assigned " + assigned);
                    }
                });
            } else {
                consumer.assign(partitions);
                if (settings.fromBeginning()) {
                    consumer.seekToBeginning(partitions);
                } else {
                    consumer.seekToEnd(partitions);
                }
            }
            lastActivity = nanoClock.getAsLong();
            boolean limitReached = settings.maxMessages() > 0 && consumed >= settings.maxMessages();
            while (!limitReached) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                Map<TopicPartition, OffsetAndMetadata> printed = new HashMap<>();
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    printer.print(record);
                    consumed++;
                    printed.put(new TopicPartition(record.topic(), record.partition()),
                            new OffsetAndMetadata(record.offset() + 1));
                    if (settings.maxMessages() > 0 && consumed >= settings.maxMessages()) {
                        limitReached = true;
                        break;
                    }
                }
                printer.afterPoll();
                touchAlive();
                if (!printed.isEmpty()) {
                    lastActivity = nanoClock.getAsLong();
                    if (settings.group() != null) {
                        consumer.commitSync(printed);
                    }
                } else if (settings.timeoutMs() > 0
                        && nanoClock.getAsLong() - lastActivity >= settings.timeoutMs() * 1_000_000L) {
                    log.println("consumer: no record for " + settings.timeoutMs() + " ms, stopping");
                    break;
                }
            }
        } catch (WakeupException e) {
            // Ctrl-C or SIGTERM: the shutdown hook woke the poll; end like a normal stop.
        } finally {
            printer.finish();
        }
        return consumed;
    }

    private List<TopicPartition> partitions() {
        List<PartitionInfo> infos;
        try {
            infos = consumer.partitionsFor(settings.topic(), settings.metadataTimeout());
        } catch (UnknownTopicOrPartitionException e) {
            throw new TopicNotFoundException(settings.topic(), settings.bootstrap());
        } catch (TimeoutException e) {
            throw new BrokerUnreachableException(settings.bootstrap(), settings.metadataTimeout().toMillis(), e);
        }
        if (infos == null || infos.isEmpty()) {
            throw new TopicNotFoundException(settings.topic(), settings.bootstrap());
        }
        return infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).sorted(
                java.util.Comparator.comparingInt(TopicPartition::partition)).toList();
    }
}
