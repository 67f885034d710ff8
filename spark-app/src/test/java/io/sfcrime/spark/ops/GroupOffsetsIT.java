package io.sfcrime.spark.ops;

import io.sfcrime.common.metrics.JobMetrics;
import io.sfcrime.common.tuning.JobQuery;
import io.sfcrime.kafkalocal.junit.KafkaLocalExtension;
import io.sfcrime.spark.app.ItSupport;
import io.sfcrime.spark.metrics.JobMetricSet;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Consumer-group commits against a real broker, without Spark: what is committed, when, and what a failure does. */
class GroupOffsetsIT {
    @RegisterExtension
    static final KafkaLocalExtension KAFKA = new KafkaLocalExtension();

    @Test
    void commitsWhatEachBatchProcessedAndMeasuresTheLag() throws Exception {
        List<byte[]> values = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            values.add(("{\"n\":" + i + "}").getBytes());
        }
        ItSupport.load(KAFKA.bootstrap(), "offsets", values);
        JobMetricSet metrics = new JobMetricSet();
        try (GroupOffsets offsets = new GroupOffsets(KAFKA.bootstrap(), "offsets", "no-offsets", metrics)) {
            // Progress of a batch that read nothing of this topic (no end offsets for it): nothing to commit.
            offsets.batchCompleted(JobQuery.COUNTS, "{\"other\":{\"0\":3,\"1\":4}}");
            offsets.batchCompleted(JobQuery.COUNTS, null);
        }
        assertThat(committed("no-offsets")).as("a batch without offsets of the topic commits nothing").isEmpty();
        assertThat(metrics.value(JobMetrics.OFFSET_COMMITS, null)).isZero();

        // The job has one query: each of its batches commits what it processed, without waiting for another.
        try (GroupOffsets offsets = new GroupOffsets(KAFKA.bootstrap(), "offsets", "job", metrics)) {
            offsets.batchCompleted(JobQuery.COUNTS, "{\"offsets\":{\"0\":3,\"1\":6}}");
        }
        assertThat(committed("job")).isEqualTo(Map.of(0, 3L, 1, 6L));
        Map<Integer, Long> ends = ends();
        assertThat(ends.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(40);
        assertThat(metrics.value(JobMetrics.INPUT_LAG, "0")).isEqualTo(ends.get(0) - 3);
        assertThat(metrics.value(JobMetrics.INPUT_LAG, "1")).isEqualTo(ends.get(1) - 6);
        assertThat(metrics.value(JobMetrics.OFFSET_COMMITS, null)).isEqualTo(1);
        assertThat(metrics.value(JobMetrics.OFFSET_COMMIT_FAILURES, null)).isZero();

        // The next batch moves the group on (as after a restart of the job: a new instance, same group).
        try (GroupOffsets offsets = new GroupOffsets(KAFKA.bootstrap(), "offsets", "job", metrics)) {
            offsets.batchCompleted(JobQuery.COUNTS, "{\"offsets\":{\"0\":" + ends.get(0) + ",\"1\":9}}");
        }
        assertThat(committed("job")).isEqualTo(Map.of(0, ends.get(0), 1, 9L));
        assertThat(metrics.value(JobMetrics.INPUT_LAG, "0")).isZero();
        assertThat(metrics.value(JobMetrics.INPUT_LAG, "1")).isEqualTo(ends.get(1) - 9);
        assertThat(metrics.value(JobMetrics.OFFSET_COMMITS, null)).isEqualTo(2);
        assertThat(metrics.value(JobMetrics.OFFSET_COMMIT_FAILURES, null)).isZero();
    }

    @Test
    void aFailedCommitIsCountedAndNotThrown() {
        JobMetricSet metrics = new JobMetricSet();
        // Nothing listens on port 9: every Kafka call times out.
        try (GroupOffsets offsets = new GroupOffsets("127.0.0.1:9", "offsets", "nowhere", metrics)) {
            offsets.batchCompleted(JobQuery.COUNTS, "{\"offsets\":{\"0\":1}}");
        }
        assertThat(metrics.value(JobMetrics.OFFSET_COMMIT_FAILURES, null)).isEqualTo(1);
        assertThat(metrics.value(JobMetrics.OFFSET_COMMITS, null)).isZero();
    }

    private static Admin admin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrap());
        return Admin.create(p);
    }

    private static Map<Integer, Long> committed(String group) throws Exception {
        try (Admin admin = admin()) {
            Map<TopicPartition, OffsetAndMetadata> c = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            Map<Integer, Long> out = new java.util.HashMap<>();
            c.forEach((tp, o) -> out.put(tp.partition(), o.offset()));
            return out;
        }
    }

    private static Map<Integer, Long> ends() throws Exception {
        try (Admin admin = admin()) {
            Map<Integer, Long> out = new java.util.HashMap<>();
            admin.listOffsets(Map.of(new TopicPartition("offsets", 0), org.apache.kafka.clients.admin.OffsetSpec.latest(),
                            new TopicPartition("offsets", 1), org.apache.kafka.clients.admin.OffsetSpec.latest()))
                    .all().get(30, TimeUnit.SECONDS).forEach((tp, i) -> out.put(tp.partition(), i.offset()));
            return out;
        }
    }
}
