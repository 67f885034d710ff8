package io.sfcrime.spark.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import io.sfcrime.common.DeadLetter;
import io.sfcrime.common.Invalid;
import io.sfcrime.common.Json;
import io.sfcrime.common.metrics.JobMetrics;
import io.sfcrime.common.metrics.PrometheusConfig;
import io.sfcrime.common.tuning.JobQuery;
import io.sfcrime.kafkalocal.junit.KafkaLocalExtension;
import io.sfcrime.spark.app.ItSupport;
import io.sfcrime.spark.app.SparkApp;
import io.sfcrime.spark.app.StopSignal;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * The driver's Prometheus endpoint and the consumer group, on one running job (real broker, local Spark). The
 * mid-drain state is made stable, not caught: a trigger interval of an hour lets the query run its first batch of
 * {@value #PER_BATCH} records and then wait, so the endpoint, the progress file and the group all describe batch 0
 * while most of the topic is unread. A tuning change to a zero interval then drains the topic.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MetricsIT {
    @RegisterExtension
    static final KafkaLocalExtension KAFKA = new KafkaLocalExtension();
    static final String TOPIC = "observed";
    static final String GROUP = "observed-spark";
    static final int RECORDS = 3_000;
    static final int PER_BATCH = 400;
    static final Pattern METRICS_URL = Pattern.compile("Prometheus metrics at (http://\\S+)");

    Path dir;
    Path tuning;
    Path progress;
    StopSignal stop;
    ByteArrayOutputStream output;
    CompletableFuture<Integer> app;
    String metricsUrl;
    Admin admin;

    @BeforeAll
    void startTheJob() throws Exception {
        dir = Files.createTempDirectory("metrics-it");
        ItSupport.load(KAFKA.bootstrap(), TOPIC, ItSupport.generated(RECORDS, 41));
        tuning = dir.resolve("tuning.yaml");
        progress = dir.resolve("progress.ndjson");
        writeTuning("1 hour");
        stop = new StopSignal();
        output = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);
        List<String> args = List.of("--bootstrap", KAFKA.bootstrap(), "--topic", TOPIC,
                "--results-topic", TOPIC + ".results", "--dead-letter-topic", TOPIC + ".dlq",
                "--radio-codes", ItSupport.RADIO_CODES.toString(), "--checkpoint", dir.resolve("checkpoint").toString(),
                "--tuning", tuning.toString(), "--progress-file", progress.toString(),
                "--consumer-group", GROUP, "--ui-port", "0", "--master", "local[2]");
        app = CompletableFuture.supplyAsync(() ->
                new CommandLine(new SparkApp(out, out, stop)).execute(args.toArray(String[]::new)));
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100)).failFast(app::isDone)
                .until(() -> METRICS_URL.matcher(output.toString(StandardCharsets.UTF_8)).find());
        Matcher m = METRICS_URL.matcher(output.toString(StandardCharsets.UTF_8));
        assertThat(m.find()).isTrue();
        metricsUrl = m.group(1);
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrap());
        admin = Admin.create(p);
    }

    @AfterAll
    void stopTheJob() throws Exception {
        if (admin != null) {
            admin.close();
        }
        if (app != null && !app.isDone()) {
            stop.request();
            app.get(3, TimeUnit.MINUTES);
        }
    }

    @Test
    @Order(1)
    void midDrainTheEndpointAgreesWithTheProgressAndTheGroupShowsTheBacklog() throws Exception {
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).failFast(app::isDone)
                .until(() -> batches(JobQuery.COUNTS).size() == 1 && committed().size() == 2);
        Scrape s = Scrape.of(metricsUrl);
        JsonNode counts = batches(JobQuery.COUNTS).get(0);

        // The same batch seen two ways: the endpoint and the progress JSON.
        // Spark splits the batch limit over the partitions, rounding down.
        long batch0 = counts.get("numInputRows").asLong();
        assertThat(batch0).isBetween(PER_BATCH - 2L, (long) PER_BATCH);
        assertThat(s.get(raw(JobMetrics.INPUT_ROWS))).isEqualTo(counts.get("numInputRows").asDouble());
        assertThat(s.get(raw(JobMetrics.BATCHES))).isEqualTo(1);
        assertThat(s.get(raw(JobMetrics.LAST_BATCH_DURATION)))
                .isEqualTo(counts.get("durationMs").get("triggerExecution").asLong() / 1000.0);
        assertThat(s.get(raw(JobMetrics.STATE_ROWS))).isEqualTo(counts.get("stateOperators").get(0)
                .get("numRowsTotal").asDouble()).isPositive();
        // Gauges come twice from Spark's servlet (Number and Value); the relabel rules keep Value.
        assertThat(s.get(JobMetrics.STATE_ROWS.servletName(null).replace("_Value", "_Number")))
                .isEqualTo(s.get(raw(JobMetrics.STATE_ROWS)));
        // Spark's own streaming source is on (spark.sql.streaming.metricsEnabled), and the executors' endpoint answers.
        assertThat(s.text()).contains("metrics_sfcrime_driver_spark_streaming_calls_counts_");
        URI ui = URI.create(metricsUrl);
        assertThat(Scrape.of(ui.resolve(JobMetrics.EXECUTORS_PATH).toString()).text()).contains("metrics_executor_");

        // The batch's own scan wrote its invalid records to the dead-letter topic: the counter is the number of
        // invalid records counted, and the topic holds exactly those, by reason, all from the records batch 0 read.
        Map<Integer, Long> processed = offsets(counts.get("sources").get(0).get("endOffset"));
        long invalid = 0;
        for (String reason : Invalid.CODES) {
            invalid += (long) s.get(JobMetrics.INVALID_ROWS.servletName(reason));
        }
        assertThat(invalid).isPositive();
        assertThat(s.get(raw(JobMetrics.DEAD_LETTERED_ROWS))).as("dead-lettered rows").isEqualTo(invalid);
        Map<String, Long> dlqReasons = deadLetterReasons(invalid, processed);
        for (String reason : Invalid.CODES) {
            assertThat(s.get(JobMetrics.INVALID_ROWS.servletName(reason))).as(reason)
                    .isEqualTo(dlqReasons.getOrDefault(reason, 0L).doubleValue());
        }
        assertThat(s.get(raw(JobMetrics.VALID_ROWS)) + invalid + s.get(raw(JobMetrics.LATE_ROWS)))
                .isEqualTo(batch0);

        // The group holds what batch 0 processed; the topic's end is further on; the lag metric says by how much.
        Map<Integer, Long> ends = endOffsets();
        assertThat(committed()).isEqualTo(processed);
        for (int partition : ends.keySet()) {
            long lag = ends.get(partition) - processed.get(partition);
            assertThat(lag).as("partition %d", partition).isPositive();
            assertThat(s.get(JobMetrics.INPUT_LAG.servletName(String.valueOf(partition)))).isEqualTo(lag);
        }
        assertThat(ends.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(RECORDS);
        assertThat(s.get(raw(JobMetrics.OFFSET_COMMIT_FAILURES))).isZero();
    }

    @Test
    @Order(2)
    void aRealPrometheusStoresTheDeclaredNamesAndLabels() throws Exception {
        Path binary = Path.of("/usr/bin/prometheus");
        assumeThat(Files.isExecutable(binary)).as("Debian's prometheus package is installed (CI installs it)")
                .isTrue();
        Scrape s = Scrape.of(metricsUrl);
        URI ui = URI.create(metricsUrl);
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, PrometheusConfig.yaml(ui.getHost() + ":" + ui.getPort(), List.of(), "1s"));
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Process prometheus = new ProcessBuilder(binary.toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        try {
            String api = "http://127.0.0.1:" + port + "/api/v1/query?query=";
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500))
                    .failFast(() -> !prometheus.isAlive())
                    // Prometheus takes a moment to open its port and to answer (503 until ready): until then not a failure.
                    .ignoreExceptionsInstanceOf(java.io.IOException.class)
                    .until(() -> !query(api, JobMetrics.INPUT_ROWS.name()).isEmpty());
            assertThat(query(api, JobMetrics.INPUT_ROWS.name())).containsExactly(Map.entry("", s.get(
                    raw(JobMetrics.INPUT_ROWS))));
            Map<String, Double> byReason = query(api, JobMetrics.INVALID_ROWS.name());
            assertThat(byReason.keySet()).containsExactlyInAnyOrderElementsOf(Invalid.CODES);
            Invalid.CODES.forEach(r -> assertThat(byReason.get(r)).as(r)
                    .isEqualTo(s.get(JobMetrics.INVALID_ROWS.servletName(r))));
            Map<String, Double> lag = query(api, JobMetrics.INPUT_LAG.name());
            assertThat(lag.keySet()).containsExactlyInAnyOrder("0", "1");
            lag.forEach((partition, v) -> assertThat(v).isEqualTo(s.get(JobMetrics.INPUT_LAG.servletName(partition))));
            assertThat(query(api, "{__name__=~\"" + JobMetrics.SERVLET_PREFIX + ".+\"}")).as("raw names left").isEmpty();
        } finally {
            prometheus.destroy();
            prometheus.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    @Order(3)
    void afterTheDrainTheGroupHoldsTheEndOffsetsAndTheLagIsZero() throws Exception {
        writeTuning("0");
        Map<Integer, Long> ends = endOffsets();
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(200)).failFast(app::isDone)
                .until(() -> committed().equals(ends));
        Scrape s = Scrape.of(metricsUrl);
        for (int partition : ends.keySet()) {
            assertThat(s.get(JobMetrics.INPUT_LAG.servletName(String.valueOf(partition)))).isZero();
        }
        long read = batches(JobQuery.COUNTS).stream().mapToLong(b -> b.get("numInputRows").asLong()).sum();
        assertThat(read).isEqualTo(RECORDS);
        assertThat(s.get(raw(JobMetrics.INPUT_ROWS))).isEqualTo(read);
        // Every invalid record of the topic dead-lettered once, across the query restart (one session, one counter).
        long invalid = ItSupport.expectedReasons(RECORDS, 41).size();
        double invalidCounted = 0;
        for (String reason : Invalid.CODES) {
            invalidCounted += s.get(JobMetrics.INVALID_ROWS.servletName(reason));
        }
        assertThat(invalidCounted).isEqualTo(invalid);
        assertThat(s.get(raw(JobMetrics.DEAD_LETTERED_ROWS))).as("dead-lettered rows").isEqualTo(invalid);
        assertThat(deadLetterReasons(invalid, ends).values().stream().mapToLong(Long::longValue).sum())
                .isEqualTo(invalid);
        assertThat(s.get(raw(JobMetrics.QUERY_RESTARTS))).isEqualTo(1);
        assertThat(s.get(raw(JobMetrics.TUNING_APPLIED))).isEqualTo(1);
        assertThat(s.get(raw(JobMetrics.TUNING_REJECTED))).isZero();
        assertThat(s.get(raw(JobMetrics.OFFSET_COMMIT_FAILURES))).isZero();
        stop.request();
        assertThat(app.get(3, TimeUnit.MINUTES)).as("exit code; output:%n%s", output).isZero();
    }

    private void writeTuning(String triggerInterval) throws Exception {
        Path tmp = dir.resolve("tuning.tmp");
        Files.writeString(tmp, "source.maxOffsetsPerTrigger: " + PER_BATCH + "\nquery.triggerInterval: \""
                + triggerInterval + "\"\nconsole.topN: 0\n");
        Files.move(tmp, tuning, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static String raw(io.sfcrime.common.metrics.Metric m) {
        return m.servletName(null);
    }

    /** The progress JSON of the query's batches that read records (idle progress left out). */
    private List<JsonNode> batches(JobQuery query) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        if (!Files.exists(progress)) {
            return out;
        }
        for (String line : Files.readAllLines(progress)) {
            JsonNode p = Json.MAPPER.readTree(line);
            if (query.queryName().equals(p.get("name").asText()) && p.get("numInputRows").asLong() > 0) {
                out.add(p);
            }
        }
        return out;
    }

    private Map<Integer, Long> offsets(JsonNode endOffset) throws Exception {
        JsonNode node = endOffset.isTextual() ? Json.MAPPER.readTree(endOffset.asText()) : endOffset;
        Map<Integer, Long> out = new HashMap<>();
        node.get(TOPIC).fields().forEachRemaining(e -> out.put(Integer.parseInt(e.getKey()), e.getValue().asLong()));
        return out;
    }

    private Map<Integer, Long> committed() throws Exception {
        Map<Integer, Long> out = new HashMap<>();
        Map<TopicPartition, OffsetAndMetadata> c = admin.listConsumerGroupOffsets(GROUP)
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        c.forEach((tp, o) -> out.put(tp.partition(), o.offset()));
        return out;
    }

    private Map<Integer, Long> endOffsets() throws Exception {
        Map<TopicPartition, OffsetSpec> spec = Map.of(new TopicPartition(TOPIC, 0), OffsetSpec.latest(),
                new TopicPartition(TOPIC, 1), OffsetSpec.latest());
        Map<Integer, Long> out = new HashMap<>();
        admin.listOffsets(spec).all().get(30, TimeUnit.SECONDS).forEach((tp, i) -> out.put(tp.partition(), i.offset()));
        return out;
    }

    /**
     * The dead-letter topic's records counted by their reason header; waits until {@code expected} are there, then
     * reads on to the topic's end. Each must be a distinct input record ({@code dlq.index}) below {@code processed}.
     */
    private Map<String, Long> deadLetterReasons(long expected, Map<Integer, Long> processed) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrap());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        Map<String, Long> reasons = new HashMap<>();
        Set<String> indexes = new HashSet<>();
        Pattern index = Pattern.compile(Pattern.quote(TOPIC) + "-(\\d+)@(\\d+)");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = consumer.partitionsFor(TOPIC + ".dlq").stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            long[] seen = {0};
            await().atMost(Duration.ofMinutes(1)).until(() -> {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    Header h = r.headers().lastHeader(DeadLetter.REASON);
                    reasons.merge(new String(h.value(), StandardCharsets.UTF_8), 1L, Long::sum);
                    String i = new String(r.headers().lastHeader(DeadLetter.INDEX).value(), StandardCharsets.UTF_8);
                    assertThat(indexes.add(i)).as("dead letter %s written once", i).isTrue();
                    Matcher m = index.matcher(i);
                    assertThat(m.matches()).as(i).isTrue();
                    assertThat(Long.parseLong(m.group(2))).as("offset of %s", i)
                            .isLessThan(processed.get(Integer.parseInt(m.group(1))));
                    seen[0]++;
                }
                return seen[0] >= expected;
            });
            // Nothing beyond them (the end offsets now are what the batch's tasks wrote before it completed).
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            assertThat(end.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(expected);
            assertThat(seen[0]).isEqualTo(expected);
        }
        return reasons;
    }

    /** An instant query: label value (reason or partition, "" for none) → value. */
    private static Map<String, Double> query(String api, String promql) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(api + URLEncoder.encode(promql, StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode body = Json.MAPPER.readTree(r.body());
        assertThat(body.path("status").asText()).as(r.body()).isEqualTo("success");
        Map<String, Double> out = new HashMap<>();
        for (JsonNode series : body.get("data").get("result")) {
            JsonNode labels = series.get("metric");
            String key = labels.has("reason") ? labels.get("reason").asText()
                    : labels.has("partition") ? labels.get("partition").asText() : "";
            out.put(key, series.get("value").get(1).asDouble());
        }
        return out;
    }
}
