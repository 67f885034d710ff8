package io.sfcrime.spark.retune.status;

import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * The live status of one job: changes come from the reconciler, progress from Spark's listener bus, so every method
 * is synchronized; {@link #snapshot()} gives the {@link TuningStatus} to write.
 */
public final class StatusTracker {
    private final String source;
    private final Clock clock;
    private String observedVersion;
    private Map<String, String> applied = Map.of();
    private Map<String, String> rejected = Map.of();
    private TuningStatus.Restarts restarts = TuningStatus.Restarts.NONE;
    private TuningStatus.LastChange lastChange;
    private TuningStatus.LastProgress lastProgress;
    private Counts counts = Counts.NONE;

    /** Where tuning changes are counted as metrics (applied steps, rejected keys, restarts). */
    public interface Counts {
        Counts NONE = new Counts() {
            @Override
            public void applied(int steps) {
            }

            @Override
            public void rejected(int keys) {
            }

            @Override
            public void restarted(RestartKind kind) {
            }
        };

        void applied(int steps);

        void rejected(int keys);

        void restarted(RestartKind kind);
    }
    private String ui;
    private TuningStatus.LateRows lateRows;

    /** @param source {@code file:/path}, {@code configmap:namespace/name} or {@code defaults} */
    public StatusTracker(String source) {
        this(source, Clock.systemUTC());
    }

    /** For tests: a fixed clock. */
    public StatusTracker(String source, Clock clock) {
        this.source = source;
        this.clock = clock;
    }

    public synchronized void countInto(Counts counts) {
        this.counts = counts;
    }

    /** Carries counts over from the status a previous driver wrote (Kubernetes: the driver restarts in a new JVM). */
    public synchronized void resumeFrom(TuningStatus previous) {
        if (previous == null) {
            return;
        }
        restarts = previous.restarts();
        if (previous.lastChange() != null) {
            lastChange = previous.lastChange();
        }
    }

    /** A version was seen: what it rejects, with the tuning applied when it arrived. */
    public synchronized void observed(String version, Map<String, String> applied, Map<String, String> rejected) {
        this.observedVersion = version;
        this.applied = Map.copyOf(applied);
        this.rejected = Map.copyOf(rejected);
        counts.rejected(rejected.size());
    }

    public synchronized void applied(Map<String, String> applied) {
        this.applied = Map.copyOf(applied);
    }

    public synchronized void restarted(RestartKind kind) {
        restarts = restarts.plus(kind);
        counts.restarted(kind);
    }

    /** A version changed something: a line per step (done, skipped or failed). */
    public synchronized void change(String version, List<String> steps) {
        lastChange = new TuningStatus.LastChange(clock.instant().toString(), version, steps);
        counts.applied(steps.size());
    }

    public synchronized void progress(long batchId, double processedRowsPerSecond, long numInputRows) {
        lastProgress = new TuningStatus.LastProgress(batchId,
                Double.isFinite(processedRowsPerSecond) ? processedRowsPerSecond : 0.0, numInputRows,
                clock.instant().toString());
    }

    /** The Spark UI's address as bound (Spark moves to the next port when the asked one is taken). */
    public synchronized void ui(String url) {
        this.ui = url;
    }

    /** A batch dropped {@code rows} valid rows behind the watermark; {@code advice} says what to change. */
    public synchronized void lateRows(long batchId, long rows, String advice) {
        long total = (lateRows == null ? 0 : lateRows.total()) + rows;
        lateRows = new TuningStatus.LateRows(total, batchId, rows, advice);
    }

    public synchronized TuningStatus snapshot() {
        return new TuningStatus(source, observedVersion, source.startsWith("configmap:") ? observedVersion : null,
                applied, rejected, restarts.query(), restarts, lastChange, lastProgress, ui, lateRows,
                clock.instant().toString());
    }
}
