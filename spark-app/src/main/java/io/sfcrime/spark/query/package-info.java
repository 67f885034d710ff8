/**
 * The job's streaming queries, named by {@link io.sfcrime.common.tuning.JobQuery}: {@link
 * io.sfcrime.spark.query.CountsQuery} composes source → transforms → sink (its scan also writes the dead letters);
 * {@link io.sfcrime.spark.query.StreamingJob} starts, restarts and stops them, and
 * {@link io.sfcrime.spark.query.BatchBarrier} makes a stop wait for the batch in flight.
 */
package io.sfcrime.spark.query;
