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
    private String observedGeneration;
    private final Conditions conditions;
    private AutoscalerStatus autoscaler;

    /** @param source {@code file:/path}, {@code configmap:namespace/name} or {@code defaults} */
    public StatusTracker(String source) {
        this(source, Clock.systemUTC());
    }

    /** For tests: a fixed clock. */
    public StatusTracker(String source, Clock clock) {
        this.source = source;
        this.clock = clock;
        this.conditions = new Conditions(clock);
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

    /** The version was reconciled to the end (applied, rejected or failed): the status's observed_generation. */
    public synchronized void reconciled(String version) {
        this.observedGeneration = version;
    }

    /** Sets a condition; its lastTransitionTime moves only when {@code status} differs from the one before. */
    public synchronized void condition(Condition.Type type, boolean status, String reason, String message) {
        conditions.set(type, status, reason, message);
    }

    /** As {@link #condition(Condition.Type, boolean, String, String)}, for Unknown. */
    public synchronized void conditionUnknown(Condition.Type type, String reason, String message) {
        conditions.set(type, Condition.UNKNOWN, reason, message);
    }

    public synchronized void autoscaler(AutoscalerStatus status) {
        this.autoscaler = status;
    }

    public synchronized AutoscalerStatus autoscaler() {
        return autoscaler;
    }

    public synchronized void progress(long batchId, double processedRowsPerSecond, long numInputRows) {
        lastProgress = new TuningStatus.LastProgress(batchId,
                Double.isFinite(processedRowsPerSecond) ? processedRowsPerSecond : 0.0, numInputRows,
                clock.instant().toString());
        conditions.set(Condition.Type.READY, true, "QueryRunning", "the counts query completed batch " + batchId);
    }

    /** The job is stopping (or stopped): no longer Ready. */
    public synchronized void stopping(String why) {
        conditions.set(Condition.Type.READY, false, "Stopped", why);
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
                observedGeneration, conditions.list(), applied, rejected, restarts.query(), restarts, lastChange,
                lastProgress, ui, lateRows, autoscaler, clock.instant().toString());
    }
}
