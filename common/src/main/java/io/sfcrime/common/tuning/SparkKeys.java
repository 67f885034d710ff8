package io.sfcrime.common.tuning;

/**
 * What Spark itself knows about a {@code spark.*} key that the job does not declare: null when Spark declares it (or
 * reads it by name), otherwise what is wrong, with the nearest key Spark declares. spark-app answers from Spark's own
 * config registry; common has no Spark on its class path, so {@link #ANY} (accept every key) is the default there.
 */
@FunctionalInterface
public interface SparkKeys {
    /** Accepts every key: for readers without Spark (the chart schema, the benchmark's profiles). */
    SparkKeys ANY = key -> null;

    /** Null when Spark knows {@code key}, otherwise the problem to report. */
    String problem(String key);
}
