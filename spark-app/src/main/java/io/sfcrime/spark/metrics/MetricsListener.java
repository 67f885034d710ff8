package io.sfcrime.spark.metrics;

import io.sfcrime.common.metrics.JobMetrics;
import io.sfcrime.common.tuning.JobQuery;
import io.sfcrime.spark.ops.GroupOffsets;
import io.sfcrime.spark.ops.ProgressLog;
import io.sfcrime.spark.sink.BatchStats;
import io.sfcrime.spark.sink.ResultsSink;
import org.apache.spark.sql.streaming.SourceProgress;
import org.apache.spark.sql.streaming.StateOperatorProgress;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.apache.spark.sql.streaming.StreamingQueryProgress;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Updates the job's metrics from each batch's progress: rows of the counts query (its sink's exact per-batch numbers
 * for valid, invalid by reason and late rows), the dead letters its tasks wrote, batch duration and state rows; and
 * hands each query's processed offsets to {@link GroupOffsets}. Registered before the progress log, so a batch's
 * metrics are updated before its progress line is written.
 */
public final class MetricsListener extends StreamingQueryListener {
    private final JobMetricSet metrics;
    private final ProgressLog progress;
    private final GroupOffsets groupOffsets;
    private final LongSupplier deadLettered;
    /** {@link #deadLettered} when the counter was last brought up to it. */
    private long deadLetteredSeen;

    /**
     * @param progress     knows the counts query's sink (its per-batch numbers)
     * @param groupOffsets commits processed offsets to the consumer group, or null when that is off
     * @param deadLettered dead letters the broker acknowledged so far in this session (the job's accumulator)
     */
    public MetricsListener(JobMetricSet metrics, ProgressLog progress, GroupOffsets groupOffsets,
                           LongSupplier deadLettered) {
        this.metrics = metrics;
        this.progress = progress;
        this.groupOffsets = groupOffsets;
        this.deadLettered = deadLettered;
    }

    @Override
    public void onQueryStarted(QueryStartedEvent event) {
    }

    @Override
    public void onQueryProgress(QueryProgressEvent event) {
        StreamingQueryProgress p = event.progress();
        Optional<JobQuery> query = Arrays.stream(JobQuery.values()).filter(q -> q.queryName().equals(p.name()))
                .findFirst();
        if (query.isEmpty()) {
            return;
        }
        if (query.get() == JobQuery.COUNTS) {
            counts(p);
        }
        if (groupOffsets != null && p.sources().length == 1) {
            SourceProgress source = p.sources()[0];
            groupOffsets.batchCompleted(query.get(), source.endOffset());
        }
    }

    private void counts(StreamingQueryProgress p) {
        ResultsSink sink = progress.sink(p.id());
        BatchStats stats = sink == null ? null : sink.stats(p.batchId());
        if (stats == null) {
            // A progress event without a batch (Spark reports idle queries every few seconds).
            return;
        }
        metrics.inc(JobMetrics.BATCHES, 1);
        metrics.inc(JobMetrics.INPUT_ROWS, p.numInputRows());
        metrics.inc(JobMetrics.VALID_ROWS, stats.validRows());
        metrics.inc(JobMetrics.LATE_ROWS, stats.lateRows());
        // The batch's tasks have ended (and their accumulator updates arrived) before its progress is reported.
        long written = deadLettered.getAsLong();
        if (written > deadLetteredSeen) {
            metrics.inc(JobMetrics.DEAD_LETTERED_ROWS, written - deadLetteredSeen);
            deadLetteredSeen = written;
        }
        for (Map.Entry<String, Long> e : stats.invalidByReason().entrySet()) {
            metrics.inc(JobMetrics.INVALID_ROWS, e.getKey(), e.getValue());
        }
        Long took = p.durationMs().get("triggerExecution");
        if (took != null) {
            metrics.set(JobMetrics.LAST_BATCH_DURATION, took / 1000.0);
        }
        long stateRows = 0;
        for (StateOperatorProgress s : p.stateOperators()) {
            stateRows += s.numRowsTotal();
        }
        metrics.set(JobMetrics.STATE_ROWS, stateRows);
    }

    @Override
    public void onQueryIdle(QueryIdleEvent event) {
    }

    @Override
    public void onQueryTerminated(QueryTerminatedEvent event) {
    }
}
