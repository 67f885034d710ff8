package io.sfcrime.spark.sink;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The results sink's bookkeeping over a long run: the keys it holds follow the open windows, not the job's age, and
 * the per-batch deltas stay exact across snapshots and reruns of a batch.
 */
class OpenTotalsTest {
    private static final long HOUR = 3_600_000L;
    private static final int TYPES = 30;

    @TempDir
    Path checkpoint;

    /** Batch b updates the windows ending at hours b and b+1 (each type +1 per batch) and both counters. */
    private static long runBatch(OpenTotals totals, long b, Map<String, Long> truth) {
        long delta = 0;
        for (long end = b; end <= b + 1; end++) {
            for (int t = 0; t < TYPES; t++) {
                String key = "[\"by_window_crime_type\",\"" + end + "\",\"type" + t + "\",null]";
                long now = truth.merge(key, 1L, Long::sum);
                delta += totals.update(key, end * HOUR, now);
            }
        }
        for (String counter : List.of("valid_rows", "invalid_rows:bad_date")) {
            long now = truth.merge(counter, 7L, Long::sum);
            delta += totals.update(counter, OpenTotals.NO_WINDOW, now);
        }
        return delta;
    }

    @Test
    void keysOfClosedWindowsAreDroppedSoTheBookkeepingStaysBoundedOverTenThousandWindows() {
        OpenTotals totals = OpenTotals.empty();
        Map<String, Long> truth = new java.util.HashMap<>();
        long added = 0;
        int largest = 0;
        for (long b = 0; b < 10_000; b++) {
            added += runBatch(totals, b, truth);
            // The watermark of batch b: three hours behind the newest window end of the batch before.
            totals.closeUpTo(b, (b - 3) * HOUR);
            largest = Math.max(largest, totals.size());
        }
        // Every row counted once: the deltas add up to the final totals of all keys, closed ones included.
        assertThat(added).isEqualTo(truth.values().stream().mapToLong(Long::longValue).sum());
        // Open windows (ends b-2 .. b+1) × types, plus the two counters — not 10,001 windows × types.
        assertThat(largest).isLessThanOrEqualTo(4 * TYPES + 2);
        assertThat(totals.asMap()).containsKeys("valid_rows", "invalid_rows:bad_date");
        assertThat(totals.asMap().values()).allMatch(t -> t.windowEndMs() > (10_000 - 1 - 3) * HOUR);
    }

    @Test
    void aRerunOfABatchFromTheSnapshotBeforeItWritesTheSameSnapshotAndDeltas() throws Exception {
        TotalsSnapshots snapshots = new TotalsSnapshots(checkpoint);
        OpenTotals totals = OpenTotals.empty();
        Map<String, Long> truth = new java.util.HashMap<>();
        Map<String, Long> truthBefore49 = null;
        for (long b = 0; b < 50; b++) {
            if (b == 49) {
                truthBefore49 = new java.util.HashMap<>(truth);
            }
            runBatch(totals, b, truth);
            totals.closeUpTo(b, (b - 3) * HOUR);
            snapshots.write(totals, (b - 3) * HOUR);
        }
        byte[] last = Files.readAllBytes(snapshots.file(49));
        // Only the snapshot of the last batch and of the one before it are kept.
        try (Stream<Path> files = Files.list(snapshots.dir())) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted()).containsExactly("48.json", "49.json");
        }
        // kill -9 after snapshot 49 but before Spark's commit: batch 49 runs again from snapshot 48.
        OpenTotals again = snapshots.read(48).orElseThrow();
        assertThat(again.batchId()).isEqualTo(48);
        long rerunDelta = runBatch(again, 49, truthBefore49);
        assertThat(rerunDelta).isEqualTo(2L * TYPES + 14);
        again.closeUpTo(49, 46 * HOUR);
        snapshots.write(again, 46 * HOUR);
        assertThat(Files.readAllBytes(snapshots.file(49))).isEqualTo(last);
        assertThat(snapshots.read(49).orElseThrow().asMap()).isEqualTo(totals.asMap());
        assertThat(snapshots.read(12)).isEmpty();
    }

    @Test
    void theBatchWatermarkComesFromSparksOffsetLog() throws Exception {
        Path offsets = Files.createDirectories(checkpoint.resolve("offsets"));
        Files.writeString(offsets.resolve("7"), "v1\n{\"batchWatermarkMs\":1546304400000,\"batchTimestampMs\":"
                + "1700000000000,\"conf\":{\"spark.sql.shuffle.partitions\":\"1\"}}\n{\"calls\":{\"0\":42,\"1\":40}}");
        assertThat(ResultsSink.batchWatermarkMs(checkpoint, 7)).isEqualTo(1546304400000L);
        assertThat(ResultsSink.batchWatermarkMs(checkpoint, 8)).isEqualTo(Long.MIN_VALUE);
    }
}
