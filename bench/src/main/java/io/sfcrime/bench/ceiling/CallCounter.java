package io.sfcrime.bench.ceiling;

import io.sfcrime.common.Invalid;
import io.sfcrime.common.RadioCodes;
import io.sfcrime.common.report.CountsReport;
import io.sfcrime.common.scan.CallScanner;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The ceiling's whole job, for one thread: read and validate each record with the job's own {@link CallScanner},
 * place it in its tumbling event-time window (aligned to the epoch like Spark's {@code window()}, in San Francisco
 * time) and count by (window, crime type, disposition). The radio-code join happens once per distinct disposition
 * at report time, which is what a hash join against a 100-row table amounts to.
 * <p>
 * Hot path: one scan, one reused probe key, a {@code long[1]} cell per distinct key; no boxing.
 */
public final class CallCounter {
    private final CallScanner scanner = new CallScanner();
    private final long windowMillis;
    private final long watermarkDelayMillis;
    private final RadioCodes radioCodes;
    private final Map<Key, long[]> counts = new HashMap<>(1 << 14);
    private final Key probe = new Key();
    private final Map<String, long[]> invalidByReason = new TreeMap<>();

    private long input;
    private long valid;
    private long invalid;
    private long maxEventMillis = Long.MIN_VALUE;
    private long lateHazard;

    public CallCounter(Duration window, Duration watermarkDelay, RadioCodes radioCodes) {
        if (window.isZero() || window.isNegative()) {
            throw new IllegalArgumentException("window must be longer than 0, got " + window);
        }
        this.windowMillis = window.toMillis();
        this.watermarkDelayMillis = watermarkDelay.toMillis();
        this.radioCodes = Objects.requireNonNull(radioCodes, "radioCodes");
    }

    /** Counts one record value as read from Kafka; returns why it is invalid, or null when it was counted. */
    public Invalid accept(byte[] value) {
        input++;
        Invalid why = scanner.scan(value);
        if (why != null) {
            invalid++;
            invalidByReason.computeIfAbsent(why.code(), k -> new long[1])[0]++;
            return why;
        }
        valid++;
        long event = scanner.eventMillis();
        // Spark drops a row whose event time is at or below the watermark (max seen - delay) of an earlier batch.
        // Any row that could be dropped under some batching is one at or below the running max - delay here, so
        // when this stays 0 no batching can drop anything and every count must match exactly.
        if (maxEventMillis != Long.MIN_VALUE && event <= maxEventMillis - watermarkDelayMillis) {
            lateHazard++;
        }
        if (event > maxEventMillis) {
            maxEventMillis = event;
        }
        probe.windowStart = event - Math.floorMod(event, windowMillis);
        probe.crimeType = scanner.crimeType();
        probe.disposition = scanner.disposition();
        probe.rehash();
        long[] cell = counts.get(probe);
        if (cell == null) {
            cell = new long[1];
            counts.put(probe.copy(), cell);
        }
        cell[0]++;
        return null;
    }

    /** Rows that some batching could drop as late; 0 means the expected late count is exactly 0. */
    public long lateHazard() {
        return lateHazard;
    }

    public int distinctKeys() {
        return counts.size();
    }

    /** The counts so far in the report shape of spark-app, with the radio-code join applied. */
    public CountsReport report() {
        Map<String, Long> reasons = new TreeMap<>();
        invalidByReason.forEach((k, v) -> reasons.put(k, v[0]));
        CountsReport.Builder b = CountsReport.builder(input, valid, invalid, 0).invalidByReason(reasons);
        Map<String, String> described = new HashMap<>();
        counts.forEach((k, cell) -> {
            String description = k.disposition == null ? null
                    : described.computeIfAbsent(k.disposition, radioCodes::describe);
            b.add(k.windowStart, k.windowStart + windowMillis, k.crimeType, k.disposition, description, cell[0]);
        });
        return b.build();
    }

    /** A mutable probe and an immutable stored key share this class; only copies are stored in the map. */
    static final class Key {
        long windowStart;
        String crimeType;
        String disposition;
        int hash;

        void rehash() {
            int h = Long.hashCode(windowStart);
            h = 31 * h + crimeType.hashCode();
            h = 31 * h + (disposition == null ? 0 : disposition.hashCode());
            hash = h;
        }

        Key copy() {
            Key k = new Key();
            k.windowStart = windowStart;
            k.crimeType = crimeType;
            k.disposition = disposition;
            k.hash = hash;
            return k;
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.windowStart == windowStart && k.hash == hash
                    && k.crimeType.equals(crimeType) && Objects.equals(k.disposition, disposition);
        }
    }
}
