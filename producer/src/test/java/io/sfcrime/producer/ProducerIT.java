package io.sfcrime.producer;

import com.fasterxml.jackson.databind.JsonNode;
import io.sfcrime.common.CallFields;
import io.sfcrime.common.DeadLetter;
import io.sfcrime.common.Json;
import io.sfcrime.common.RealData;
import io.sfcrime.common.RecordValidator;
import io.sfcrime.common.gen.CallGenerator;
import io.sfcrime.kafkalocal.junit.KafkaLocalExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The producer against a real single-node broker (kafka-local as a child process). */
class ProducerIT {
    @RegisterExtension
    static final KafkaLocalExtension KAFKA = new KafkaLocalExtension();

    @TempDir
    Path dir;

    final StringWriter err = new StringWriter();

    int produce(String... args) {
        List<String> all = new ArrayList<>(List.of("--bootstrap", KAFKA.bootstrap(), "--progress-interval", "0"));
        all.addAll(List.of(args));
        return ProducerCli.run(new PrintWriter(System.out, true), new PrintWriter(err, true),
                all.toArray(String[]::new));
    }

    /** Everything on the topic, read from the beginning until {@code expected} records arrived and then quiet. */
    static List<ConsumerRecord<String, byte[]>> consumeAll(String topic, long expected) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrap());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            int quietPolls = 0;
            // Keep polling a little after the expected count so duplicates would show up too.
            while (System.nanoTime() < deadline && (out.size() < expected || quietPolls < 3)) {
                int before = out.size();
                c.poll(Duration.ofMillis(500)).forEach(out::add);
                quietPolls = out.size() == before && out.size() >= expected ? quietPolls + 1 : 0;
            }
        }
        return out;
    }

    static String header(ConsumerRecord<String, byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    static JsonNode summary(Path file) throws IOException {
        return Json.MAPPER.readTree(file.toFile());
    }

    @Test
    void realPublicSampleArrivesCompleteKeyedByCrimeId() throws IOException {
        Path sample = RealData.require(RealData.SAMPLE);
        // Expected ids, computed independently of the producer: Jackson reads the whole (small) array.
        List<String> expected = new ArrayList<>();
        long invalid = 0;
        for (JsonNode n : Json.MAPPER.readTree(sample.toFile())) {
            if (RecordValidator.validate(n) == null) {
                expected.add(n.get(CallFields.CRIME_ID).asText());
            } else {
                invalid++;
            }
        }
        assertThat(expected).hasSize(632);
        Path summary = dir.resolve("summary.json");

        int code = produce("--input", sample.toString(), "--topic", "sample", "--dead-letter-topic", "sample.dlq",
                "--summary-json", summary.toString());

        assertThat(code).as(err.toString()).isZero();
        List<ConsumerRecord<String, byte[]>> got = consumeAll("sample", expected.size());
        assertThat(got).extracting(ConsumerRecord::key).containsExactlyInAnyOrderElementsOf(expected);
        for (ConsumerRecord<String, byte[]> r : got) {
            JsonNode value = Json.MAPPER.readTree(r.value());
            assertThat(value.get(CallFields.CRIME_ID).asText()).isEqualTo(r.key());
            assertThat(value.size()).isEqualTo(14);
            assertThat(new String(r.value(), StandardCharsets.UTF_8)).doesNotContain("\n");
        }
        assertThat(summary(summary).get("read").asLong()).isEqualTo(expected.size() + invalid);
        assertThat(summary(summary).get("sent").asLong()).isEqualTo(expected.size());
        assertThat(summary(summary).get("invalid").asLong()).isEqualTo(invalid);
    }

    @Test
    void generatedFileWithTwoPercentInvalidSplitsExactlyIntoTopicAndDeadLetters() throws Exception {
        int count = 100_000;
        CallGenerator gen = new CallGenerator(CallGenerator.Options.defaults().withCount(count)
                .withInvalidFraction(0.02).withSeed(11).withOrder(CallGenerator.Order.SHUFFLED));
        Path input = dir.resolve("calls.json");
        gen.write(input);
        List<String> validIds = new ArrayList<>();
        Map<String, String> invalidReasons = new HashMap<>();
        for (long i = 0; i < count; i++) {
            String reason = gen.expectedReasonAt(i);
            if (reason == null) {
                validIds.add(gen.fieldsAt(i).get(CallFields.CRIME_ID));
            } else {
                invalidReasons.put(Long.toString(i), reason);
            }
        }
        assertThat(invalidReasons).hasSize((int) gen.invalidCount()).hasSize(2000);
        Path summary = dir.resolve("summary.json");

        int code = produce("--input", input.toString(), "--topic", "gen", "--dead-letter-topic", "gen.dlq",
                "--summary-json", summary.toString());

        assertThat(code).as(err.toString()).isZero();
        assertThat(consumeAll("gen", validIds.size())).extracting(ConsumerRecord::key)
                .containsExactlyInAnyOrderElementsOf(validIds);
        Map<String, String> dead = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : consumeAll("gen.dlq", invalidReasons.size())) {
            assertThat(dead.put(header(r, DeadLetter.INDEX), header(r, DeadLetter.REASON)))
                    .as("index %s dead-lettered twice", header(r, DeadLetter.INDEX)).isNull();
            assertThat(header(r, DeadLetter.SOURCE)).isEqualTo("producer");
            assertThat(header(r, DeadLetter.ORIGIN)).isEqualTo(input.toString());
            assertThat(header(r, DeadLetter.MESSAGE)).isNotBlank();
        }
        assertThat(dead).isEqualTo(invalidReasons);
        JsonNode s = summary(summary);
        assertThat(s.get("read").asLong()).isEqualTo(count);
        assertThat(s.get("sent").asLong()).isEqualTo(validIds.size());
        assertThat(s.get("invalid").asLong()).isEqualTo(invalidReasons.size());
        // Both topics were created with the chart's retention of 7 days.
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrap()))) {
            for (String topic : List.of("gen", "gen.dlq")) {
                ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
                assertThat(admin.describeConfigs(List.of(r)).all().get().get(r).get("retention.ms").value())
                        .as(topic).isEqualTo("604800000");
            }
        }
    }

    @Test
    void brokerRestartedMidRunLeavesEveryValidRecordExactlyOnce() throws Exception {
        int count = 20_000;
        CallGenerator gen = new CallGenerator(CallGenerator.Options.defaults().withCount(count).withSeed(5)
                .withFormat(CallGenerator.Format.NDJSON));
        Path input = dir.resolve("calls.ndjson");
        gen.write(input);
        List<String> ids = new ArrayList<>();
        for (long i = 0; i < count; i++) {
            ids.add(gen.fieldsAt(i).get(CallFields.CRIME_ID));
        }
        Path summary = dir.resolve("summary.json");

        // 20,000 records at 2,000/s take about 10 s. The broker goes down once records are flowing (at least
        // 2,000 on the topic) and comes back 3 s later, while the producer keeps reading and retrying.
        CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> produce("--input", input.toString(),
                "--topic", "restart", "--dead-letter-topic", "restart.dlq", "--rate", "2000",
                "--summary-json", summary.toString()));
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                .until(() -> run.isDone() || recordsOn("restart") >= 2000);
        assertThat(run).as("the run ended before the broker could be restarted: " + err).isNotDone();
        long before = recordsOn("restart");
        KAFKA.stop();
        Thread.sleep(3000);
        KAFKA.start();
        int code = run.get(4, TimeUnit.MINUTES);

        assertThat(code).as(err.toString()).isZero();
        assertThat(before).isLessThan(count);
        List<ConsumerRecord<String, byte[]>> got = consumeAll("restart", count);
        assertThat(got).extracting(ConsumerRecord::key).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(summary(summary).get("sent").asLong()).isEqualTo(count);
    }

    /** Records on a topic so far (sum of end offsets), 0 while it does not exist yet. */
    static long recordsOn(String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrap());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p)) {
            var infos = c.listTopics(Duration.ofSeconds(10)).get(topic);
            if (infos == null) {
                return 0;
            }
            List<TopicPartition> parts = infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            return c.endOffsets(parts, Duration.ofSeconds(10)).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    @Test
    void launcherReportsAnUnreachableBrokerWithAClearMessageAndNoStackTrace() throws Exception {
        Path launcher = Path.of(System.getProperty("project.root", "."), "bin", "producer");
        Path input = Files.writeString(dir.resolve("in.json"), "[]");
        Process p = new ProcessBuilder(launcher.toString(), "--input", input.toString(),
                "--bootstrap", "127.0.0.1:1", "--connect-timeout-ms", "2000")
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isEqualTo(ProducerCli.EXIT_BROKER_UNREACHABLE);
        assertThat(output).contains("cannot reach a Kafka broker at 127.0.0.1:1").doesNotContain("\tat ");
    }

    @Test
    void missingTopicWithNoCreateTopicsIsAClearErrorNotAHang() throws IOException {
        Path input = Files.writeString(dir.resolve("in.json"), "[" + CallProducerTest.record("1") + "]");
        int code = produce("--input", input.toString(), "--topic", "absent", "--dead-letter-topic", "absent.dlq",
                "--no-create-topics");
        assertThat(code).isEqualTo(ProducerCli.EXIT_INPUT);
        assertThat(err.toString()).contains("[absent, absent.dlq] do not exist", "--no-create-topics");
    }

    /** The chart's install order: the producer starts before the topic operator has created its topics. */
    @Test
    void waitForTopicsWaitsUntilTheTopicsAppearThenSends() throws Exception {
        Path input = Files.writeString(dir.resolve("in.json"), "[" + CallProducerTest.record("1") + "]");
        java.util.concurrent.CompletableFuture<Integer> run = java.util.concurrent.CompletableFuture.supplyAsync(() ->
                produce("--input", input.toString(), "--topic", "later", "--dead-letter-topic", "later.dlq",
                        "--no-create-topics", "--wait-for-topics", "120"));
        await().atMost(java.time.Duration.ofSeconds(60)).until(() -> err.toString().contains("missing [later, later.dlq]"));
        assertThat(run).isNotDone();
        try (org.apache.kafka.clients.admin.Admin admin = ProducerClients.newAdmin(KAFKA.bootstrap(), 10_000)) {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic("later", 1, (short) 1),
                    new org.apache.kafka.clients.admin.NewTopic("later.dlq", 1, (short) 1))).all().get();
        }
        assertThat(run.get(90, TimeUnit.SECONDS)).as(err.toString()).isEqualTo(ProducerCli.EXIT_OK);
        assertThat(err.toString()).contains("topics [later, later.dlq] exist");
        assertThat(consumeAll("later", 1)).hasSize(1);
    }

    @Test
    void waitOnlyGivesUpAfterItsBoundWithTheMissingTopicsNamed() {
        int code = produce("--wait-only", "--wait-for-topics", "2", "--require-topic", "never",
                "--require-topic", "calls-x");
        assertThat(code).isEqualTo(ProducerCli.EXIT_INPUT);
        assertThat(err.toString()).contains("topics [never, calls-x] still not there after waiting 2 s",
                "missing [never, calls-x]");
        assertThat(produce("--wait-only", "--require-topic", "x")).isEqualTo(ProducerCli.EXIT_USAGE);
    }
}
