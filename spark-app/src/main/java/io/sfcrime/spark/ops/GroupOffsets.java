package io.sfcrime.spark.ops;

import com.fasterxml.jackson.databind.JsonNode;
import io.sfcrime.common.Json;
import io.sfcrime.common.metrics.JobMetrics;
import io.sfcrime.common.tuning.JobQuery;
import io.sfcrime.spark.config.KafkaClients;
import io.sfcrime.spark.metrics.JobMetricSet;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The job's processed offsets for the outside world: after each completed batch, the offsets every query of the job
 * has processed (per partition, the lowest) are committed to a Kafka consumer group with the admin client, so
 * {@code kafka-consumer-groups --describe}, Kafka Exporter and Burrow see the job's lag; and the lag per partition
 * (latest offset minus that) goes into {@link JobMetrics#INPUT_LAG}.
 * <p>
 * The checkpoint stays the only source of truth for resuming: these offsets are never read back. Spark has already
 * written the batch to its commit log when it reports progress, so the group never runs ahead of the checkpoint. The
 * Kafka calls run on a thread of their own (the listener bus must not wait on Kafka); when batches come faster than
 * commits, only the newest waits. A failure is logged and counted, never fatal: the next batch commits again.
 */
public final class GroupOffsets implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupOffsets.class);
    /** Per Kafka call: a commit that cannot finish in this time is counted as failed; the next batch tries again. */
    private static final long TIMEOUT_SECONDS = 10;

    private final String topic;
    private final String group;
    private final JobMetricSet metrics;
    private final Admin admin;
    private final Map<JobQuery, Map<Integer, Long>> processed = new EnumMap<>(JobQuery.class);
    /** One worker; a queue of one where a newer commit replaces the one still waiting. */
    private final ThreadPoolExecutor worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(1), r -> {
                Thread t = new Thread(r, "consumer-group-commit");
                t.setDaemon(true);
                return t;
            }, new ThreadPoolExecutor.DiscardOldestPolicy());

    public GroupOffsets(String bootstrap, String topic, String group, JobMetricSet metrics) {
        this.topic = topic;
        this.group = group;
        this.metrics = metrics;
        this.admin = KafkaClients.admin(bootstrap);
    }

    public String group() {
        return group;
    }

    /**
     * A batch of {@code query} completed with these end offsets (the {@code endOffset} JSON of its Kafka source
     * progress, {@code {"topic":{"0":123,...}}}). Once every query has reported, the lower offset per partition is
     * committed in the background.
     */
    public synchronized void batchCompleted(JobQuery query, String endOffsetJson) {
        Map<Integer, Long> offsets = parse(endOffsetJson);
        if (offsets.isEmpty()) {
            return;
        }
        processed.put(query, offsets);
        if (processed.size() < JobQuery.values().length) {
            return;
        }
        Map<Integer, Long> lowest = new HashMap<>(processed.get(JobQuery.COUNTS));
        for (Map<Integer, Long> other : processed.values()) {
            for (Iterator<Map.Entry<Integer, Long>> it = lowest.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<Integer, Long> e = it.next();
                Long o = other.get(e.getKey());
                if (o == null) {
                    it.remove();
                } else {
                    e.setValue(Math.min(e.getValue(), o));
                }
            }
        }
        if (!lowest.isEmpty()) {
            worker.execute(() -> commit(lowest));
        }
    }

    private Map<Integer, Long> parse(String endOffsetJson) {
        Map<Integer, Long> offsets = new HashMap<>();
        if (endOffsetJson == null) {
            return offsets;
        }
        try {
            JsonNode partitions = Json.MAPPER.readTree(endOffsetJson).path(topic);
            partitions.fields().forEachRemaining(e -> offsets.put(Integer.parseInt(e.getKey()), e.getValue().asLong()));
        } catch (IOException | NumberFormatException e) {
            LOG.warn("cannot read the end offsets of a batch ({}): {}", endOffsetJson, e.toString());
        }
        return offsets;
    }

    private void commit(Map<Integer, Long> offsets) {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        offsets.forEach((p, o) -> {
            latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            commit.put(new TopicPartition(topic, p), new OffsetAndMetadata(o));
        });
        try {
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            ends.forEach((tp, info) -> metrics.set(JobMetrics.INPUT_LAG, String.valueOf(tp.partition()),
                    Math.max(0, info.offset() - offsets.get(tp.partition()))));
            admin.alterConsumerGroupOffsets(group, commit).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            metrics.inc(JobMetrics.OFFSET_COMMITS, 1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            metrics.inc(JobMetrics.OFFSET_COMMIT_FAILURES, 1);
            LOG.warn("cannot commit processed offsets {} of {} to consumer group {} (lag tools show older offsets; "
                    + "the checkpoint is unaffected): {}", offsets, topic, group,
                    (e.getCause() == null ? e : e.getCause()).toString());
        }
    }

    /**
     * Finishes the commit in flight and the one waiting (so a drained run leaves the group at its end offsets), then
     * closes the admin client. Bounded: with Kafka gone, stopping the job must not wait on it.
     */
    @Override
    public void close() {
        worker.shutdown();
        try {
            if (!worker.awaitTermination(TIMEOUT_SECONDS + 5, TimeUnit.SECONDS)) {
                LOG.warn("consumer group commits still running at close; abandoning them");
                worker.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        admin.close(java.time.Duration.ofSeconds(5));
    }
}
