/**
 * The transforms of the stream, one file per step, each a static function of {@code Dataset<Row>} that the queries
 * compose and unit tests call on small batches: read ({@link io.sfcrime.spark.pipeline.KafkaSource}), parse and
 * validate ({@link io.sfcrime.spark.pipeline.CallValidation}, one {@link io.sfcrime.spark.pipeline.CallScan} per
 * record), window and count ({@link io.sfcrime.spark.pipeline.WindowCounts}; with
 * {@code query.preAggregate}, {@link io.sfcrime.spark.pipeline.PartialCounts} parses, validates and counts each
 * partition in one pass) and join the radio codes ({@link io.sfcrime.spark.pipeline.RadioCodeJoin}).
 * {@link io.sfcrime.spark.pipeline.Columns} holds the names they all agree on.
 */
package io.sfcrime.spark.pipeline;
