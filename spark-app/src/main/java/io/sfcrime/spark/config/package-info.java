/**
 * What the job is told and how it talks to the outside: {@link io.sfcrime.spark.config.JobConfig} (where it reads
 * and writes, from the command line), {@link io.sfcrime.spark.config.RuntimeSettings} (the tuning every batch reads,
 * swapped whole by live retune), {@link io.sfcrime.spark.config.Sessions} (the only place Spark confs are set) and
 * {@link io.sfcrime.spark.config.KafkaClients} (the driver's own Kafka clients and the security options handed to
 * Spark's Kafka source and sinks).
 */
package io.sfcrime.spark.config;
