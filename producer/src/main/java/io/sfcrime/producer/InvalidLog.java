package io.sfcrime.producer;

import io.sfcrime.common.Invalid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs invalid records so a person can find them, without letting 20,000 bad lines drown the terminal: the first
 * {@link #DETAILED} are logged one by one, after that at most one line per {@link #INTERVAL_NANOS} saying how many
 * were not shown. The dead-letter topic and the counters hold every one of them.
 */
final class InvalidLog {
    static final int DETAILED = 20;
    static final long INTERVAL_NANOS = 1_000_000_000L;
    private static final Logger LOG = LoggerFactory.getLogger("io.sfcrime.producer.invalid");

    private final Clock clock;
    private final String origin;
    private long seen;
    private long suppressed;
    private long lastNanos;
    private long lines;

    InvalidLog(Clock clock, String origin) {
        this.clock = clock;
        this.origin = origin;
    }

    void record(long index, long loop, Invalid invalid) {
        seen++;
        if (seen <= DETAILED) {
            emit(index, loop, invalid, "");
            lastNanos = clock.nanoTime();
            return;
        }
        long now = clock.nanoTime();
        if (now - lastNanos >= INTERVAL_NANOS) {
            emit(index, loop, invalid, suppressed == 0 ? "" : " (" + suppressed + " more invalid records not shown"
                    + " since the last line; all are in the dead-letter topic)");
            suppressed = 0;
            lastNanos = now;
        } else {
            suppressed++;
        }
    }

    private void emit(long index, long loop, Invalid invalid, String tail) {
        lines++;
        LOG.warn("invalid record {} of {}{}: {}: {}{}", index, origin, loop > 0 ? " (pass " + (loop + 1) + ")" : "",
                invalid.code(), invalid.message(), tail);
    }

    /** Lines written so far (for tests). */
    long lines() {
        return lines;
    }

    long suppressed() {
        return suppressed;
    }
}
