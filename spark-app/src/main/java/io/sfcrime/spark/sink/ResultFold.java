package io.sfcrime.spark.sink;

import com.fasterxml.jackson.databind.JsonNode;
import io.sfcrime.common.Json;
import io.sfcrime.common.report.ReportField;
import io.sfcrime.spark.config.KafkaClients;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The results topic folded by key for one query: for each key the record of the latest batch (a replayed batch
 * re-emits the same value, so which copy wins does not matter). This is the state that survives restarts: Spark's
 * checkpoint keeps the counts, the topic keeps their latest values.
 * <p>
 * A fold can hold millions of keys (one per window × crime type × disposition), so it keeps each value as a small
 * {@link Result} with its repeated texts shared, not as a JSON tree: a tree costs about ten times as much heap and
 * made the report of a run with 10^5 windows the largest thing on the driver.
 */
public final class ResultFold {
    /** One result record's value: the fields of {@link ResultRecords}' format that readers use. */
    public record Result(String aggregation, String windowStart, String windowEnd, long windowStartMs,
                         String crimeType, String disposition, String dispositionDescription, String name, long count,
                         long batchId) {
    }

    private final Map<String, Result> latest = new HashMap<>();
    /** Window texts, crime types, dispositions and names repeat across keys: one copy of each. */
    private final Map<String, String> texts = new HashMap<>();

    /** Folds one record in; records of older batches than the one held for their key are ignored. */
    public void add(String key, JsonNode value) {
        long batch = value.path(ResultRecords.FIELD_BATCH_ID).asLong(-1);
        Result held = latest.get(key);
        if (held == null || batch >= held.batchId()) {
            latest.put(key, new Result(text(value, ResultRecords.FIELD_AGGREGATION),
                    text(value, ReportField.WINDOW_START.key()), text(value, ReportField.WINDOW_END.key()),
                    value.path(ResultRecords.FIELD_WINDOW_START_MS).asLong(), text(value, ReportField.CRIME_TYPE.key()),
                    text(value, ReportField.DISPOSITION.key()), text(value, ReportField.DISPOSITION_DESCRIPTION.key()),
                    text(value, ResultRecords.FIELD_NAME), value.path(ReportField.COUNT.key()).asLong(), batch));
        }
    }

    private String text(JsonNode value, String field) {
        JsonNode n = value.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        String s = n.asText();
        String shared = texts.putIfAbsent(s, s);
        return shared == null ? s : shared;
    }

    public Map<String, Result> latest() {
        return latest;
    }

    /** How long a read waits for a broker that does not answer before it gives up (see {@link #read}). */
    public static final Duration PATIENCE = Duration.ofSeconds(30);

    /** {@link #read(String, String, String, long, Duration)} with the default {@link #PATIENCE}. */
    public static ResultFold read(String bootstrap, String topic, String queryId, long beforeBatch) {
        return read(bootstrap, topic, queryId, beforeBatch, PATIENCE);
    }

    /**
     * Reads the whole topic as it stands (up to its end offsets now) and folds the records of {@code queryId} whose
     * batch id is below {@code beforeBatch} ({@link Long#MAX_VALUE} for all). Gives up with
     * {@link ResultsUnavailableException} when the broker does not answer, or the read makes no progress, for
     * {@code patience}: a large topic takes as long as it takes, a dead broker does not hold a Ctrl-C for minutes.
     */
    public static ResultFold read(String bootstrap, String topic, String queryId, long beforeBatch,
                                  Duration patience) {
        ResultFold fold = new ResultFold();
        KafkaConsumer<String, String> consumer = KafkaClients.resultReader(bootstrap, patience);
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            List<PartitionInfo> infos = consumer.partitionsFor(topic, patience);
            if (infos == null || infos.isEmpty()) {
                return fold;
            }
            for (PartitionInfo p : infos) {
                partitions.add(new TopicPartition(topic, p.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions, patience));
            end.entrySet().removeIf(e -> e.getValue() == 0);
            long lastProgress = System.nanoTime();
            while (!end.isEmpty()) {
                if (System.nanoTime() - lastProgress > patience.toNanos()) {
                    throw new ResultsUnavailableException(topic, bootstrap, patience,
                            "no records for " + patience.toSeconds() + " s; still to read: " + end, null);
                }
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    lastProgress = System.nanoTime();
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    Long stop = end.get(tp);
                    if (stop == null || r.offset() >= stop) {
                        continue;
                    }
                    if (r.value() != null) {
                        JsonNode value = parse(r.value(), tp, r.offset());
                        if (queryId.equals(value.path(ResultRecords.FIELD_QUERY_ID).asText())
                                && value.path(ResultRecords.FIELD_BATCH_ID).asLong() < beforeBatch) {
                            fold.add(r.key(), value);
                        }
                    }
                    if (r.offset() + 1 >= stop) {
                        end.remove(tp);
                    }
                }
                for (TopicPartition tp : new ArrayList<>(end.keySet())) {
                    if (consumer.position(tp, patience) >= end.get(tp)) {
                        end.remove(tp);
                    }
                }
            }
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw new ResultsUnavailableException(topic, bootstrap, patience, e.getMessage(), e);
        } finally {
            // Bounded too: closing a consumer whose broker is gone would otherwise wait its default 30 s.
            consumer.close(Duration.ofSeconds(2));
        }
        return fold;
    }

    /** The results topic could not be read: its broker did not answer in time. */
    public static final class ResultsUnavailableException extends RuntimeException {
        ResultsUnavailableException(String topic, String bootstrap, Duration patience, String detail,
                                    Throwable cause) {
            super("could not read the results topic " + topic + " from Kafka at " + bootstrap + " within "
                    + patience.toSeconds() + " s (" + detail + ")", cause);
        }
    }

    private static JsonNode parse(String value, TopicPartition tp, long offset) {
        try {
            return Json.MAPPER.readTree(value);
        } catch (IOException e) {
            throw new UncheckedIOException("results topic record " + tp + "@" + offset + " is not JSON: "
                    + e.getMessage(), e);
        }
    }
}
