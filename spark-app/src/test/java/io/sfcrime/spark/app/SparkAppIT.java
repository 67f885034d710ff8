package io.sfcrime.spark.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sfcrime.common.Json;
import io.sfcrime.kafkalocal.junit.KafkaLocalExtension;
import io.sfcrime.spark.report.ExpectedReport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
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
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

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

    /**
     * --operator-metrics-file: a line per batch of the job's one query (the counts; the dead letters are written from
     * its scan, no query of their own); each batch with data has the sink's own timings, its Kafka write and a state
     * store; its Kafka scans read every input row once, so the input topic is read once.
     */
    private static void assertOperatorMetrics(Path file, long inputRows) throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        for (String l : Files.readAllLines(file)) {
            lines.add(Json.MAPPER.readTree(l));
        }
        assertThat(lines).isNotEmpty().extracting(l -> l.get("query").asText()).containsOnly("calls-counts");
        long scanned = 0;
        int withData = 0;
        for (JsonNode line : lines) {
            long rows = 0;
            boolean write = false;
            boolean state = false;
            for (JsonNode n : line.get("nodes")) {
                String name = n.get("name").asText();
                if (name.equals("MicroBatchScan")) {
                    assertThat(n.get("category").asText()).isEqualTo("kafka_read");
                    rows += n.get("metrics").path("number of output rows").asLong();
                }
                write |= n.get("category").asText().equals("kafka_write");
                state |= name.equals("StateStoreSave") && n.get("metrics").has("number of total state rows");
            }
            scanned += rows;
            if (rows > 0) {
                withData++;
                assertThat(write).as("a Kafka write node in batch %s", line.get("batch_id")).isTrue();
                assertThat(state).as("state store metrics in batch %s", line.get("batch_id")).isTrue();
                assertThat(line.get("driver_ms").fieldNames()).toIterable()
                        .contains("kafka_write_action", "collect", "fold", "snapshot", "total");
                // The JVM's work during the batch: a batch with data uses some CPU (its tasks run in this JVM).
                // On Linux also the CPU of the compiler, GC and executor task threads, from /proc.
                assertThat(line.get("jvm_ms").fieldNames()).toIterable()
                        .containsExactly("jit_compile", "gc_pause", "process_cpu", "jit_cpu", "gc_cpu", "task_cpu");
                assertThat(line.get("jvm_ms").get("process_cpu").asLong()).isPositive();
                assertThat(line.get("jvm_ms").get("jit_compile").asLong()).isNotNegative();
                assertThat(line.get("jvm_ms").get("jit_cpu").asLong()).isNotNegative();
                assertThat(line.get("jvm_ms").get("task_cpu").asLong())
                        .isNotNegative().isLessThanOrEqualTo(line.get("jvm_ms").get("process_cpu").asLong() + 20);
            }
        }
        assertThat(scanned).isEqualTo(inputRows);
        assertThat(withData).isGreaterThan(1);
    }

    @Test
    void generatedFileWithInvalidRecordsInShuffledOrder() throws Exception {
        List<byte[]> values = ItSupport.generated(200_000, 7);
        ItSupport.load(KAFKA.bootstrap(), "gen", values);
        ObjectNode expected = ExpectedReport.compute(values, ItSupport.codes());
        // What the generator made invalid, and why: independent of the validator the job and the expected report use.
        Map<String, String> reasonByKey = ItSupport.expectedReasons(200_000, 7);
        assertThat(reasonByKey).hasSize(4_000);
        Map<String, Long> expectedReasons = new TreeMap<>();
        reasonByKey.values().forEach(r -> expectedReasons.merge(r, 1L, Long::sum));
        assertThat(expected.get("invalid_rows").asLong()).isEqualTo(4_000);
        JsonNode first = null;
        for (long max : new long[] {70_000, 0}) {
            JsonNode report = drain("gen", "gen-" + max, max);
            assertThat(ExpectedReport.differences(report, expected)).as("maxOffsetsPerTrigger %d", max).isNull();
            Map<String, Long> reported = new TreeMap<>();
            report.get("invalid_by_reason").fields().forEachRemaining(e -> reported.put(e.getKey(), e.getValue().asLong()));
            assertThat(reported).as("invalid_by_reason, maxOffsetsPerTrigger %d", max).isEqualTo(expectedReasons);
            long sum = 0;
            for (JsonNode row : report.get("by_window_crime_type")) {
                sum += row.get("count").asLong();
            }
            assertThat(report.get("valid_rows").asLong()).isEqualTo(sum + report.get("late_rows_dropped").asLong());
            first = first == null ? report : first;
        }
        // Every invalid record is in the dead-letter topic under its own key with the generator's reason, once per
        // run at least (the sink is at-least-once: a replay may repeat one, but never with another reason or index).
        Map<String, List<DeadLetterSeen>> byKey = new TreeMap<>();
        for (DeadLetterSeen d : deadLetters("gen.dlq")) {
            byKey.computeIfAbsent(d.key(), k -> new ArrayList<>()).add(d);
        }
        assertThat(byKey.keySet()).isEqualTo(reasonByKey.keySet());
        byKey.forEach((key, seen) -> {
            assertThat(seen).as("dead letters of key %s", key).hasSizeGreaterThanOrEqualTo(2)
                    .allSatisfy(d -> assertThat(d.reason()).as("reason of key %s", key).isEqualTo(reasonByKey.get(key)));
            assertThat(seen.stream().map(DeadLetterSeen::index).distinct()).as("index of key %s", key).hasSize(1);
        });
        // The job created its output topics like the chart does: results compacted, dead letters kept 7 days.
        assertThat(topicConfig("gen.results", "cleanup.policy")).isEqualTo("compact");
        assertThat(topicConfig("gen.dlq", "retention.ms")).isEqualTo("604800000");
        // The results sink keeps only the snapshots of the last batch and of the one before it.
        try (var files = Files.list(dir.resolve("gen-0-checkpoint/counts/sink-totals"))) {
            assertThat(files.map(f -> f.getFileName().toString())).hasSizeBetween(1, 2)
                    .allMatch(n -> n.matches("\\d+\\.json"));
        }
    }

    @Test
    void twoCheckpointsSharingOneResultsTopicEachReportOnlyTheirOwnSlice() throws Exception {
        // Two jobs, each with its own checkpoint and input slice, write one results topic: each report must fold only
        // its own query's records. The slices overlap in windows and crime types, so a fold of both would differ.
        List<byte[]> values = ItSupport.generated(20_000, 31);
        List<byte[]> first = values.subList(0, 8_000);
        List<byte[]> second = values.subList(8_000, values.size());
        ItSupport.load(KAFKA.bootstrap(), "slice-a", first);
        ItSupport.load(KAFKA.bootstrap(), "slice-b", second);
        ObjectNode expectedFirst = ExpectedReport.compute(first, ItSupport.codes());
        ObjectNode expectedSecond = ExpectedReport.compute(second, ItSupport.codes());

        // The second job also records its operator metrics, in batches of 3,000: its counts must not change.
        Path operators = dir.resolve("slice-b-operators.jsonl");
        drain("slice-a", "shared.results", "slice-a", 0);
        JsonNode secondReport = drain("slice-b", "shared.results", "slice-b", 3_000, "--operator-metrics-file",
                operators.toString());
        assertOperatorMetrics(operators, second.size());
        assertThat(ExpectedReport.differences(secondReport, expectedSecond)).as("second slice").isNull();
        // Run the first job again from its checkpoint (nothing new to read): its report now folds a topic that holds
        // both jobs' results, and must still be its slice alone.
        JsonNode firstReport = drain("slice-a", "shared.results", "slice-a", 0);
        assertThat(ExpectedReport.differences(firstReport, expectedFirst)).as("first slice, after the second").isNull();
    }

    private static String topicConfig(String topic, String key) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrap()))) {
            ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            return admin.describeConfigs(List.of(r)).all().get().get(r).get(key).value();
        }
    }

    private JsonNode drain(String topic, String name, long max) throws Exception {
        return drain(topic, topic + ".results", name, max);
    }

    private JsonNode drain(String topic, String resultsTopic, String name, long max, String... extra) throws Exception {
        StringBuilder output = new StringBuilder();
        List<String> args = ItSupport.args(KAFKA.bootstrap(), topic, resultsTopic, dir, name,
                ItSupport.tuning(dir, name, max), "--available-now");
        args.addAll(List.of(extra));
        int code = ItSupport.runInProcess(args, output);
        assertThat(code).as("exit code; output:%n%s", output).isZero();
        assertThat(output).contains("Spark UI at http://");
        List<String> progress = Files.readAllLines(dir.resolve(name + "-progress.ndjson"));
        assertThat(progress).isNotEmpty().allSatisfy(line -> assertThat(line).startsWith("{").contains("\"batchId\""));
        return ItSupport.read(dir.resolve(name + "-report.json"));
    }

    record DeadLetterSeen(String key, String reason, String index) {
    }

    /** Every record of the dead-letter topic, none merged away (both runs wrote it). */
    private static List<DeadLetterSeen> deadLetters(String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrap());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<DeadLetterSeen> out = new ArrayList<>();
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
                    out.add(new DeadLetterSeen(new String(r.key(), StandardCharsets.UTF_8),
                            new String(reason.value(), StandardCharsets.UTF_8),
                            new String(index.value(), StandardCharsets.UTF_8)));
                }
            }
        }
        return out;
    }
}
