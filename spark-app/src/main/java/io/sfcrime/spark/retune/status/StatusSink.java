package io.sfcrime.spark.retune.status;

/** Where status goes: the local status file, or the status ConfigMap plus Events on the driver pod. */
public interface StatusSink extends AutoCloseable {
    /** Without {@code --status-file}: nothing is written; the reconciler's log lines are the record of each change. */
    StatusSink NONE = new StatusSink() {
        @Override
        public void write(TuningStatus status, boolean change) {
        }

        @Override
        public void event(boolean warning, String reason, String message) {
        }
    };

    /** Writes the whole status; {@code change} is false for progress-only updates, which a sink may throttle. */
    void write(TuningStatus status, boolean change);

    /** Records what a change did (Kubernetes: an Event on the driver pod). */
    void event(boolean warning, String reason, String message);

    @Override
    default void close() {
    }
}
