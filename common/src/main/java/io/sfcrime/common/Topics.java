package io.sfcrime.common;

import java.util.Map;

/**
 * Default topic names; every CLI and the chart can override them with the same option names. Also the configs
 * the local tools create topics with, the same as the chart's KafkaTopics ({@code templates/kafka-topics.yaml}).
 */
public final class Topics {
    public static final String CALLS = "calls";
    public static final String RESULTS = "results";
    public static final String DEAD_LETTER = "calls.dlq";

    /** Seven days: the input and dead-letter topics are a buffer, not an archive (the broker's size cap also holds). */
    public static final long RETENTION_MS = 7L * 24 * 3600 * 1000;

    /** Config of a created input or dead-letter topic: records older than {@link #RETENTION_MS} are deleted. */
    public static final Map<String, String> STREAM_TOPIC_CONFIG = Map.of("retention.ms", Long.toString(RETENTION_MS));

    /**
     * Config of a created results topic: its records are upserts keyed by window, crime type and disposition, so
     * compaction keeps the latest per key (what the report folds) and the topic does not grow with every batch.
     */
    public static final Map<String, String> RESULTS_TOPIC_CONFIG = Map.of("cleanup.policy", "compact");

    private Topics() {
    }
}
