package io.sfcrime.spark.retune;

import com.fasterxml.jackson.databind.JsonNode;
import io.sfcrime.common.Json;
import io.sfcrime.common.RadioCodes;
import io.sfcrime.common.gen.CallGenerator;
import io.sfcrime.common.tuning.JobQuery;
import io.sfcrime.kafkalocal.junit.KafkaLocalExtension;
import io.sfcrime.spark.app.SparkApp;
import io.sfcrime.spark.app.StopSignal;
import io.sfcrime.spark.report.ExpectedReport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Live retune of a running job through its tuning file, with a real broker and local Spark: a mid-stream change of
 * the batch size and the watermark restarts the queries once and is followed within two batches, nothing is lost
 * or counted twice; a checkpoint-fixed key is refused while the query keeps running; a driver key restarts the
 * SparkSession, which resumes from the checkpoint with the checkpoint's value of the fixed key still refused.
 */
class RetuneIT {
    @RegisterExtension
    static final KafkaLocalExtension KAFKA = new KafkaLocalExtension();
    static final Path ROOT = Path.of(System.getProperty("project.root", "../..")).toAbsolutePath().normalize();
    static final Path RADIO_CODES = ROOT.resolve("data/radio_code.json");
    static final int RECORDS = 200_000;
    static final int EXTRA = 1_000;
    /** A pass-through Spark key: applies with a new SparkSession locally (a new driver on Kubernetes). */
    static final String DRIVER_KEY = "spark.sql.streaming.metricsEnabled: true\n";
    static final String TOPIC = "retune";

    @TempDir
    Path dir;

