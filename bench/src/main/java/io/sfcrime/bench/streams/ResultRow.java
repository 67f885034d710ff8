package io.sfcrime.bench.streams;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.sfcrime.common.RadioCodes;
import io.sfcrime.common.report.CountsReport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * One record of the peer's results topic: the new count of a key after an update, as JSON. The Kafka key is the
 * count's key as a JSON array ({@code [level, window_start_ms, name, disposition]}), so a reader keeps the last
 * value per key. {@code source_partition}/{@code source_offset} name the input record whose update this is.
 * Levels: {@code T} by crime type, {@code D} by crime type and disposition, {@code I} invalid records by reason.
 */
public record ResultRow(String level, long windowStartMs, long windowEndMs, String crimeType, String disposition,
                        String dispositionDescription, String reason, long count, int sourcePartition,
                        long sourceOffset) {
    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    static ResultRow of(CountKey k, Tally t, long windowMillis, RadioCodes radioCodes) {
        long source = t.lastSource();
        int partition = source < 0 ? -1 : Tally.Source.partition(source);
        long offset = source < 0 ? -1 : Tally.Source.offset(source);
        String level = String.valueOf((char) k.level());
        if (k.level() == CountKey.INVALID) {
            return new ResultRow(level, 0, 0, null, null, null, k.name(), t.count(), partition, offset);
        }
        return new ResultRow(level, k.windowStart(), k.windowStart() + windowMillis, k.name(), k.disposition(),
                k.level() == CountKey.BY_DISPOSITION ? radioCodes.describe(k.disposition()) : null, null, t.count(),
                partition, offset);
    }

    /** The key this row counts. */
    CountKey countKey() {
        byte l = (byte) level.charAt(0);
        return l == CountKey.INVALID ? new CountKey(l, 0, reason, null)
                : new CountKey(l, windowStartMs, crimeType, disposition);
    }

    static byte[] key(CountKey k) {
        try {
            return JSON.writeValueAsBytes(new Object[]{String.valueOf((char) k.level()), k.windowStart(), k.name(),
                    k.disposition()});
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ResultRow parse(byte[] value) {
        try {
            return JSON.readValue(value, ResultRow.class);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable result row: " + e.getMessage(), e);
        }
    }

    /**
     * The final counts from the last row of each key, in the report shape spark-app writes: valid rows are the sum
     * of the by-type counts (the peer drops nothing as late), invalid rows the sum over reasons.
     */
    public static CountsReport fold(Collection<ResultRow> lastPerKey) {
        Map<String, Long> reasons = new TreeMap<>();
        long valid = 0;
        for (ResultRow r : lastPerKey) {
            if ("I".equals(r.level)) {
                reasons.merge(r.reason, r.count, Long::sum);
            } else if ("T".equals(r.level)) {
                valid += r.count;
            }
        }
        long invalid = reasons.values().stream().mapToLong(Long::longValue).sum();
        CountsReport.Builder b = CountsReport.builder(valid + invalid, valid, invalid, 0).invalidByReason(reasons);
        for (ResultRow r : lastPerKey) {
            if ("D".equals(r.level)) {
                b.add(r.windowStartMs, r.windowEndMs, r.crimeType, r.disposition, r.dispositionDescription, r.count);
            }
        }
        CountsReport byDisposition = b.build();
        // The builder derives the by-type table from the disposition rows; the peer's own by-type counts must
        // agree with it, or the report would hide a wrong by-type count.
        Map<String, Long> own = new TreeMap<>();
        lastPerKey.stream().filter(r -> "T".equals(r.level)).forEach(r -> own.put(r.windowStartMs + "|" + r.crimeType,
                r.count));
        Map<String, Long> derived = new TreeMap<>();
        lastPerKey.stream().filter(r -> "D".equals(r.level)).forEach(r -> derived.merge(r.windowStartMs + "|"
                + r.crimeType, r.count, Long::sum));
        if (!own.equals(derived)) {
            throw new IllegalStateException("the peer's by-type counts disagree with the sums of its by-disposition "
                    + "counts in " + own.entrySet().stream().filter(e -> !e.getValue().equals(derived.get(e.getKey())))
                    .limit(3).toList());
        }
        return byDisposition;
    }
}
