package io.sfcrime.spark.ops;

import com.fasterxml.jackson.databind.JsonNode;
import io.sfcrime.common.Json;
import io.sfcrime.spark.autoscale.Autoscaler;
import io.sfcrime.spark.config.KafkaClients;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The autoscaler's lag: the input topic's latest offsets, asked right after a batch, minus the batch's end offsets,
 * summed over the partitions (the number lag tools show, as in {@link GroupOffsets}). Asked from the job's main loop,
 * with a short timeout: an unreachable broker gives "unknown" (-1) and the autoscaler falls back on Spark's backlog.
 */
public final class LagProbe implements Autoscaler.LagSource, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LagProbe.class);
    private static final long TIMEOUT_SECONDS = 5;

    private final String topic;
    private final Admin admin;
    private boolean warned;

    public LagProbe(String bootstrap, String topic) {
        this.topic = topic;
        this.admin = KafkaClients.admin(bootstrap, Duration.ofSeconds(TIMEOUT_SECONDS));
    }

    @Override
    public long behind(String endOffsetJson) {
        Map<TopicPartition, Long> ends = parse(endOffsetJson);
        if (ends.isEmpty()) {
            return -1;
        }
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        ends.keySet().forEach(tp -> latest.put(tp, OffsetSpec.latest()));
        try {
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> now = admin.listOffsets(latest).all()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            long behind = 0;
            for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
                behind += Math.max(0, now.get(e.getKey()).offset() - e.getValue());
            }
            warned = false;
            return behind;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        } catch (Exception e) {
            if (!warned) {
                warned = true;
                LOG.warn("cannot read the latest offsets of {} for the lag ({}); using Spark's backlog until it works",
                        topic, (e.getCause() == null ? e : e.getCause()).toString());
            }
            return -1;
        }
    }

    private Map<TopicPartition, Long> parse(String endOffsetJson) {
        Map<TopicPartition, Long> ends = new HashMap<>();
        if (endOffsetJson == null) {
            return ends;
        }
        try {
            JsonNode partitions = Json.MAPPER.readTree(endOffsetJson).path(topic);
            partitions.fields().forEachRemaining(e -> ends.put(new TopicPartition(topic, Integer.parseInt(e.getKey())),
                    e.getValue().asLong()));
        } catch (IOException | NumberFormatException e) {
            LOG.debug("end offsets {}: {}", endOffsetJson, e.toString());
        }
        return ends;
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
