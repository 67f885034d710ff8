/**
 * What live retune reports: the typed {@link io.sfcrime.spark.retune.status.TuningStatus} (a JSON contract), kept up
 * to date by a {@link io.sfcrime.spark.retune.status.StatusTracker} and written by a
 * {@link io.sfcrime.spark.retune.status.StatusSink}: the status file locally, the status ConfigMap and Events on the
 * driver pod on Kubernetes.
 */
package io.sfcrime.spark.retune.status;
