package io.sfcrime.spark.retune.status;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Where status goes: the local status file, or the status ConfigMap plus Events on the driver pod. */
public interface StatusSink extends AutoCloseable {

    /** Writes the whole status; {@code change} is false for progress-only updates, which a sink may throttle. */
    void write(ObjectNode status, boolean change);

    /** Records what a change did (Kubernetes: an Event on the driver pod). */
    void event(boolean warning, String reason, String message);

    @Override
    default void close() {
    }
}
