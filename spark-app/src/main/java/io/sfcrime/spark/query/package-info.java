/**
 * The job's two streaming queries, named by {@link io.sfcrime.common.tuning.JobQuery}: each composes source →
 * transforms → sink ({@link io.sfcrime.spark.query.CountsQuery}, {@link io.sfcrime.spark.query.DeadLetterQuery});
 * {@link io.sfcrime.spark.query.StreamingJob} starts, restarts and stops them, and
 * {@link io.sfcrime.spark.query.BatchBarrier} makes a stop wait for the batch in flight.
 */
package io.sfcrime.spark.query;
