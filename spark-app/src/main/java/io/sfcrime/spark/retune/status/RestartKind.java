package io.sfcrime.spark.retune.status;

/** What a tuning change restarted, as counted in the status's {@code restarts}. */
public enum RestartKind {
    /** Queries stopped after their batch and started again from their checkpoints. */
    QUERY,
    /** Locally: a new SparkSession in the same JVM. */
    SESSION,
    /** On Kubernetes: the driver exits so its Deployment starts a new one. */
    DRIVER;

    /** The name in the status and the log. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
