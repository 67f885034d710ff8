/**
 * Live retune: follows the tuning while the job runs and applies each change the cheapest correct way.
 * {@link io.sfcrime.spark.retune.Retune} puts the parts together for one job; the
 * {@link io.sfcrime.spark.retune.Planner} (pure) turns an observed version into a {@link io.sfcrime.spark.retune.Plan}
 * of ordered steps; the {@link io.sfcrime.spark.retune.Reconciler} runs them through
 * {@link io.sfcrime.spark.retune.Actions} ({@link io.sfcrime.spark.retune.SparkActions} on the running session);
 * {@link io.sfcrime.spark.retune.CheckpointPins} keeps the keys a checkpoint fixes. Where versions come from is in
 * {@code source}, where status goes in {@code status}.
 */
package io.sfcrime.spark.retune;
