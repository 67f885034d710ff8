package io.sfcrime.spark.sink;

import io.sfcrime.spark.config.KafkaClients;
import io.sfcrime.spark.config.RuntimeSettings;
import io.sfcrime.spark.pipeline.Columns;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

import java.io.PrintStream;
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

/**
 * The {@code foreachBatch} sink of the counts query: writes each updated row to the results topic (Spark's Kafka
 * writer, so executors do the writing), prints the console table, and measures what the batch added.
 * <p>
 * A replayed batch (after a crash or SIGTERM) writes the same values again: its input offsets, its watermark and the
 * state before it all come from the checkpoint. The driver keeps the latest total per key of the counters and the
 * by-type counts to measure per-batch deltas; it is rebuilt from the results topic (records of earlier batches only)
 * when a query starts, so the numbers stay right after a restart.
 */
public final class ResultsSink implements VoidFunction2<Dataset<Row>, Long> {
    private static final String QUERY_ID_PROPERTY = "sql.streaming.queryId";
    private static final int MAX_STATS = 1_000;

    private final String bootstrap;
    private final String resultsTopic;
    private final RuntimeSettings settings;
    private final transient PrintStream console;
    private final Map<Long, BatchStats> stats = new ConcurrentHashMap<>();
    private transient Map<String, Long> totals;
    private transient String queryId;

    public ResultsSink(String bootstrap, String resultsTopic, RuntimeSettings settings, PrintStream console) {
        this.bootstrap = bootstrap;
        this.resultsTopic = resultsTopic;
        this.settings = settings;
        this.console = console;
    }

    /** Stats of a finished batch of this sink's query, or null. */
    public BatchStats stats(long batchId) {
        return stats.get(batchId);
    }

    @Override
    public void call(Dataset<Row> batch, Long batchId) {
        String id = batch.sparkSession().sparkContext().getLocalProperty(QUERY_ID_PROPERTY);
        if (totals == null || !id.equals(queryId)) {
            totals = initialTotals(id, batchId);
            queryId = id;
        }
        Dataset<Row> records = ResultRecords.toRecords(batch, batchId, id).persist(StorageLevel.MEMORY_ONLY());
        try {
            records.select("key", "value").write().format("kafka")
                    .options(KafkaClients.sparkOptions())
                    .option("kafka.bootstrap.servers", bootstrap)
                    .option("topic", resultsTopic)
                    .save();
            List<Row> rows = records.select("key", Columns.LEVEL, Columns.CRIME_TYPE,
                    Columns.COUNT, Columns.WINDOW_START, Columns.WINDOW_END).collectAsList();
            account(batchId, rows);
        } finally {
            records.unpersist();
        }
    }

    private Map<String, Long> initialTotals(String id, long batchId) {
        Map<String, Long> t = new HashMap<>();
        if (batchId > 0) {
            ResultFold fold = ResultFold.read(bootstrap, resultsTopic, id, batchId);
            for (Map.Entry<String, ResultFold.Result> e : fold.latest().entrySet()) {
                String aggregation = e.getValue().aggregation();
                if (COUNTER.equals(aggregation) || BY_TYPE.equals(aggregation)) {
                    t.put(e.getKey(), e.getValue().count());
                }
            }
        }
        return t;
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
            long delta = count - totals.getOrDefault(key, 0L);
            totals.put(key, count);
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
