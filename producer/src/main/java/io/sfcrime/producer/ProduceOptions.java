package io.sfcrime.producer;

import io.sfcrime.common.Topics;
import io.sfcrime.common.scan.EventTimeRange;

import java.nio.file.Path;
import java.util.Map;

/**
 * Everything one producer run needs, with the CLI's defaults. Build with {@link #builder()}; {@link #validate()}
 * rejects impossible combinations with a message that names the option.
 *
 * @param loops       passes over the input; {@link #FOREVER} for no end
 * @param limit       records read in total over all passes; {@link Long#MAX_VALUE} for no limit
 * @param loopSuffix  append {@code -<pass>} to crime_id from the second pass on, so ids stay unique
 * @param loopShiftTime from the second pass on, move call_date_time forward by the input's span times the pass
 * @param eventTimeRange plausible call_date_time range; records outside it are dead-lettered as implausible
 * @param rateSchedule the rate in steps instead of {@code rate}; the run ends with its last step; null: {@code rate}
 */
public record ProduceOptions(
        String bootstrap,
        String topic,
        String deadLetterTopic,
        String input,
        int partitions,
        short replicationFactor,
        double rate,
        long loops,
        boolean loopSuffix,
        boolean loopShiftTime,
        long limit,
        Replay replay,
        double speedup,
        int maxRecordBytes,
        Path summaryJson,
        double progressSeconds,
        int connectTimeoutMs,
        boolean createTopics,
        Map<String, String> producerOverrides,
        int waitForTopicsSeconds,
        EventTimeRange eventTimeRange,
        RateSchedule rateSchedule) {

    public static final long FOREVER = Long.MAX_VALUE;
    public static final String STDIN = "-";

    public enum Replay { NONE, EVENT_TIME }

    public ProduceOptions {
        producerOverrides = producerOverrides == null ? Map.of() : Map.copyOf(producerOverrides);
        eventTimeRange = eventTimeRange == null ? EventTimeRange.defaults() : eventTimeRange;
    }

    /** What paces valid records: the schedule, or {@code rate} for ever. */
    public RateSchedule pacing() {
        return rateSchedule != null ? rateSchedule : RateSchedule.constant(rate);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.bootstrap = bootstrap;
        b.topic = topic;
        b.deadLetterTopic = deadLetterTopic;
        b.input = input;
        b.partitions = partitions;
        b.replicationFactor = replicationFactor;
        b.rate = rate;
        b.loops = loops;
        b.loopSuffix = loopSuffix;
        b.loopShiftTime = loopShiftTime;
        b.limit = limit;
        b.replay = replay;
        b.speedup = speedup;
        b.maxRecordBytes = maxRecordBytes;
        b.summaryJson = summaryJson;
        b.progressSeconds = progressSeconds;
        b.connectTimeoutMs = connectTimeoutMs;
        b.createTopics = createTopics;
        b.producerOverrides = producerOverrides;
        b.waitForTopicsSeconds = waitForTopicsSeconds;
        b.eventTimeRange = eventTimeRange;
        b.rateSchedule = rateSchedule;
        return b;
    }

    /** Throws {@link IllegalArgumentException} naming the offending option. */
    public ProduceOptions validate() {
        require(bootstrap != null && !bootstrap.isBlank(), "--bootstrap must not be empty");
        require(topic != null && !topic.isBlank(), "--topic must not be empty");
        require(deadLetterTopic != null && !deadLetterTopic.isBlank(), "--dead-letter-topic must not be empty");
        require(!topic.equals(deadLetterTopic), "--topic and --dead-letter-topic must differ (both are " + topic + ")");
        require(input != null && !input.isBlank(), "--input is required (a file, or - for stdin)");
        require(partitions >= 1, "--partitions must be at least 1, got " + partitions);
        require(replicationFactor >= 1, "--replication-factor must be at least 1, got " + replicationFactor);
        require(rate >= 0 && Double.isFinite(rate), "--rate must be 0 (unlimited) or a positive number, got " + rate);
        require(rateSchedule == null || rate == 0, "--rate-schedule replaces --rate: give one of them (--rate is "
                + rate + ")");
        require(loops >= 1, "--loop must be a positive count or 'forever', got " + loops);
        require(limit >= 1, "--limit must be a positive count, or 0 for no limit, got " + limit);
        require(speedup > 0 && Double.isFinite(speedup), "--speedup must be a positive number, got " + speedup);
        require(maxRecordBytes >= 64 && maxRecordBytes <= ProducerClients.MAX_RECORD_BYTES_LIMIT,
                "--max-record-bytes must be between 64 and " + ProducerClients.MAX_RECORD_BYTES_LIMIT
                        + " (the broker's 1 MiB message limit minus room for headers), got " + maxRecordBytes);
        require(progressSeconds >= 0, "--progress-interval must not be negative, got " + progressSeconds);
        require(connectTimeoutMs >= 1, "--connect-timeout-ms must be positive, got " + connectTimeoutMs);
        require(waitForTopicsSeconds >= 0, "--wait-for-topics must not be negative, got " + waitForTopicsSeconds);
        require(waitForTopicsSeconds == 0 || !createTopics,
                "--wait-for-topics waits for topics someone else creates: give --no-create-topics too");
        if (STDIN.equals(input)) {
            require(loops == 1, "--loop needs a file: standard input can be read only once");
            require(replay == Replay.NONE, "--replay event-time needs a file (it re-reads records by offset),"
                    + " not standard input");
        }
        return this;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    public static final class Builder {
        private String bootstrap = "127.0.0.1:9092";
        private String topic = Topics.CALLS;
        private String deadLetterTopic = Topics.DEAD_LETTER;
        private String input;
        private int partitions = 2;
        private short replicationFactor = 1;
        private double rate;
        private long loops = 1;
        private boolean loopSuffix;
        private boolean loopShiftTime;
        private long limit = Long.MAX_VALUE;
        private Replay replay = Replay.NONE;
        private double speedup = 1.0;
        private int maxRecordBytes = ProducerClients.DEFAULT_MAX_RECORD_BYTES;
        private Path summaryJson;
        private double progressSeconds = 5;
        private int connectTimeoutMs = 15_000;
        private boolean createTopics = true;
        private Map<String, String> producerOverrides = Map.of();
        private int waitForTopicsSeconds;
        private EventTimeRange eventTimeRange = EventTimeRange.defaults();
        private RateSchedule rateSchedule;

        public Builder bootstrap(String v) { bootstrap = v; return this; }
        public Builder topic(String v) { topic = v; return this; }
        public Builder deadLetterTopic(String v) { deadLetterTopic = v; return this; }
        public Builder input(String v) { input = v; return this; }
        public Builder input(Path v) { input = v.toString(); return this; }
        public Builder partitions(int v) { partitions = v; return this; }
        public Builder replicationFactor(short v) { replicationFactor = v; return this; }
        public Builder rate(double v) { rate = v; return this; }
        public Builder loops(long v) { loops = v; return this; }
        public Builder loopSuffix(boolean v) { loopSuffix = v; return this; }
        public Builder loopShiftTime(boolean v) { loopShiftTime = v; return this; }
        public Builder limit(long v) { limit = v; return this; }
        public Builder replay(Replay v) { replay = v; return this; }
        public Builder speedup(double v) { speedup = v; return this; }
        public Builder maxRecordBytes(int v) { maxRecordBytes = v; return this; }
        public Builder summaryJson(Path v) { summaryJson = v; return this; }
        public Builder progressSeconds(double v) { progressSeconds = v; return this; }
        public Builder connectTimeoutMs(int v) { connectTimeoutMs = v; return this; }
        public Builder createTopics(boolean v) { createTopics = v; return this; }
        public Builder producerOverrides(Map<String, String> v) { producerOverrides = v; return this; }
        public Builder waitForTopicsSeconds(int v) { waitForTopicsSeconds = v; return this; }
        public Builder eventTimeRange(EventTimeRange v) { eventTimeRange = v; return this; }
        public Builder rateSchedule(RateSchedule v) { rateSchedule = v; return this; }

        public ProduceOptions build() {
            return new ProduceOptions(bootstrap, topic, deadLetterTopic, input, partitions, replicationFactor, rate,
                    loops, loopSuffix, loopShiftTime, limit, replay, speedup, maxRecordBytes, summaryJson,
                    progressSeconds, connectTimeoutMs, createTopics, producerOverrides, waitForTopicsSeconds,
                    eventTimeRange, rateSchedule);
        }
    }
}
