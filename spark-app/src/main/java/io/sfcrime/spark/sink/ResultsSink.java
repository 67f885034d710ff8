package io.sfcrime.spark.sink;

import com.fasterxml.jackson.databind.JsonNode;
import io.sfcrime.common.Json;
import io.sfcrime.common.tuning.TuningKeys;
import io.sfcrime.spark.config.KafkaClients;
import io.sfcrime.spark.config.RuntimeSettings;
import io.sfcrime.spark.ops.OperatorMetrics;
import io.sfcrime.spark.pipeline.Columns;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static io.sfcrime.spark.pipeline.Columns.BY_TYPE;
import static io.sfcrime.spark.pipeline.Columns.COUNTER;
import static io.sfcrime.spark.pipeline.Columns.INVALID_ROWS_PREFIX;
import static io.sfcrime.spark.pipeline.Columns.VALID_ROWS;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.when;

/**
 * The {@code foreachBatch} sink of the counts query: writes each updated row to the results topic (Spark's Kafka
 * writer, so executors do the writing), prints the console table, and measures what the batch added.
 * <p>
 * A replayed batch (after a crash or SIGTERM) writes the same values again: its input offsets, its watermark and the
 * state before it all come from the checkpoint. To measure per-batch deltas the driver keeps the latest total of the
 * counters and of the by-type keys of open windows only ({@link OpenTotals}): after each batch the keys of windows
 * its watermark has closed are dropped, so this bookkeeping follows the open windows, not the job's age. The totals
 * after each batch go to a small snapshot in the checkpoint ({@link TotalsSnapshots}), which a query start reads
 * instead of the results topic, so a restart costs the same after a day or a year.
 */
public final class ResultsSink implements VoidFunction2<Dataset<Row>, Long> {
    private static final String QUERY_ID_PROPERTY = "sql.streaming.queryId";
    private static final Logger LOG = LoggerFactory.getLogger(ResultsSink.class);
    /** The progress line reads a batch's stats right after the batch: a few recent ones are enough. */
    private static final int MAX_STATS = 100;

    private final String bootstrap;
    private final String resultsTopic;
    /** The counts query's checkpoint directory (a string: a Path is not serializable). */
    private final String queryCheckpoint;
    private final RuntimeSettings settings;
    private final transient PrintStream console;
    private final Map<Long, BatchStats> stats = new ConcurrentHashMap<>();
    private transient OpenTotals totals;
    private transient String queryId;
    private transient OperatorMetrics operators;

    /** @param queryCheckpoint the counts query's checkpoint directory: its offset log and the totals snapshots */
    public ResultsSink(String bootstrap, String resultsTopic, Path queryCheckpoint, RuntimeSettings settings,
                       PrintStream console) {
        this.bootstrap = bootstrap;
        this.resultsTopic = resultsTopic;
        this.queryCheckpoint = queryCheckpoint.toAbsolutePath().toString();
        this.settings = settings;
        this.console = console;
    }

    /** --operator-metrics-file: the wall time of each step of a batch goes to {@code collector} (null: none). */
    public void recordDriverTimes(OperatorMetrics collector) {
        this.operators = collector;
    }

    /** Stats of a finished batch of this sink's query, or null. */
    public BatchStats stats(long batchId) {
        return stats.get(batchId);
    }

    @Override
    public void call(Dataset<Row> batch, Long batchId) {
        long start = System.nanoTime();
        String id = batch.sparkSession().sparkContext().getLocalProperty(QUERY_ID_PROPERTY);
        // Batch N continues from the totals after N-1: kept in memory between batches of one run, read from the
        // snapshot when a query (re)starts or runs a batch again.
        if (totals == null || !id.equals(queryId) || totals.batchId() != batchId - 1) {
            totals = initialTotals(id, batchId);
            queryId = id;
        }
        long watermarkMs = batchWatermarkMs(Path.of(queryCheckpoint), batchId);
        Dataset<Row> records = ResultRecords.toRecords(batch, batchId, id).persist(StorageLevel.MEMORY_ONLY());
        try {
            records.select("key", "value").write().format("kafka")
                    .options(KafkaClients.sparkOptions())
                    .option("kafka.bootstrap.servers", bootstrap)
                    .option("topic", resultsTopic)
                    .save();
            long written = System.nanoTime();
            // The driver folds only the by-type and counter rows; of the by-type-and-disposition rows (most of a
            // batch's) it needs just how many there were, so they come back as their level alone.
            Column wholeRow = col(Columns.LEVEL).notEqual(Columns.BY_TYPE_DISPOSITION);
            List<Row> rows = records.select(when(wholeRow, col("key")), col(Columns.LEVEL),
                    when(wholeRow, col(Columns.CRIME_TYPE)), when(wholeRow, col(Columns.COUNT)),
                    when(wholeRow, col(Columns.WINDOW_START)), when(wholeRow, col(Columns.WINDOW_END)),
                    when(wholeRow, col(ResultRecords.WINDOW_END_MS))).collectAsList();
            long collected = System.nanoTime();
            account(batchId, rows);
            long folded = System.nanoTime();
            // Keys of windows this batch's watermark has closed cannot change any more; then the snapshot for batch
            // N, written only after batch N's results (a rerun of N rewrites the same one).
            totals.closeUpTo(batchId, watermarkMs);
            new TotalsSnapshots(Path.of(queryCheckpoint)).write(totals, watermarkMs);
            if (operators != null) {
                operators.driverTimes(id, batchId, DriverTimes.of(start, written, collected, folded, System.nanoTime()));
            }
        } catch (RuntimeException e) {
            totals = null; // possibly half-updated: a rerun of this batch starts again from snapshot N-1
            throw e;
        } finally {
            records.unpersist();
        }
    }

