package io.sfcrime.spark.retune.status;

import io.sfcrime.common.tuning.JobQuery;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.apache.spark.sql.streaming.StreamingQueryProgress;

/** Puts the counts query's last progress into the status after each batch. */
public final class StatusListener extends StreamingQueryListener {
    private final StatusTracker status;
    private final StatusSink sink;

    public StatusListener(StatusTracker status, StatusSink sink) {
        this.status = status;
        this.sink = sink;
    }

    @Override
    public void onQueryStarted(QueryStartedEvent event) {
    }

    @Override
    public void onQueryProgress(QueryProgressEvent event) {
        StreamingQueryProgress p = event.progress();
        if (JobQuery.byQueryName(p.name()).orElse(null) != JobQuery.COUNTS) {
            return;
        }
        status.progress(p.batchId(), p.processedRowsPerSecond(), p.numInputRows());
        sink.write(status.snapshot(), false);
    }

    @Override
    public void onQueryIdle(QueryIdleEvent event) {
    }

    @Override
    public void onQueryTerminated(QueryTerminatedEvent event) {
    }
}