    @Test
    void batchSizeAndWatermarkFollowTheFileAndCountsStayExact() throws Exception {
        List<byte[]> values = generated(RECORDS + 2 * EXTRA, 23);
        load(values.subList(0, RECORDS));
        Path tuning = dir.resolve("tuning.yaml");
        Path status = dir.resolve("status.json");
        Path progress = dir.resolve("progress.ndjson");
        Path report = dir.resolve("report.json");
        writeAtomically(tuning, tuningYaml(1_000, "1 day", 2));

        StopSignal stop = new StopSignal();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);
        List<String> args = List.of("--bootstrap", KAFKA.bootstrap(), "--topic", TOPIC,
                "--results-topic", TOPIC + ".results", "--dead-letter-topic", TOPIC + ".dlq",
                "--radio-codes", RADIO_CODES.toString(), "--checkpoint", dir.resolve("checkpoint").toString(),
                "--tuning", tuning.toString(), "--report", report.toString(), "--progress-file", progress.toString(),
                "--status-file", status.toString(), "--ui-port", "0", "--master", "local[2]");
        CompletableFuture<Integer> app = CompletableFuture.supplyAsync(() ->
                new CommandLine(new SparkApp(out, out, stop)).execute(args.toArray(String[]::new)));
        try {
            // 1. Small batches first.
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100))
                    .failFast(app::isDone).until(() -> countsBatches(progress).size() >= 3);

            // 2. Mid-stream: 20x larger batches and another watermark (still longer than the data's 8 hours, so no row
            //    is late and the counts must stay exact).
            Instant edited = Instant.now();
            writeAtomically(tuning, tuningYaml(20_000, "20 hours", 2));
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100)).failFast(app::isDone)
                    .until(() -> "20000".equals(read(status).path("applied").path("source.maxOffsetsPerTrigger").asText()));
            JsonNode afterChange = read(status);
            Instant applied = Instant.parse(afterChange.get("last_change").get("at").asText());
            assertThat(afterChange.get("applied").get("query.watermarkDelay").asText()).isEqualTo("20 hours");
            assertThat(afterChange.get("query_restarts").asLong()).isEqualTo(1);
            assertThat(afterChange.get("rejected").size()).isZero();

            // 3. Drained: every record counted.
            await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(200)).failFast(app::isDone)
                    .until(() -> countsBatches(progress).values().stream().mapToLong(Long::longValue).sum() >= RECORDS);

            // The conditions and the autoscaler, from the real batches: the lag is measured against the topic after
            // each batch and is back under the threshold once drained; local mode is said, nothing is scaled.
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200)).failFast(app::isDone)
                    .until(() -> "False".equals(condition(read(status), "Lagging").path("status").asText()));
            JsonNode drained = read(status);
            assertThat(condition(drained, "Ready").path("status").asText()).isEqualTo("True");
            assertThat(condition(drained, "Progressing").path("status").asText()).isEqualTo("True");
            assertThat(condition(drained, "TuningApplied").path("reason").asText()).isEqualTo("Applied");
            assertThat(condition(drained, "TuningRejected").path("status").asText()).isEqualTo("False");
            assertThat(condition(drained, "AutoscalerActive").path("reason").asText()).isEqualTo("NoExecutors");
            assertThat(drained.path("autoscaler").path("state").asText()).isEqualTo("NoExecutors");
            assertThat(drained.path("autoscaler").path("running_executors").isNull()).isTrue();
            assertThat(drained.path("autoscaler").path("scaled_up").asLong()).isZero();
            assertThat(drained.path("autoscaler").path("last_batch").asText()).startsWith("batch ");

            // 4. A checkpoint-fixed key: refused in the status, and the query keeps counting new records.
            writeAtomically(tuning, tuningYaml(20_000, "20 hours", 8));
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(100)).failFast(app::isDone)
                    .until(() -> read(status).path("rejected").has("spark.sql.shuffle.partitions"));
            JsonNode refused = read(status);
            assertThat(refused.get("rejected").get("spark.sql.shuffle.partitions").asText())
                    .contains("fixed by the checkpoint").contains("new --checkpoint");
            assertThat(refused.get("applied").get("spark.sql.shuffle.partitions").asText()).isEqualTo("2");
            assertThat(refused.get("query_restarts").asLong()).isEqualTo(1);
            assertThat(condition(refused, "TuningRejected").path("reason").asText()).isEqualTo("KeysRejected");
            load(values.subList(RECORDS, RECORDS + EXTRA));
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).failFast(app::isDone)
                    .until(() -> countsBatches(progress).values().stream().mapToLong(Long::longValue).sum()
                            >= RECORDS + EXTRA);
            assertThat(read(status).get("last_progress").get("batch_id").asLong())
                    .isGreaterThan(refused.get("last_progress").get("batch_id").asLong());

            // 5. A driver key, with the refused shuffle partitions still in the file: locally the job restarts its
            //    SparkSession and resumes from the checkpoint; the new session runs with the checkpoint's value,
            //    and the file's is still listed as refused with the reason.
            Instant sessionEdit = Instant.now();
            writeAtomically(tuning, tuningYaml(20_000, "20 hours", 8) + DRIVER_KEY);
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100)).failFast(app::isDone)
                    .until(() -> read(status).path("restarts").path("session").asLong() == 1);
            JsonNode restarted = read(status);
            assertThat(restarted.get("applied").get("spark.sql.streaming.metricsEnabled").asText()).isEqualTo("true");
            assertThat(restarted.get("applied").get("spark.sql.shuffle.partitions").asText())
                    .as("applied after the session restart: the checkpoint's value").isEqualTo("2");
            assertThat(restarted.get("rejected").fieldNames()).toIterable()
                    .containsExactly("spark.sql.shuffle.partitions");
            assertThat(restarted.get("rejected").get("spark.sql.shuffle.partitions").asText())
                    .contains("fixed by the checkpoint").contains("new --checkpoint");
            load(values.subList(RECORDS + EXTRA, RECORDS + 2 * EXTRA));
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).failFast(app::isDone)
                    .until(() -> countsBatches(progress).values().stream().mapToLong(Long::longValue).sum()
                            >= RECORDS + 2 * EXTRA);
            assertThat(output.toString(StandardCharsets.UTF_8)).contains("restarting the SparkSession");
            // Spark itself ran the restarted session with the checkpoint's layout: the state of every stateful
            // operator is in exactly the 2 partitions the checkpoint was created with, none in an 8-way layout.
            try (Stream<Path> operators = Files.list(dir.resolve("checkpoint/counts/state"))) {
                for (Path operator : operators.toList()) {
                    try (Stream<Path> partitions = Files.list(operator)) {
                        // Beside the partitions, Spark keeps the state schema in _metadata.
                        assertThat(partitions.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith("_")))
                                .as("state partitions of %s", operator).containsExactlyInAnyOrder("0", "1");
                    }
                }
            }

            stop.request();
            assertThat(app.get(3, TimeUnit.MINUTES)).as("exit code; output:%n%s", output).isZero();

            // Batch sizes: at most 1000 before the edit; the restarted query (a new runId) reads 20000 from its first
            // batch. Between the edit and the restart, batches of the old size may still run: how many depends on how
            // fast batches are, so it is printed, not asserted.
            List<JsonNode> batches = countsProgress(progress);
            List<JsonNode> afterEdit = batches.stream()
                    .filter(b -> Instant.parse(b.get("timestamp").asText()).isAfter(edited)
                            && b.get("numInputRows").asLong() > 0).toList();
            int followedAt = -1;
            for (int i = 0; i < afterEdit.size(); i++) {
                if (afterEdit.get(i).get("numInputRows").asLong() > 1_000) {
                    followedAt = i;
                    break;
                }
            }
            System.out.printf("RetuneIT: edit -> applied %d ms; batches after the edit until 20000-row batches: %d; "
                            + "batches: %d%n", Duration.between(edited, applied).toMillis(), followedAt,
                    batches.size());
            String firstRun = batches.get(0).get("runId").asText();
            JsonNode firstOfRestart = afterEdit.stream().filter(b -> !b.get("runId").asText().equals(firstRun))
                    .findFirst().orElseThrow(() -> new AssertionError("no batch of the restarted query: " + afterEdit));
            // The Kafka source splits the limit over the partitions, rounding down.
            assertThat(firstOfRestart.get("numInputRows").asLong()).as("first batch of the restarted query: %s",
                    afterEdit).isBetween(19_990L, 20_000L);
            assertThat(batches.stream().filter(b -> Instant.parse(b.get("timestamp").asText()).isBefore(edited)))
                    .allSatisfy(b -> assertThat(b.get("numInputRows").asLong()).isLessThanOrEqualTo(1_000));
            // One query restart for the first change: the counts query ran twice before the session restart, not more.
            assertThat(batches.stream().filter(b -> Instant.parse(b.get("timestamp").asText()).isBefore(sessionEdit))
                    .map(b -> b.get("runId").asText()).distinct()).hasSize(2);
        } finally {
            stop.request();
            app.get(3, TimeUnit.MINUTES);
        }

        // Exactly the expected counts: nothing lost, nothing counted twice across the restart.
        JsonNode expected = ExpectedReport.compute(values, RadioCodes.load(RADIO_CODES));
        assertThat(ExpectedReport.differences(Json.MAPPER.readTree(report.toFile()), expected)).isNull();
    }

    private static String tuningYaml(long maxOffsets, String watermark, int shufflePartitions) {
        return "spark.sql.shuffle.partitions: " + shufflePartitions + "\n"
                + "source.maxOffsetsPerTrigger: " + maxOffsets + "\n"
                + "query.watermarkDelay: \"" + watermark + "\"\n"
                + "console.topN: 0\n"
                // On local[2] the autoscaler has no executors to scale: it measures and records only.
                + "autoscale.enabled: true\n";
    }

    private static JsonNode condition(JsonNode status, String type) {
        for (JsonNode c : status.path("conditions")) {
            if (type.equals(c.path("type").asText())) {
                return c;
            }
        }
        return Json.MAPPER.createObjectNode();
    }

    private static void writeAtomically(Path file, String text) throws Exception {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static JsonNode read(Path status) throws Exception {
        return Files.exists(status) ? Json.MAPPER.readTree(status.toFile()) : Json.MAPPER.createObjectNode();
    }

    /** Progress of the counts query, the last report per batch id (a batch interrupted by a stop is replayed). */
    private static List<JsonNode> countsProgress(Path progress) throws Exception {
        Map<Long, JsonNode> byBatch = new TreeMap<>();
        if (Files.exists(progress)) {
            for (String line : Files.readAllLines(progress)) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode p = Json.MAPPER.readTree(line);
                if (JobQuery.COUNTS.queryName().equals(p.path("name").asText())) {
                    byBatch.put(p.get("batchId").asLong(), p);
                }
            }
        }
        return new ArrayList<>(byBatch.values());
    }

    private static Map<Long, Long> countsBatches(Path progress) throws Exception {
        Map<Long, Long> rows = new TreeMap<>();
        for (JsonNode p : countsProgress(progress)) {
            if (p.get("numInputRows").asLong() > 0) {
                rows.put(p.get("batchId").asLong(), p.get("numInputRows").asLong());
            }
        }
        return rows;
    }

    static List<byte[]> generated(int count, long seed) {
        CallGenerator gen = new CallGenerator(CallGenerator.Options.defaults().withCount(count).withSeed(seed)
                .withFormat(CallGenerator.Format.NDJSON).withOrder(CallGenerator.Order.SHUFFLED)
                .withInvalidFraction(0.02));
        List<byte[]> values = new ArrayList<>(count);
        for (long i = 0; i < count; i++) {
            values.add(gen.recordBytes(i));
        }
        return values;
    }

    /** Raw values with a plain producer (invalid records included: the job must dead-letter them itself). */
    private static void load(List<byte[]> values) throws Exception {
        Properties ap = new Properties();
        ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrap());
        try (Admin admin = Admin.create(ap)) {
            if (!admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(TOPIC)) {
                admin.createTopics(Set.of(new NewTopic(TOPIC, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
        }
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrap());
        p.put(ProducerConfig.LINGER_MS_CONFIG, "10");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (byte[] v : values) {
                producer.send(new ProducerRecord<>(TOPIC, v));
            }
            producer.flush();
        }
    }

}
