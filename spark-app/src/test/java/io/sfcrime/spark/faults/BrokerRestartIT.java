package io.sfcrime.spark.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sfcrime.common.DeadLetter;
import io.sfcrime.common.Json;
import io.sfcrime.common.tuning.JobQuery;
import io.sfcrime.kafkalocal.junit.KafkaLocalExtension;
import io.sfcrime.spark.app.ItSupport;
import io.sfcrime.spark.report.ExpectedReport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Injected: kafka-local stopped (SIGTERM) and restarted while bin/producer sends at a fixed rate, then killed
 * (SIGKILL) and restarted while a continuous bin/spark-app is still working through its backlog; the spark-app is
 * then stopped with SIGTERM and drained from its checkpoint. Verified: the producer exits 0 and the topic holds every
 * valid record exactly once (idempotent retries, no duplicates); its dead-letter topic holds exactly the invalid ones
 * with their reasons; spark-app exits 0 after riding out the restart; the final report equals the counts computed in
 * plain Java from the input.
 */
class BrokerRestartIT {
    @RegisterExtension
    static final KafkaLocalExtension KAFKA = new KafkaLocalExtension()
            .withJvmOptions(KafkaLocalExtension.QUICK_START_JVM_OPTIONS);
    private static final int RECORDS = 20_000;
    private static final String TOPIC = "restart-calls";

    static {
        Faults.preload();
    }

    @TempDir
    Path dir;

    @Test
    void brokerRestartsWhileProducingAndWhileSparkReadsLoseAndDuplicateNothing() throws Exception {
        List<byte[]> values = ItSupport.generated(RECORDS, 23);
        Path input = dir.resolve("calls.ndjson");
        try (OutputStream out = Files.newOutputStream(input)) {
            for (byte[] v : values) {
                out.write(v);
                out.write('\n');
            }
        }
        ObjectNode all = ExpectedReport.compute(values, ItSupport.codes());
        long valid = all.get("valid_rows").asLong();
        long invalid = all.get("invalid_rows").asLong();
        assertThat(invalid).isEqualTo(RECORDS / 50);

        Faults.createTopic(KAFKA.bootstrap(), TOPIC, 2);
        Path tuning = ItSupport.tuning(dir, "restart", 500);
        List<String> sparkArgs = ItSupport.args(KAFKA.bootstrap(), TOPIC, dir, "live", tuning);
        Process spark = Faults.launch(dir, "spark", Map.of(), "spark-app", sparkArgs);
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                .until(() -> Faults.log(dir, "spark").contains("reading " + TOPIC) || !spark.isAlive());
        assertThat(spark.isAlive()).as("spark-app started; log:%n%s", Faults.log(dir, "spark")).isTrue();

        // 1. Broker stopped and restarted while the producer sends (2,500 records/s: about 8 s of sending).
        Path summary = dir.resolve("producer-summary.json");
        Process producer = Faults.launch(dir, "producer", Map.of(), "producer", List.of("--bootstrap", KAFKA.bootstrap(),
                "--input", input.toString(), "--topic", TOPIC, "--dead-letter-topic", TOPIC + ".producer-dlq",
                "--rate", "2500", "--summary-json", summary.toString(), "--progress-interval", "1"));
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(100))
                .until(() -> Faults.log(dir, "producer").contains("sent") || !producer.isAlive());
        Thread.sleep(1_500);
        assertThat(producer.isAlive()).as("still sending when the broker stops").isTrue();
        KAFKA.stop();
        Thread.sleep(3_000);
        KAFKA.start();
        assertThat(producer.waitFor(4, TimeUnit.MINUTES)).as("producer finishes; log:%n%s", Faults.log(dir, "producer"))
                .isTrue();
        assertThat(producer.exitValue()).as("producer exit; log:%n%s", Faults.log(dir, "producer")).isZero();
        JsonNode s = ItSupport.read(summary);
        assertThat(s.get("sent").asLong()).isEqualTo(valid);
        assertThat(s.get("invalid").asLong()).isEqualTo(invalid);

        // 2. Broker killed and restarted while spark-app still works through the backlog (500 records a batch).
        Path progress = dir.resolve("live-progress.ndjson");
        long before = countedRows(progress);
        assertThat(before).as("spark-app still has a backlog when the broker is killed").isLessThan(valid);
        KAFKA.kill();
        Thread.sleep(3_000);
        KAFKA.start();
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                .until(() -> countedRows(progress) > before || !spark.isAlive());
        assertThat(spark.isAlive()).as("spark-app survived the broker kill; log:%n%s", Faults.log(dir, "spark")).isTrue();
        spark.destroy(); // SIGTERM: finish the batch, write a report, exit 0
        assertThat(spark.waitFor(3, TimeUnit.MINUTES)).isTrue();
        assertThat(spark.exitValue()).as("spark-app exit; log:%n%s", Faults.log(dir, "spark")).isZero();

        // 3. Drain from the checkpoint and compare with plain Java.
        StringBuilder output = new StringBuilder();
        List<String> drain = new ArrayList<>(sparkArgs);
        drain.add("--available-now");
        assertThat(ItSupport.runInProcess(drain, output)).as("drain; output:%n%s", output).isZero();
        JsonNode report = ItSupport.read(dir.resolve("live-report.json"));
        ObjectNode expected = all.deepCopy();
        expected.put("input_rows", valid);
        expected.put("invalid_rows", 0);
        expected.putObject("invalid_by_reason");
        assertThat(ExpectedReport.differences(report, expected)).as("report after two broker restarts").isNull();

        // The topic: every valid record exactly once. The producer's dead letters: exactly the invalid ones.
        List<ConsumerRecord<byte[], byte[]>> onTopic = Faults.readAll(KAFKA.bootstrap(), TOPIC);
        Set<String> keys = new HashSet<>();
        onTopic.forEach(r -> keys.add(Faults.key(r)));
        assertThat(onTopic).as("no duplicates after retries").hasSize((int) valid);
        assertThat(keys).hasSize((int) valid);
        Map<String, String> byIndex = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : Faults.readAll(KAFKA.bootstrap(), TOPIC + ".producer-dlq")) {
            byIndex.put(Faults.header(r, DeadLetter.INDEX), Faults.header(r, DeadLetter.REASON));
        }
        Map<String, Long> reasons = new TreeMap<>();
        byIndex.values().forEach(r -> reasons.merge(r, 1L, Long::sum));
        Map<String, Long> expectedReasons = new TreeMap<>();
        all.get("invalid_by_reason").fields().forEachRemaining(f -> expectedReasons.put(f.getKey(), f.getValue().asLong()));
        assertThat(reasons).isEqualTo(expectedReasons);
    }

    /** Input rows of the counts query so far, from the progress file. */
    private static long countedRows(Path progress) throws Exception {
        if (!Files.exists(progress)) {
            return 0;
        }
        long n = 0;
        for (String line : Files.readAllLines(progress)) {
            if (!line.isBlank()) {
                JsonNode p = Json.MAPPER.readTree(line);
                if (JobQuery.COUNTS.queryName().equals(p.path("name").asText())) {
                    n += p.path("numInputRows").asLong();
                }
            }
        }
        return n;
    }
}
