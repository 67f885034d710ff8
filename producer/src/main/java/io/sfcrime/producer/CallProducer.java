package io.sfcrime.producer;

import io.sfcrime.common.DeadLetter;
import io.sfcrime.common.EventTime;
import io.sfcrime.common.Invalid;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * The producer's engine: reads the input element by element, sends valid records to the topic keyed by
 * {@code crime_id}, invalid ones to the dead-letter topic with the reason in headers, paced and repeated as the
 * options say. It never closes the Kafka producer it is given; it flushes it before returning so the summary's
 * counts are final.
 *
 * <p>One thread reads and sends; Kafka's I/O thread runs the callbacks that count acknowledgements.
 */
public final class CallProducer {
    /** Producer-specific dead-letter headers beside those of {@link DeadLetter}. */
    public static final String HEADER_PASS = "dlq.pass";
    /** Present ("true") when the value holds only the first --max-record-bytes bytes of the original. */
    public static final String HEADER_CLIPPED = "dlq.clipped";
    /** The original record's length in bytes, present with {@link #HEADER_CLIPPED}. */
    public static final String HEADER_ORIGINAL_BYTES = "dlq.original.bytes";
    public static final String SOURCE = "producer";

    private static final Logger LOG = LoggerFactory.getLogger(CallProducer.class);
    private static final int MESSAGE_HEADER_MAX = 1000;

    private final ProduceOptions options;
    private final Producer<String, byte[]> producer;
    private final InputSource source;
    private final PrintWriter err;
    private final Clock clock;
    private final RecordDecoder decoder;
    private final Pacer pacer;
    private final InvalidLog invalidLog;
    private final Header sourceHeader;
    private final Header originHeader;

    private final AtomicLong read = new AtomicLong();
    private final LongAdder sent = new LongAdder();
    private final AtomicLong invalid = new AtomicLong();
    private final LongAdder deadLettered = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final Map<String, Long> byReason = new ConcurrentHashMap<>();
    private final AtomicReference<String> firstFailure = new AtomicReference<>();
    private volatile boolean stopRequested;
    private boolean limitReached;
    /** --loop-shift-time: the earliest and latest valid call_date_time of the first pass. */
    private LocalDateTime firstEvent;
    private LocalDateTime lastEvent;

    private final Callback sentCallback;
    private final Callback deadLetterCallback;

    public CallProducer(ProduceOptions options, Producer<String, byte[]> producer, InputSource source,
                        PrintWriter err, Clock clock) {
        this.options = options;
        this.producer = producer;
        this.source = source;
        this.err = err;
        this.clock = clock;
        this.decoder = new RecordDecoder(options.maxRecordBytes(), options.eventTimeRange());
        this.pacer = new Pacer(options.pacing(), clock);
        this.invalidLog = new InvalidLog(clock, source.name());
        this.sourceHeader = new RecordHeader(DeadLetter.SOURCE, SOURCE.getBytes(StandardCharsets.UTF_8));
        this.originHeader = new RecordHeader(DeadLetter.ORIGIN, source.name().getBytes(StandardCharsets.UTF_8));
        this.sentCallback = countingInto(sent, options.topic());
        this.deadLetterCallback = countingInto(deadLettered, options.deadLetterTopic());
    }

    /** Asks the run to stop reading; it then flushes what it sent and returns its summary. Thread-safe. */
    public void requestStop() {
        stopRequested = true;
    }

    private boolean stopped() {
        return stopRequested || firstFailure.get() != null || limitReached || pacer.ended();
    }

    public long readCount() {
        return read.get();
    }

    public long sentCount() {
        return sent.sum();
    }

    public long invalidCount() {
        return invalid.get();
    }

    public long failedCount() {
        return failed.sum();
    }

    /** Runs to the end of the input (or the limit, or a stop), flushes, and returns the counts. */
    public ProduceSummary run() throws InputException {
        long start = clock.nanoTime();
        try {
            if (options.replay() == ProduceOptions.Replay.EVENT_TIME) {
                replayByEventTime();
            } else {
                sequential();
            }
            if (pacer.ended()) {
                LOG.info("--rate-schedule {} is over: stopping", options.rateSchedule());
            }
        } finally {
            try {
                producer.flush();
            } catch (KafkaException e) {
                fail("flush failed: " + TopicSetup.rootMessage(e));
            }
        }
        return summary(clock.nanoTime() - start);
    }

    public ProduceSummary summary(long elapsedNanos) {
        return new ProduceSummary(read.get(), sent.sum(), invalid.get(), deadLettered.sum(), failed.sum(),
                byReason, elapsedNanos, stopRequested || firstFailure.get() != null, firstFailure.get());
    }

