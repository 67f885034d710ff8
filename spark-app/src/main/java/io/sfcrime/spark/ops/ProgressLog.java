package io.sfcrime.spark.ops;

import io.sfcrime.common.AliveFile;
import io.sfcrime.spark.sink.BatchStats;
import io.sfcrime.spark.sink.ResultsSink;
import org.apache.spark.sql.streaming.StateOperatorProgress;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Progress: one compact log line per micro-batch, and each full progress JSON appended to a newline-delimited file
 * ({@code --progress-file}). The status file is live retune's ({@link io.sfcrime.spark.retune.Retune}).
 */
public final class ProgressLog extends StreamingQueryListener {
    private static final Logger LOG = LoggerFactory.getLogger(ProgressLog.class);
    /** What to change when rows arrive late; the same words in the log, the console and the status. */
    public static final String LATE_ADVICE = "raise query.watermarkDelay in the tuning, or send the input in "
            + "event-time order (producer --replay event-time)";

    private final Path progressFile;
    private final AliveFile alive;
    private final Map<UUID, ResultsSink> sinks = new ConcurrentHashMap<>();
    private BufferedWriter progressOut;
    private volatile LateRowsListener lateRows;

    /** Told when a batch of the counts query left valid rows uncounted because they were behind the watermark. */
    @FunctionalInterface
    public interface LateRowsListener {
        void lateRows(long batchId, long rows, String watermark);
    }

    public ProgressLog(Path progressFile) {
        this(progressFile, null);
    }

    /** With an alive file (may be null): touched at query start and at each progress and idle event. */
    public ProgressLog(Path progressFile, AliveFile alive) {
        this.progressFile = progressFile;
        this.alive = alive;
    }

    /** The counts query's sink, whose exact per-batch numbers go into the line. */
    public void attach(UUID queryId, ResultsSink sink) {
        sinks.put(queryId, sink);
    }

    /** The sink attached for a query id, or null. */
    public ResultsSink sink(UUID queryId) {
        return sinks.get(queryId);
    }

    /** Who hears of late rows (the console and the status); set before the queries start. */
    public void onLateRows(LateRowsListener listener) {
        this.lateRows = listener;
    }

    @Override
    public void onQueryStarted(QueryStartedEvent event) {
        LOG.info("query {} started (id {}, run {})", event.name(), event.id(), event.runId());
        touchAlive();
    }

    @Override
    public void onQueryProgress(QueryProgressEvent event) {
        StreamingQueryProgress p = event.progress();
        ResultsSink sink = sinks.get(p.id());
        BatchStats stats = sink == null ? null : sink.stats(p.batchId());
        if (stats != null && stats.lateRows() > 0) {
            LOG.warn(line(p));
            LateRowsListener listener = lateRows;
            if (listener != null) {
                listener.lateRows(p.batchId(), stats.lateRows(), p.eventTime().get("watermark"));
            }
        } else {
            LOG.info(line(p));
        }
        appendProgress(p.json());
        touchAlive();
    }

    @Override
    public void onQueryIdle(QueryIdleEvent event) {
        // Nothing to log: progress already covers idle periods every few seconds. An idle query is alive.
        touchAlive();
    }

    /** A failed touch is logged, not thrown: the probe then sees an old file, which is the truth. */
    private void touchAlive() {
        if (alive == null) {
            return;
        }
        try {
            alive.touch();
        } catch (IOException e) {
            LOG.warn("cannot touch alive file {}: {}", alive.path(), e.toString());
        }
    }

    @Override
    public void onQueryTerminated(QueryTerminatedEvent event) {
        if (event.exception().isDefined()) {
            LOG.error("query {} failed: {}", event.id(), event.exception().get());
        } else {
            LOG.info("query {} stopped", event.id());
        }
    }

    String line(StreamingQueryProgress p) {
        long stateRows = 0;
        long droppedByWatermark = 0;
        for (StateOperatorProgress s : p.stateOperators()) {
            stateRows += s.numRowsTotal();
            droppedByWatermark += s.numRowsDroppedByWatermark();
        }
        Long took = p.durationMs().get("triggerExecution");
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("batch %d [%s] input=%d in=%.0f/s processed=%.0f/s took=%dms state=%d",
                p.batchId(), p.name(), p.numInputRows(), p.inputRowsPerSecond(), p.processedRowsPerSecond(),
                took == null ? 0 : took, stateRows));
        ResultsSink sink = sinks.get(p.id());
        BatchStats stats = sink == null ? null : sink.stats(p.batchId());
        if (stats != null) {
            sb.append(" valid=").append(stats.validRows()).append(" invalid=").append(stats.invalidRows())
                    .append(" late=").append(stats.lateRows()).append(" updated=").append(stats.updatedRows());
        }
        if (p.eventTime().containsKey("watermark")) {
            sb.append(" watermark=").append(p.eventTime().get("watermark"));
        }
        // Spark's own figure counts partially aggregated groups, not input rows; shown for comparison only.
        if (droppedByWatermark > 0) {
            sb.append(" spark_dropped_groups=").append(droppedByWatermark);
        }
        if (stats != null && stats.lateRows() > 0) {
            sb.append(" -- ").append(stats.lateRows()).append(" valid rows behind the watermark were not counted: ")
                    .append(LATE_ADVICE);
        }
        return sb.toString();
    }

    private synchronized void appendProgress(String json) {
        if (progressFile == null) {
            return;
        }
        try {
            if (progressOut == null) {
                Path parent = progressFile.toAbsolutePath().getParent();
                Files.createDirectories(parent);
                progressOut = Files.newBufferedWriter(progressFile, StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
            progressOut.write(json.replace('\n', ' '));
            progressOut.newLine();
            progressOut.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to progress file " + progressFile, e);
        }
    }

    public synchronized void close() {
        if (progressOut != null) {
            try {
                progressOut.close();
            } catch (IOException e) {
                LOG.warn("cannot close progress file: {}", e.toString());
            }
            progressOut = null;
        }
    }
}
