package io.sfcrime.common.tuning;

/** How a change to a tuning key reaches a running job: the cheapest correct way, declared per key. */
public enum ApplyMode {
    /** From the next micro-batch, no restart. */
    LIVE("from the next micro-batch"),
    /** The query stops after its current batch and starts again from the same checkpoint. */
    QUERY_RESTART("restarts the query from its checkpoint"),
    /** The executor count of the running application changes through the SparkContext. */
    EXECUTORS("changes the executor count in place"),
    /** A static Spark conf: the driver (or locally the SparkSession) restarts with it. */
    DRIVER_RESTART("restarts the driver"),
    /** Baked into the checkpoint's state layout: a change needs a fresh checkpoint. */
    FIXED_BY_CHECKPOINT("fixed by the checkpoint; start with a fresh checkpoint to change it");

    private final String description;

    ApplyMode(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}