    private void sequential() throws InputException {
        for (long pass = 0; pass < options.loops() && !stopped(); pass++) {
            long before = read.get();
            String suffix = suffix(pass);
            long shift = shiftSeconds(pass);
            try (InputStream in = source.open()) {
                ElementScanner scanner = new ElementScanner(in, options.maxRecordBytes());
                Element e = scanner.newElement();
                while (!stopped() && scanner.next(e)) {
                    handle(e, pass, suffix, shift);
                }
                if (pass == 0) {
                    reportShape(scanner);
                }
            } catch (IOException ex) {
                throw new InputException("cannot read " + source.name() + " at record " + (read.get() - before)
                        + ": " + ex.getMessage(), ex);
            }
            if (read.get() == before) {
                break; // an empty input: repeating it would spin forever
            }
        }
    }

    private void reportShape(ElementScanner scanner) {
        if (scanner.format() == ElementScanner.Format.EMPTY) {
            err.println("input " + source.name() + " is empty (no JSON array and no NDJSON lines): 0 records sent");
            err.flush();
        } else if (scanner.missingClose() && !stopped()) {
            LOG.warn("input {} ended without the closing ']' of its JSON array (truncated file?)", source.name());
        } else if (scanner.trailingOffset() >= 0 && !stopped()) {
            LOG.warn("input {}: ignored unexpected content at byte {} after the closing ']' of the JSON array",
                    source.name(), scanner.trailingOffset());
        }
    }

    private String suffix(long pass) {
        return options.loopSuffix() && pass > 0 ? "-" + pass : null;
    }

    /**
     * --loop-shift-time: how far pass {@code pass} moves call_date_time, in seconds. The span is measured on the first
     * pass (first to last valid call_date_time) and rounded up to whole hours, at least one, so each pass starts where
     * the one before ended and hourly windows line up with the first pass's.
     */
    private long shiftSeconds(long pass) {
        if (!options.loopShiftTime() || pass == 0 || firstEvent == null) {
            return 0;
        }
        long spanSeconds = java.time.Duration.between(firstEvent, lastEvent).getSeconds();
        long hours = Math.max(1, (spanSeconds + 3599) / 3600);
        if (pass == 1) {
            LOG.info("--loop-shift-time: each pass moves call_date_time {} h further (the input spans {} s)", hours,
                    spanSeconds);
        }
        return Math.multiplyExact(hours * 3600, pass);
    }

    /** Decodes and routes one element; counts it as read once it was handed to Kafka. */
    private void handle(Element e, long pass, String suffix, long shift) {
        if (read.get() >= options.limit()) {
            limitReached = true;
            return;
        }
        Invalid why = decoder.decode(e, suffix, shift);
        if (why == null && pass == 0 && options.loopShiftTime()) {
            measureSpan(decoder.eventTime());
        }
        if (why == null) {
            if (!pacer.acquire(this::stopped)) {
                return;
            }
            read.incrementAndGet();
            send(new ProducerRecord<>(options.topic(), null, decoder.key(), decoder.value()), sentCallback);
        } else {
            read.incrementAndGet();
            invalid.incrementAndGet();
            byReason.merge(why.code(), 1L, Long::sum);
            invalidLog.record(e.index(), pass, why);
            send(deadLetter(e, pass, why), deadLetterCallback);
        }
        if (read.get() >= options.limit()) {
            limitReached = true;
        }
    }

    private void measureSpan(String callDateTime) {
        LocalDateTime t = EventTime.parse(callDateTime).orElseThrow();
        if (firstEvent == null || t.isBefore(firstEvent)) {
            firstEvent = t;
        }
        if (lastEvent == null || t.isAfter(lastEvent)) {
            lastEvent = t;
        }
    }

    private ProducerRecord<String, byte[]> deadLetter(Element e, long pass, Invalid why) {
        List<Header> headers = new ArrayList<>(8);
        headers.add(new RecordHeader(DeadLetter.REASON, why.code().getBytes(StandardCharsets.UTF_8)));
        String message = why.message().length() <= MESSAGE_HEADER_MAX ? why.message()
                : why.message().substring(0, MESSAGE_HEADER_MAX) + "…";
        headers.add(new RecordHeader(DeadLetter.MESSAGE, message.getBytes(StandardCharsets.UTF_8)));
        headers.add(new RecordHeader(DeadLetter.INDEX, Long.toString(e.index()).getBytes(StandardCharsets.UTF_8)));
        headers.add(sourceHeader);
        headers.add(originHeader);
        headers.add(new RecordHeader(HEADER_PASS, Long.toString(pass).getBytes(StandardCharsets.UTF_8)));
        if (e.clipped()) {
            headers.add(new RecordHeader(HEADER_CLIPPED, "true".getBytes(StandardCharsets.UTF_8)));
            headers.add(new RecordHeader(HEADER_ORIGINAL_BYTES,
                    Long.toString(e.length()).getBytes(StandardCharsets.UTF_8)));
        }
        return new ProducerRecord<String, byte[]>(options.deadLetterTopic(), null, (String) null, e.copyBytes(), headers);
    }

