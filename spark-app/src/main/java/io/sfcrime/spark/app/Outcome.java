package io.sfcrime.spark.app;

/** How a run of the job ended, and the process exit code each ending maps to. */
public enum Outcome {
    /** Drained ({@code --available-now}), or stopped by SIGTERM/SIGINT after the batch in flight. */
    DONE(0),
    /** A query or a tuning step failed, or Kafka could not be reached. */
    FAILED(1),
    /** Bad options, tuning, radio-code table or checkpoint: refused with a message before Spark starts. */
    BAD_CONFIG(2),
    /** Kubernetes only: stopped after its batch for a tuning change that needs a new driver; the Deployment starts one. */
    RESTART_DRIVER(3);

    private final int exitCode;

    Outcome(int exitCode) {
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
