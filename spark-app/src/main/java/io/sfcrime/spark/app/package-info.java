/**
 * The process: {@link io.sfcrime.spark.app.SparkApp} parses the command line and hands a
 * {@link io.sfcrime.spark.config.JobConfig} to the {@link io.sfcrime.spark.app.Supervisor}, which runs the checks
 * before Spark starts ({@link io.sfcrime.spark.app.Preflight}), then one SparkSession after another until the job
 * drains, is stopped by a signal, fails or needs a new driver, and returns that as an
 * {@link io.sfcrime.spark.app.Outcome} whose exit code the process ends with. The wiring of live retune to the
 * environment (local file or Kubernetes ConfigMaps) and SIGTERM handling live here too.
 */
package io.sfcrime.spark.app;
