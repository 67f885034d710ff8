package io.sfcrime.bench.streams;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;

/**
 * What the topology has done so far, across its stream threads: input records scanned (valid, invalid), when the
 * first one was and when the scanned count passed {@link #warmupMark}, and the count records that reached the
 * aggregation with the highest offset seen in each partition of the repartition topic. The drain uses these to
 * tell when every input record's counts are in the aggregation; the latency study to tell when it caught up.
 */
public final class Progress {
    final AtomicLong scanned = new AtomicLong();
    final AtomicLong valid = new AtomicLong();
    final AtomicLong invalid = new AtomicLong();
    final AtomicLong aggregated = new AtomicLong();
    final AtomicLong firstNanos = new AtomicLong();
    final AtomicLong warmupNanos = new AtomicLong();
    final Map<Integer, LongAccumulator> maxRepartitionOffset = new ConcurrentHashMap<>();
    private final long warmupMark;

    /** {@code warmupMark}: the scanned count whose time ends the warm-up (0: none). */
    public Progress(long warmupMark) {
        this.warmupMark = warmupMark;
    }

    void scannedOne(boolean ok) {
        long n = scanned.incrementAndGet();
        if (n == 1) {
            firstNanos.set(System.nanoTime());
        }
        if (n == warmupMark) {
            warmupNanos.set(System.nanoTime());
        }
        (ok ? valid : invalid).incrementAndGet();
    }

    void aggregatedOne(int partition, long offset) {
        maxRepartitionOffset.computeIfAbsent(partition, p -> new LongAccumulator(Math::max, -1)).accumulate(offset);
        aggregated.incrementAndGet();
    }

    public long scanned() {
        return scanned.get();
    }

    public long valid() {
        return valid.get();
    }

    public long invalid() {
        return invalid.get();
    }

    /** Records that reached the aggregation; each valid input record sends two (its two levels), an invalid one. */
    public long aggregated() {
        return aggregated.get();
    }

    /** Whether every record scanned so far has reached the aggregation. */
    public boolean aggregatedAllScanned() {
        return aggregated.get() == 2 * valid.get() + invalid.get();
    }

    public long firstNanos() {
        return firstNanos.get();
    }

    public long warmupNanos() {
        return warmupNanos.get();
    }

    /** The highest repartition-topic offset that reached the aggregation, by partition. */
    public Map<Integer, Long> maxRepartitionOffsets() {
        Map<Integer, Long> out = new java.util.TreeMap<>();
        maxRepartitionOffset.forEach((p, a) -> out.put(p, a.get()));
        return out;
    }
}
