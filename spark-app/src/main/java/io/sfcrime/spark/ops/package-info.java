/**
 * What keeps the job observable and safe to start: {@link io.sfcrime.spark.ops.ProgressLog} (a line per batch and the
 * progress file), {@link io.sfcrime.spark.ops.CheckpointGuard} (refuses a damaged checkpoint before Spark would
 * silently recount) and {@link io.sfcrime.spark.ops.KafkaAdmin} (the input topic must exist; the output topics are
 * created).
 */
package io.sfcrime.spark.ops;
