/**
 * Where the results go: {@link io.sfcrime.spark.sink.ResultsSink} writes each updated count to the results topic in
 * the format of {@link io.sfcrime.spark.sink.ResultRecords}, measures what each batch added
 * ({@link io.sfcrime.spark.sink.BatchStats}) and prints the top counts ({@link io.sfcrime.spark.sink.ConsoleTable});
 * {@link io.sfcrime.spark.sink.DeadLetters} shapes invalid records for the dead-letter topic;
 * {@link io.sfcrime.spark.sink.ResultFold} reads the results topic back, folded by key, which is the state that
 * survives restarts.
 */
package io.sfcrime.spark.sink;
