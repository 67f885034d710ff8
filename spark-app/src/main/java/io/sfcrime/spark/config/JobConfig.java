package io.sfcrime.spark.config;

import io.sfcrime.common.tuning.JobQuery;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Where the job reads and writes: everything from the command line that is not tuning.
 *
 * @param consumerGroup  the Kafka consumer group the processed offsets are committed to for lag tools (never read
 *                       back), or empty for none
 * @param aliveFile      touched at each query start, progress and idle event (Kubernetes probes read its age), or
 *                       null
 * @param connectTimeout how long the start-up checks wait for an unreachable broker (--connect-timeout-ms)
 * @param operatorMetricsFile where each micro-batch's SQL metrics by plan node go (--operator-metrics-file), or null
 */
public record JobConfig(String bootstrap, String topic, String resultsTopic, String deadLetterTopic, Path radioCodes,
                        Path checkpoint, boolean availableNow, Path report, Path progressFile, Path statusFile,
                        int uiPort, String master, String consumerGroup, Path aliveFile, Duration connectTimeout,
                        Path operatorMetricsFile) {
    /** The consumer group when none is given: the application's name, as the chart's default is the release's. */
    public static final String DEFAULT_CONSUMER_GROUP = Sessions.APP_NAME + "-spark";
    /** The producer's and the consumer's wait for a broker, so the three give up alike. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(15);

    /** With the default consumer group, no alive file (local runs and tests), {@link #DEFAULT_CONNECT_TIMEOUT}. */
    public JobConfig(String bootstrap, String topic, String resultsTopic, String deadLetterTopic, Path radioCodes,
                     Path checkpoint, boolean availableNow, Path report, Path progressFile, Path statusFile,
                     int uiPort, String master) {
        this(bootstrap, topic, resultsTopic, deadLetterTopic, radioCodes, checkpoint, availableNow, report,
                progressFile, statusFile, uiPort, master, DEFAULT_CONSUMER_GROUP, null, DEFAULT_CONNECT_TIMEOUT);
    }

    /** Without operator metrics. */
    public JobConfig(String bootstrap, String topic, String resultsTopic, String deadLetterTopic, Path radioCodes,
                     Path checkpoint, boolean availableNow, Path report, Path progressFile, Path statusFile,
                     int uiPort, String master, String consumerGroup, Path aliveFile, Duration connectTimeout) {
        this(bootstrap, topic, resultsTopic, deadLetterTopic, radioCodes, checkpoint, availableNow, report,
                progressFile, statusFile, uiPort, master, consumerGroup, aliveFile, connectTimeout, null);
    }

    /** One query's checkpoint (offsets, commits; for the counts query also the aggregation state). */
    public Path queryCheckpoint(JobQuery query) {
        return checkpoint.resolve(query.checkpointDir());
    }
}
