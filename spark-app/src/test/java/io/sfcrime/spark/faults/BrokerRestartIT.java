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
 * (SIGKILL) and restarted while a continuous bin/spark-app works through the backlog the producer left (made before
 * Spark starts, so it exists however fast the machine is); the spark-app is then stopped with SIGTERM and drained
 * from its checkpoint. Verified: the producer exits 0 and the topic holds every valid record exactly once (idempotent
 * retries, no duplicates); its dead-letter topic holds each invalid record exactly once (counted, not merged by
 * index) with the generator's reason; spark-app exits 0 after riding out the restart; the final report equals the
 * counts computed in plain Java from the input. Every step waits on what it needs to see, not on a clock.
 */
class BrokerRestartIT {
    @RegisterExtension
    static final KafkaLocalExtension KAFKA = new KafkaLocalExtension()
            .withJvmOptions(KafkaLocalExtension.QUICK_START_JVM_OPTIONS);
    private static final int RECORDS = 20_000;
    private static final long SEED = 23;
    private static final String TOPIC = "restart-calls";

    static {
        Faults.preload();
    }

    @TempDir
    Path dir;

    @Test
    void brokerRestartsWhileProducingAndWhileSparkReadsLoseAndDuplicateNothing() throws Exception {
        List<byte[]> values = ItSupport.generated(RECORDS, SEED);
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
        // The producer's dlq.index is the record's index in the file, which is the generator's index.
        Map<String, String> expectedDeadLetters = ItSupport.expectedReasons(RECORDS, SEED);
        assertThat(expectedDeadLetters).hasSize(RECORDS / 50);
        assertThat(invalid).isEqualTo(RECORDS / 50);
        Faults.createTopic(KAFKA.bootstrap(), TOPIC, 2);

        // 1. Broker stopped while the producer sends (2,500 records/s: about 8 s of sending), restarted once the
        //    producer has reported progress twice with the broker down (it keeps reading and retrying).
        Path summary = dir.resolve("producer-summary.json");
        Process producer = Faults.launch(dir, "producer", Map.of(), "producer", List.of("--bootstrap", KAFKA.bootstrap(),
                "--input", input.toString(), "--topic", TOPIC, "--dead-letter-topic", TOPIC + ".producer-dlq",
                "--rate", "2500", "--summary-json", summary.toString(), "--progress-interval", "0.5"));
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
                .until(() -> Faults.recordsOn(KAFKA.bootstrap(), TOPIC) >= 1_000 || !producer.isAlive());
        assertThat(producer.isAlive()).as("still sending when the broker stops; log:%n%s", Faults.log(dir, "producer"))
                .isTrue();
        KAFKA.stop();
        long linesAtStop = progressLines(Faults.log(dir, "producer"));
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(100))
                .until(() -> progressLines(Faults.log(dir, "producer")) >= linesAtStop + 2 || !producer.isAlive());
        assertThat(producer.isAlive()).as("the producer rides out the outage; log:%n%s", Faults.log(dir, "producer"))
                .isTrue();
        KAFKA.start();
        assertThat(producer.waitFor(4, TimeUnit.MINUTES)).as("producer finishes; log:%n%s", Faults.log(dir, "producer"))
                .isTrue();
        assertThat(producer.exitValue()).as("producer exit; log:%n%s", Faults.log(dir, "producer")).isZero();
        JsonNode s = ItSupport.read(summary);
        assertThat(s.get("sent").asLong()).isEqualTo(valid);
        assertThat(s.get("invalid").asLong()).isEqualTo(invalid);

        // 2. The whole input is now a backlog. spark-app starts on it with small batches (500 records, about 40
        //    batches); the broker is killed as soon as the first rows are counted and started again at once (it is
        //    away for as long as its start takes, seconds, while the job keeps planning batches).
        Path tuning = ItSupport.tuning(dir, "restart", 500);
        List<String> sparkArgs = ItSupport.args(KAFKA.bootstrap(), TOPIC, dir, "live", tuning);
        Path progress = dir.resolve("live-progress.ndjson");
        Process spark = Faults.launch(dir, "spark", Map.of(), "spark-app", sparkArgs);
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(100))
                .until(() -> countedRows(progress) > 0 || !spark.isAlive());
        assertThat(spark.isAlive()).as("spark-app started; log:%n%s", Faults.log(dir, "spark")).isTrue();
        KAFKA.kill();
        long before = countedRows(progress);
        assertThat(before).as("spark-app still has a backlog when the broker is killed").isLessThan(valid);
        KAFKA.start();
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                .until(() -> countedRows(progress) > before || !spark.isAlive());
        assertThat(spark.isAlive()).as("spark-app survived the broker kill; log:%n%s", Faults.log(dir, "spark")).isTrue();
        spark.destroy(); // SIGTERM: finish the batch, write a report, exit 0
        assertThat(spark.waitFor(3, TimeUnit.MINUTES)).isTrue();
        assertThat(spark.exitValue()).as("spark-app exit; log:%n%s", Faults.log(dir, "spark")).isZero();

        // 3. Drain from the checkpoint in one batch (the batch size is free to change across a restart) and compare
        //    with plain Java.
        ItSupport.tuning(dir, "restart", 0);
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

        // The topic: every valid record exactly once. The producer's dead letters: each invalid record exactly once,
        // counted record by record, with the reason the generator made it invalid for.
        List<ConsumerRecord<byte[], byte[]>> onTopic = Faults.readAll(KAFKA.bootstrap(), TOPIC);
        Set<String> keys = new HashSet<>();
        onTopic.forEach(r -> keys.add(Faults.key(r)));
        assertThat(onTopic).as("no duplicates after retries").hasSize((int) valid);
        assertThat(keys).hasSize((int) valid);
        List<ConsumerRecord<byte[], byte[]>> deadLetters = Faults.readAll(KAFKA.bootstrap(), TOPIC + ".producer-dlq");
        Map<String, Integer> timesByIndex = new TreeMap<>();
        Map<String, String> reasonByIndex = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : deadLetters) {
            String index = Faults.header(r, DeadLetter.INDEX);
            timesByIndex.merge(index, 1, Integer::sum);
            reasonByIndex.put(index, Faults.header(r, DeadLetter.REASON));
        }
        Map<String, Integer> repeated = new TreeMap<>(timesByIndex);
        repeated.values().removeIf(times -> times == 1);
        assertThat(repeated).as("dlq.index -> copies, for dead letters written more than once").isEmpty();
        assertThat(deadLetters).as("dead letters, counted").hasSize((int) invalid);
        assertThat(reasonByIndex).isEqualTo(new TreeMap<>(expectedDeadLetters));
    }

    /** The producer's progress lines so far. */
    private static long progressLines(String log) {
        return log.lines().filter(l -> l.startsWith("progress: ")).count();
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
