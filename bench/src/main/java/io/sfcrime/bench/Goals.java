package io.sfcrime.bench;

/** What the job is measured against, declared once for the studies and the report. */
public final class Goals {
    /** The batch size (source.maxOffsetsPerTrigger) profiles are compared at, the baseline's. */
    public static final long COMPARISON_BATCH = 100_000;
    /** The best Spark profile at the comparison batch size, as a fraction of the single-thread ceiling. */
    public static final double VS_CEILING = 0.5;
    /**
     * The fastest valid Spark profile at any batch size, as a fraction of the ceiling: twice the 0.14× of the first
     * full run (issue 19's "twice as fast on the same work").
     */
    public static final double FASTEST_VS_CEILING = 0.25;
    /** The best Spark profile at the comparison batch size over Spark's defaults. */
    public static final double VS_DEFAULTS = 5.0;
    /** Our producer over Kafka's ProducerPerformance with the same client settings. */
    public static final double PRODUCER_VS_TOOL = 0.9;
    /** Latency (produce to result row), p95, at a rate the job sustains. */
    public static final double LATENCY_P95_MS = 1000;
    /** A full {@code make bench} (N = 1M, R = 3, every study), start to end, in minutes. */
    public static final int FULL_RUN_MINUTES = 90;

    private Goals() {
    }
}