    private void send(ProducerRecord<String, byte[]> record, Callback callback) {
        try {
            producer.send(record, callback);
        } catch (KafkaException e) {
            // Synchronous failures: buffer full past max.block.ms, a closed producer, interruption.
            failed.increment();
            fail("send to " + record.topic() + " failed: " + TopicSetup.rootMessage(e));
        }
    }

    /** Counts each record Kafka acknowledges on {@code topic}; a delivery that failed after retries stops the run. */
    private Callback countingInto(LongAdder acknowledged, String topic) {
        return (metadata, exception) -> {
            if (exception == null) {
                acknowledged.increment();
            } else {
                failed.increment();
                fail("delivery to " + topic + " failed after retries: " + TopicSetup.rootMessage(exception));
            }
        };
    }

    /** The first failure stops the run: later records would only wait out the same timeout. */
    private void fail(String message) {
        if (firstFailure.compareAndSet(null, message)) {
            LOG.error("{}; stopping", message);
        }
    }

    // ---- --replay event-time ----

    private void replayByEventTime() throws InputException {
        EventIndex index = buildIndex();
        if (index.size() == 0) {
            return;
        }
        index.sort();
        try (FileChannel channel = FileChannel.open(source.path(), StandardOpenOption.READ)) {
            Element e = new Element(Math.min(options.maxRecordBytes(), 16 * 1024));
            for (long pass = 0; pass < options.loops() && !stopped(); pass++) {
                String suffix = suffix(pass);
                long shift = shiftSeconds(pass);
                long firstTime = Long.MIN_VALUE;
                long wallStart = 0;
                for (int i = 0; i < index.size() && !stopped(); i++) {
                    readAt(channel, index, i, e);
                    long time = index.time(i);
                    if (time != EventIndex.INVALID_TIME) {
                        if (firstTime == Long.MIN_VALUE) {
                            firstTime = time;
                            wallStart = clock.nanoTime();
                        }
                        long due = wallStart + (long) ((time - firstTime) * 1e6 / options.speedup());
                        if (!waitUntil(due)) {
                            break;
                        }
                    }
                    handle(e, pass, suffix, shift);
                }
            }
        } catch (IOException ex) {
            throw new InputException("cannot re-read " + source.name() + ": " + ex.getMessage(), ex);
        }
    }

    /** First pass: scan and decode every element, keeping only (event time, offset, length, index, flag). */
    private EventIndex buildIndex() throws InputException {
        EventIndex index = new EventIndex();
        try (InputStream in = source.open()) {
            ElementScanner scanner = new ElementScanner(in, options.maxRecordBytes());
            Element e = scanner.newElement();
            while (!stopRequested && scanner.next(e)) {
                Invalid why = decoder.decode(e, null);
                long time = EventIndex.INVALID_TIME;
                if (why == null) {
                    LocalDateTime t = EventTime.parse(decoder.eventTime()).orElseThrow();
                    // Wall-clock milliseconds: ordering and pacing follow the local times as written.
                    time = t.toEpochSecond(ZoneOffset.UTC) * 1000 + t.getNano() / 1_000_000;
                }
                index.add(time, e.offset(), e.length(), e.index(), e.truncated() ? EventIndex.FLAG_TRUNCATED : 0);
            }
            reportShape(scanner);
        } catch (IOException ex) {
            throw new InputException("cannot read " + source.name() + ": " + ex.getMessage(), ex);
        }
        LOG.info("indexed {} records of {} for event-time replay", index.size(), source.name());
        return index;
    }

    private void readAt(FileChannel channel, EventIndex index, int i, Element e) throws IOException {
        long length = index.length(i);
        int keep = (int) Math.min(length, options.maxRecordBytes());
        e.reset(index.index(i), index.offset(i));
        if (e.bytes.length < keep) {
            e.bytes = new byte[keep];
        }
        ByteBuffer buffer = ByteBuffer.wrap(e.bytes, 0, keep);
        long position = index.offset(i);
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position);
            if (n < 0) {
                throw new IOException("file shrank while replaying (record " + index.index(i) + ")");
            }
            position += n;
        }
        e.length = length;
        e.kept = keep;
        e.truncated = (index.flag(i) & EventIndex.FLAG_TRUNCATED) != 0;
        e.spaced = true; // re-serialise: cheaper than re-scanning for whitespace
    }

    private boolean waitUntil(long dueNanos) {
        while (true) {
            long wait = dueNanos - clock.nanoTime();
            if (wait <= 0) {
                return true;
            }
            if (stopped()) {
                return false;
            }
            clock.sleepNanos(Math.min(wait, 100_000_000L));
        }
    }
}
