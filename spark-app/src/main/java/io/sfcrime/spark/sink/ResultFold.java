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

    /**
     * Reads the whole topic as it stands (up to its end offsets now) and folds the records of {@code queryId} whose
     * batch id is below {@code beforeBatch} ({@link Long#MAX_VALUE} for all).
     */
    public static ResultFold read(String bootstrap, String topic, String queryId, long beforeBatch) {
        ResultFold fold = new ResultFold();
        try (KafkaConsumer<String, String> consumer = KafkaClients.resultReader(bootstrap)) {
            List<TopicPartition> partitions = new ArrayList<>();
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                return fold;
            }
            for (PartitionInfo p : infos) {
                partitions.add(new TopicPartition(topic, p.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions, Duration.ofSeconds(30)));
            end.entrySet().removeIf(e -> e.getValue() == 0);
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (!end.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reading results topic " + topic + " timed out; still to read: " + end);
                }
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
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
                    if (consumer.position(tp) >= end.get(tp)) {
                        end.remove(tp);
                    }
                }
            }
        }
        return fold;
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
