/**
 * The job's Prometheus metrics ({@link io.sfcrime.common.metrics.JobMetrics}) in Spark's own metrics system: the
 * values ({@link io.sfcrime.spark.metrics.JobMetricSet}), the Spark source each session registers, and the listener
 * that updates them from each batch.
 */
package io.sfcrime.spark.metrics;
