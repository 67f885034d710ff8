/**
 * Lag-driven executor autoscaling inside the driver. {@link io.sfcrime.spark.autoscale.ScalingPolicy} decides
 * (pure: no Spark, no Kubernetes, unit-tested on synthetic batch sequences); {@link
 * io.sfcrime.spark.autoscale.Autoscaler} gathers each batch's numbers, asks the policy, and carries a decision out
 * through the same in-place executor change as the tuning's EXECUTORS step, with status, Events and a log line.
 */
package io.sfcrime.spark.autoscale;
