package io.sfcrime.spark.sink;

import java.util.HashMap;
import java.util.Map;

/**
 * The results sink's per-key bookkeeping: the latest total of each counter and of each {@code (window, crime type)}
 * key whose window the watermark has not closed yet, so a batch's rows can be turned into what the batch added.
 * <p>
 * Once the watermark has passed a window's end, Spark drops rows of that window as late and evicts its state: the key
 * can never be updated again, so its total is dropped here too ({@link #closeUpTo}). What stays is the open windows'
 * keys plus the counters (which have no window and never close), whatever the job's age.
 */
public final class OpenTotals {
    /** A counter's "window end": counters never close. */
    public static final long NO_WINDOW = Long.MAX_VALUE;

    /** One key's latest total and the end of its window (epoch ms; {@link #NO_WINDOW} for counters). */
    public record Total(long windowEndMs, long count) {
    }

    private final Map<String, Total> totals;
    private long batchId;

    /** @param batchId the batch these totals are the state after (-1: before the first batch) */
    public OpenTotals(long batchId, Map<String, Total> totals) {
        this.batchId = batchId;
        this.totals = new HashMap<>(totals);
    }

    public static OpenTotals empty() {
        return new OpenTotals(-1, Map.of());
    }

    /** The batch whose results these totals include. */
    public long batchId() {
        return batchId;
    }

    /** Records a key's new total; returns how much it grew since the last one known (all of it for a new key). */
    public long update(String key, long windowEndMs, long count) {
        Total held = totals.put(key, new Total(windowEndMs, count));
        return count - (held == null ? 0 : held.count());
    }

    /**
     * Ends a batch: drops the keys of windows ending at or before {@code watermarkMs} (the watermark the batch ran
     * with, which later batches can only raise). Returns how many keys were dropped.
     */
    public int closeUpTo(long batchId, long watermarkMs) {
        this.batchId = batchId;
        int before = totals.size();
        totals.values().removeIf(t -> t.windowEndMs() <= watermarkMs);
        return before - totals.size();
    }

    public int size() {
        return totals.size();
    }

    /** A read-only view, for snapshots and tests. */
    public Map<String, Total> asMap() {
        return java.util.Collections.unmodifiableMap(totals);
    }
}
