package io.sfcrime.spark.query;

import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.apache.spark.sql.streaming.StreamingQueryStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The barrier between batches: lets the driver stop a query once the batch in flight has finished, not in the middle
 * of it. {@link StreamingQuery#stop()} interrupts whatever runs; a stopped batch is replayed from the checkpoint with
 * the same result, but a clean stop (SIGTERM, a query restart for new tuning) should not cost a batch. Spark reports
 * each finished batch to its listeners; this one counts those reports per query and wakes the waiting driver.
 * <p>
 * Register it after the progress log: listeners see each event in registration order, so the batch's progress line
 * is written before the barrier lets a stop go ahead.
 */
public final class BatchBarrier extends StreamingQueryListener {
    private static final Logger LOG = LoggerFactory.getLogger(BatchBarrier.class);
    /** Longest wait for the batch in flight; after it the query is stopped anyway (and replays the batch). */
    private static final Duration STOP_WAIT = Duration.ofSeconds(60);
    private static final long POLL_MS = 100;

    private final Map<UUID, Long> progressCount = new HashMap<>();

    @Override
    public void onQueryStarted(QueryStartedEvent event) {
    }

    @Override
    public synchronized void onQueryProgress(QueryProgressEvent event) {
        progressCount.merge(event.progress().id(), 1L, Long::sum);
        notifyAll();
    }

    @Override
    public void onQueryIdle(QueryIdleEvent event) {
    }

    @Override
    public synchronized void onQueryTerminated(QueryTerminatedEvent event) {
        notifyAll();
    }

    /**
     * Lets the batch in flight finish, then stops the query. A batch that already began planning the next offsets
     * is interrupted; it is replayed from the checkpoint at the next start, with the same result.
     */
    public void stopAfterCurrentBatch(StreamingQuery q) throws java.util.concurrent.TimeoutException {
        awaitBatchEnd(q);
        if (q == null || !q.isActive()) {
            return;
        }
        LOG.info("stopping query {}", q.name());
        q.stop();
    }

    /**
     * Waits while a batch with data is in flight. An idle query is also "trigger active" (it keeps polling Kafka for
     * new offsets) but reports no progress until data comes, so waiting for progress alone would wait for nothing.
     */
    public void awaitBatchEnd(StreamingQuery q) {
        if (q == null || !q.isActive()) {
            return;
        }
        long seen = progressCount(q.id());
        long deadline = System.nanoTime() + STOP_WAIT.toNanos();
        try {
            while (q.isActive() && System.nanoTime() < deadline && progressCount(q.id()) <= seen) {
                StreamingQueryStatus status = q.status();
                if (!status.isTriggerActive() || !status.isDataAvailable()) {
                    return;
                }
                awaitProgress(q, seen);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized long progressCount(UUID queryId) {
        return progressCount.getOrDefault(queryId, 0L);
    }

    /** Waits up to {@link #POLL_MS} for more than {@code seen} progress reports of a query, or for it to stop. */
    private synchronized void awaitProgress(StreamingQuery q, long seen) throws InterruptedException {
        long deadline = System.nanoTime() + POLL_MS * 1_000_000;
        while (progressCount(q.id()) <= seen && q.isActive()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }
}
