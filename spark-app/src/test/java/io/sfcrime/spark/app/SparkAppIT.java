package io.sfcrime.spark.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sfcrime.kafkalocal.junit.KafkaLocalExtension;
import io.sfcrime.spark.report.ExpectedReport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** The whole job against a real broker, drained with --available-now, compared row by row with plain Java. */
class SparkAppIT {
    @RegisterExtension
    static final KafkaLocalExtension KAFKA = new KafkaLocalExtension();

    @TempDir
    Path dir;

    @Test
    void realSampleGivesExactCountsAtAnyBatchSize() throws Exception {
        List<byte[]> values = ItSupport.realSample();
        ItSupport.load(KAFKA.bootstrap(), "real", values);
        ObjectNode expected = ExpectedReport.compute(values, ItSupport.codes());
        assertThat(expected.get("valid_rows").asLong()).isEqualTo(632);
        for (long max : new long[] {100, 0}) {
            JsonNode report = drain("real", "real-" + max, max);
            assertThat(ExpectedReport.differences(report, expected)).as("maxOffsetsPerTrigger %d", max).isNull();
            assertThat(report.get("settings").get("source.maxOffsetsPerTrigger").asText()).isEqualTo(String.valueOf(max));
        }
    }

    @Test
    void generatedFileWithInvalidRecordsInShuffledOrder() throws Exception {
        List<byte[]> values = ItSupport.generated(200_000, 7);
        ItSupport.load(KAFKA.bootstrap(), "gen", values);
        ObjectNode expected = ExpectedReport.compute(values, ItSupport.codes());
        assertThat(expected.get("invalid_rows").asLong()).isEqualTo(4_000);
        JsonNode first = null;
        for (long max : new long[] {70_000, 0}) {
            JsonNode report = drain("gen", "gen-" + max, max);
            assertThat(ExpectedReport.differences(report, expected)).as("maxOffsetsPerTrigger %d", max).isNull();
            long sum = 0;
            for (JsonNode row : report.get("by_window_crime_type")) {
                sum += row.get("count").asLong();
            }
            assertThat(report.get("valid_rows").asLong()).isEqualTo(sum + report.get("late_rows_dropped").asLong());
            first = first == null ? report : first;
        }
        // Every invalid record is in the dead-letter topic with its reason (at least once; a replay may repeat one).
        Map<String, String> reasonByIndex = deadLetterReasons("gen.dlq");
        assertThat(reasonByIndex).hasSize(4_000);
        Map<String, Long> byReason = new HashMap<>();
        reasonByIndex.values().forEach(r -> byReason.merge(r, 1L, Long::sum));
        Map<String, Long> expectedReasons = new HashMap<>();
        expected.get("invalid_by_reason").fields().forEachRemaining(e -> expectedReasons.put(e.getKey(), e.getValue().asLong()));
        assertThat(byReason).isEqualTo(expectedReasons);
    }

    private JsonNode drain(String topic, String name, long max) throws Exception {
        StringBuilder output = new StringBuilder();
        List<String> args = ItSupport.args(KAFKA.bootstrap(), topic, dir, name, ItSupport.tuning(dir, name, max),
                "--available-now");
        int code = ItSupport.runInProcess(args, output);
        assertThat(code).as("exit code; output:%n%s", output).isZero();
        assertThat(output).contains("Spark UI at http://");
        List<String> progress = Files.readAllLines(dir.resolve(name + "-progress.ndjson"));
        assertThat(progress).isNotEmpty().allSatisfy(line -> assertThat(line).startsWith("{").contains("\"batchId\""));
        return ItSupport.read(dir.resolve(name + "-report.json"));
    }

    /** dlq.index → dlq.reason over the whole dead-letter topic (both runs wrote it; the index de-duplicates). */
    private static Map<String, String> deadLetterReasons(String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrap());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        Map<String, String> out = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            c.partitionsFor(topic).forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long deadline = System.currentTimeMillis() + 60_000;
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    Header index = r.headers().lastHeader("dlq.index");
                    Header reason = r.headers().lastHeader("dlq.reason");
                    assertThat(r.headers().lastHeader("dlq.source").value()).isEqualTo("spark-app".getBytes(StandardCharsets.UTF_8));
                    out.put(new String(index.value(), StandardCharsets.UTF_8), new String(reason.value(), StandardCharsets.UTF_8));
                }
            }
        }
        return out;
    }
}
