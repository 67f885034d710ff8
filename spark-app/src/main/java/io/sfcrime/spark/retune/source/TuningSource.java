package io.sfcrime.spark.retune.source;

import java.util.function.Consumer;

/** Where the tuning of a running job comes from: the local YAML file or the ConfigMap on Kubernetes. */
public interface TuningSource extends AutoCloseable {

    /** For logs and status: {@code file:/path} or {@code configmap:namespace/name}. */
    String describe();

    /** The current content, read once (start-up). */
    Observed read();

    /** Starts watching; {@code onChange} may be called from the source's own thread, also with unchanged content. */
    void start(Consumer<Observed> onChange);

    @Override
    void close();
}