    /** The totals after batch {@code batchId - 1}: empty for batch 0, else its snapshot. */
    private OpenTotals initialTotals(String id, long batchId) {
        if (batchId == 0) {
            return OpenTotals.empty();
        }
        TotalsSnapshots snapshots = new TotalsSnapshots(Path.of(queryCheckpoint));
        return snapshots.read(batchId - 1).orElseGet(() -> {
            // A checkpoint written before the snapshots existed: rebuild once from the results topic.
            LOG.warn("no totals snapshot for batch {} in {}: reading the results topic {} once instead",
                    batchId - 1, snapshots.dir(), resultsTopic);
            ResultFold fold = ResultFold.read(bootstrap, resultsTopic, id, batchId);
            long windowMs = settings.tuning().getDuration(TuningKeys.WINDOW_DURATION).toMillis();
            OpenTotals t = OpenTotals.empty();
            for (Map.Entry<String, ResultFold.Result> e : fold.latest().entrySet()) {
                ResultFold.Result r = e.getValue();
                if (COUNTER.equals(r.aggregation())) {
                    t.update(e.getKey(), OpenTotals.NO_WINDOW, r.count());
                } else if (BY_TYPE.equals(r.aggregation())) {
                    t.update(e.getKey(), r.windowStartMs() + windowMs, r.count());
                }
            }
            t.closeUpTo(batchId - 1, batchWatermarkMs(Path.of(queryCheckpoint), batchId - 1));
            return t;
        });
    }

    /**
     * The watermark batch {@code batchId} runs with, from Spark's offset log: line 2 of {@code offsets/<batch>} is the
     * batch's metadata, written before the batch runs and the same on every rerun. Long.MIN_VALUE when not there.
     */
    static long batchWatermarkMs(Path queryCheckpoint, long batchId) {
        Path file = queryCheckpoint.resolve("offsets").resolve(Long.toString(batchId));
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            if (lines.size() < 2) {
                return Long.MIN_VALUE;
            }
            JsonNode meta = Json.MAPPER.readTree(lines.get(1));
            return meta.path("batchWatermarkMs").asLong(Long.MIN_VALUE);
        } catch (NoSuchFileException e) {
            return Long.MIN_VALUE;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the watermark of batch " + batchId + " from " + file, e);
        }
    }

    private void account(long batchId, List<Row> rows) {
        long valid = 0;
        long invalid = 0;
        long counted = 0;
        Map<String, Long> byReason = new HashMap<>();
        List<ConsoleTable.Line> byType = new ArrayList<>();
        for (Row r : rows) {
            String level = r.getString(1);
            if (level.equals(Columns.BY_TYPE_DISPOSITION)) {
                continue;
            }
            String key = r.getString(0);
            long count = r.getLong(3);
            long delta = totals.update(key, r.isNullAt(6) ? OpenTotals.NO_WINDOW : r.getLong(6), count);
            if (level.equals(BY_TYPE)) {
                counted += delta;
                byType.add(new ConsoleTable.Line(r.getString(4), r.getString(5), r.getString(2), count));
            } else if (VALID_ROWS.equals(r.getString(2))) {
                valid += delta;
            } else if (r.getString(2).startsWith(INVALID_ROWS_PREFIX)) {
                invalid += delta;
                byReason.merge(r.getString(2).substring(INVALID_ROWS_PREFIX.length()), delta, Long::sum);
            }
        }
        stats.put(batchId, new BatchStats(batchId, rows.size(), valid, invalid, counted, byReason));
        stats.keySet().removeIf(b -> b < batchId - MAX_STATS);
        int topN = settings.consoleTopN();
        if (topN > 0 && console != null && !byType.isEmpty()) {
            byType.sort(Comparator.comparingLong(ConsoleTable.Line::count).reversed()
                    .thenComparing(ConsoleTable.Line::windowStart).thenComparing(ConsoleTable.Line::crimeType));
            ConsoleTable.print(console, batchId, byType.size(), byType.subList(0, Math.min(topN, byType.size())));
        }
    }
}
