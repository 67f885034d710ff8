/**
 * Where the tuning of a running job comes from ({@link io.sfcrime.spark.retune.source.TuningSource}): the local YAML
 * file, watched through its directory, or the tuning ConfigMap, watched by an informer; each version seen is an
 * {@link io.sfcrime.spark.retune.source.Observed}.
 */
package io.sfcrime.spark.retune.source;
