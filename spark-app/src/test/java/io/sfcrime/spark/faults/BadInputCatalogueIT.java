package io.sfcrime.spark.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sfcrime.common.DeadLetter;
import io.sfcrime.common.Invalid;
import io.sfcrime.kafkalocal.junit.KafkaLocalExtension;
import io.sfcrime.spark.report.ExpectedReport;
import io.sfcrime.spark.app.ItSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The bad-input catalogue through the whole pipeline. Each entry states its expected reason code (null = valid).
 * <ul>
 *   <li>Producer path: the catalogue as a JSON array file (the real file's format, truncated at the end) →
 *   bin/producer → Kafka → spark-app with query.dedupe on. Verified: the producer's dead-letter topic holds exactly
 *   the invalid entries by index with their reasons; spark-app's report equals the counts computed in plain Java
 *   from the valid entries with the duplicate counted once.</li>
 *   <li>Bypass path: every entry that fits in a Kafka record written straight to the topic by a raw KafkaProducer →
 *   spark-app, a few records per batch, once for each way the counts query scans: a row per record, the same with
 *   query.dedupe, and query.preAggregate's partial counts. The dead letters come from that scan's tasks. Verified:
 *   spark-app's dead-letter topic holds each invalid entry exactly once by dlq.index (its topic-partition@offset in
 *   the input), with its original key and value and the same reason code the producer gives, and nothing else; the
 *   report equals the counts computed in plain Java, its invalid_by_reason matches, and the duplicate is counted twice
 *   (once with dedupe).</li>
 *   <li>An empty file: the producer exits 0 with a message and sends nothing. A 10 MB record cannot bypass the
 *   producer: the Kafka client refuses it (RecordTooLargeException), so it never reaches spark-app.</li>
 * </ul>
 */
class BadInputCatalogueIT {
    @RegisterExtension
    static final KafkaLocalExtension KAFKA = new KafkaLocalExtension()
            .withJvmOptions(KafkaLocalExtension.QUICK_START_JVM_OPTIONS);

    static {
        Faults.preload();
    }

    @TempDir
    Path dir;

    record Entry(String label, byte[] bytes, String reason) {
        boolean valid() {
            return reason == null;
        }

        /** Too big for any Kafka record: the producer's cap dead-letters it (clipped); nothing else can send it. */
        boolean fitsInKafka() {
            return bytes.length < 900 * 1024;
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String call(String id, String type, String time, String dispositionJson) {
        return "{\"crime_id\":\"" + id + "\",\"original_crime_type_name\":\"" + type + "\",\"call_date_time\":\"" + time
                + "\",\"disposition\":" + dispositionJson + ",\"address\":\"100 Block Of Market St\",\"city\":\"SF\"}";
    }

    static List<Entry> catalogue() {
        List<Entry> c = new ArrayList<>();
        String a = call("1", "Traffic Stop", "2018-12-31T23:10:00.000", "\"ADV\"");
        c.add(new Entry("valid", utf8(a), null));
        c.add(new Entry("valid, second window", utf8(call("2", "Theft", "2018-12-31T22:05:00", "\"CIT\"")), null));
        c.add(new Entry("unknown disposition code (valid: described by the code itself)",
                utf8(call("3", "Theft", "2018-12-31T22:30:00", "\"ZZZ\"")), null));
        c.add(new Entry("null disposition (valid: stays null)", utf8(call("4", "Noise", "2018-12-31T21:00:00", "null")), null));
        c.add(new Entry("duplicate crime_id (the first record re-sent)", utf8(a), null));
        c.add(new Entry("number element", utf8("42"), Invalid.NOT_AN_OBJECT));
        c.add(new Entry("array element", utf8("[\"a\",1]"), Invalid.NOT_AN_OBJECT));
        c.add(new Entry("crime_id is a number", utf8("{\"crime_id\":7,\"original_crime_type_name\":\"Theft\","
                + "\"call_date_time\":\"2018-12-31T20:00:00\"}"), Invalid.WRONG_TYPE));
        c.add(new Entry("call_date_time is an object", utf8("{\"crime_id\":\"8\",\"original_crime_type_name\":\"Theft\","
                + "\"call_date_time\":{\"d\":\"2018-12-31\"}}"), Invalid.WRONG_TYPE));
        c.add(new Entry("missing call_date_time", utf8("{\"crime_id\":\"9\",\"original_crime_type_name\":\"Theft\"}"),
                Invalid.MISSING_FIELD));
        c.add(new Entry("empty crime type", utf8(call("10", "", "2018-12-31T20:00:00", "\"ADV\"")), Invalid.EMPTY_FIELD));
        c.add(new Entry("unparseable date (US layout)", utf8(call("11", "Theft", "12/31/2018 11:57 PM", "\"ADV\"")),
                Invalid.UNPARSEABLE_DATE_TIME));
        c.add(new Entry("impossible date (30 February)", utf8(call("12", "Theft", "2019-02-30T10:00:00", "\"ADV\"")),
                Invalid.UNPARSEABLE_DATE_TIME));
        c.add(new Entry("date with Z", utf8(call("13", "Theft", "2018-12-31T23:57:00.000Z", "\"ADV\"")),
                Invalid.ZONED_DATE_TIME));
        c.add(new Entry("date with an offset", utf8(call("14", "Theft", "2018-12-31T23:57:00+02:00", "\"ADV\"")),
                Invalid.ZONED_DATE_TIME));
        c.add(new Entry("far-future date (year 9999)", utf8(call("21", "Theft", "9999-12-31T23:00:00", "\"ADV\"")),
                Invalid.IMPLAUSIBLE_DATE_TIME));
        c.add(new Entry("date before 1970", utf8(call("22", "Theft", "0018-12-31T20:00:00", "\"ADV\"")),
                Invalid.IMPLAUSIBLE_DATE_TIME));
        c.add(new Entry("malformed JSON (missing comma)", utf8("{\"crime_id\":\"15\" \"original_crime_type_name\":"
                + "\"Theft\",\"call_date_time\":\"2018-12-31T20:00:00\"}"), Invalid.MALFORMED_JSON));
        ByteArrayOutputStream bad = new ByteArrayOutputStream();
        String v = call("16", "Theft", "2018-12-31T20:00:00", "\"ADV\"");
        int at = v.indexOf("100 Block");
        bad.writeBytes(utf8(v.substring(0, at)));
        bad.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xFE});
        bad.writeBytes(utf8(v.substring(at)));
        c.add(new Entry("invalid UTF-8 inside a string", bad.toByteArray(), Invalid.INVALID_UTF8));
        c.add(new Entry("10 MB field", utf8("{\"crime_id\":\"17\",\"original_crime_type_name\":\"Theft\","
                + "\"call_date_time\":\"2018-12-31T20:00:00\",\"address\":\"" + "x".repeat(10 * 1024 * 1024) + "\"}"),
                Invalid.TOO_LARGE));
        StringBuilder huge = new StringBuilder("{\"crime_id\":\"18\",\"original_crime_type_name\":\"Theft\","
                + "\"call_date_time\":\"2018-12-31T20:00:00\"");
        for (int i = 0; i < 60_000; i++) {
            huge.append(",\"field_").append(i).append("\":\"some ordinary value\"");
        }
        c.add(new Entry("one huge object (60k fields, ~2.5 MB)", utf8(huge.append('}').toString()), Invalid.TOO_LARGE));
        c.add(new Entry("valid, after the huge ones", utf8(call("19", "Theft", "2018-12-31T20:15:00", "\"ADV\"")), null));
        return c;
    }

    /** The file cut inside its last object: the producer must dead-letter that partial record as malformed_json. */
    private static final String TRUNCATED = "{\"crime_id\":\"20\",\"original_crime_type_name\":\"The";

    @Test
    void everyBadInputIsCountedAndDeadLetteredWithItsReasonThroughTheProducer() throws Exception {
        List<Entry> catalogue = catalogue();

        // ---- Producer path (query.dedupe on) ----
        Path file = dir.resolve("catalogue.json");
        try (var out = Files.newOutputStream(file)) {
            out.write('[');
            for (Entry e : catalogue) {
                out.write(e.bytes());
                out.write(",\n".getBytes(StandardCharsets.UTF_8));
            }
            out.write(utf8(TRUNCATED));
        }
        Path summary = dir.resolve("producer-summary.json");
        int code = Faults.run(dir, "producer", Map.of(), "producer", List.of("--bootstrap", KAFKA.bootstrap(),
                "--input", file.toString(), "--topic", "viaproducer", "--dead-letter-topic", "viaproducer.producer-dlq",
                "--summary-json", summary.toString(), "--progress-interval", "0"));
        assertThat(code).as("producer exit; log:%n%s", Faults.log(dir, "producer")).isZero();
        JsonNode s = ItSupport.read(summary);
        long invalidCount = catalogue.stream().filter(e -> !e.valid()).count() + 1;
        assertThat(s.get("read").asLong()).isEqualTo(catalogue.size() + 1);
        assertThat(s.get("invalid").asLong()).isEqualTo(invalidCount);
        assertThat(s.get("sent").asLong()).isEqualTo(catalogue.size() + 1 - invalidCount);

        Map<Integer, String> producerDlq = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : Faults.readAll(KAFKA.bootstrap(), "viaproducer.producer-dlq")) {
            assertThat(Faults.header(r, DeadLetter.MESSAGE)).as("every dead letter says why").isNotBlank();
            producerDlq.put(Integer.parseInt(Faults.header(r, DeadLetter.INDEX)), Faults.header(r, DeadLetter.REASON));
        }
        Map<Integer, String> expectedByIndex = new TreeMap<>();
        for (int i = 0; i < catalogue.size(); i++) {
            if (!catalogue.get(i).valid()) {
                expectedByIndex.put(i, catalogue.get(i).reason());
            }
        }
        expectedByIndex.put(catalogue.size(), Invalid.MALFORMED_JSON);
        assertThat(producerDlq).as("producer dead letters by record index").isEqualTo(expectedByIndex);

        List<byte[]> validOnce = new ArrayList<>();
        LinkedHashSet<String> seen = new LinkedHashSet<>();
        for (Entry e : catalogue) {
            if (e.valid() && seen.add(new String(e.bytes(), StandardCharsets.UTF_8))) {
                validOnce.add(e.bytes());
            }
        }
        JsonNode viaProducer = drain("viaproducer", true, false, 0);
        ObjectNode expectedDeduped = ExpectedReport.compute(validOnce, ItSupport.codes());
        assertThat(ExpectedReport.differences(viaProducer, expectedDeduped)).as("producer path, dedupe on").isNull();
        assertThat(viaProducer.get("valid_rows").asLong()).as("six valid records, one a re-sent copy").isEqualTo(5);
        assertThat(rows(viaProducer)).contains("Theft|ZZZ|ZZZ|1", "Noise|null|null|1");
        // Nothing invalid reached spark-app, so it dead-lettered nothing.
        assertThat(Faults.recordsOn(KAFKA.bootstrap(), "viaproducer.dlq")).isZero();
    }

    @ParameterizedTest(name = "preAggregate {0}, dedupe {1}")
    @CsvSource({"false, false", "true, false", "false, true"})
    void bypassingTheProducerEachInvalidRecordIsDeadLetteredOnceFromTheCountsQuerysScan(boolean preAggregate,
                                                                                          boolean dedupe)
            throws Exception {
        Map<String, Long> expectedReasons = new TreeMap<>();
        catalogue().stream().filter(e -> !e.valid()).forEach(e -> expectedReasons.merge(e.reason(), 1L, Long::sum));

        // ---- Bypass path: raw records straight to the topic ----
        List<Entry> fitting = catalogue().stream().filter(Entry::fitsInKafka).toList();
        List<byte[]> raw = new ArrayList<>();
        List<String> reasonAt = new ArrayList<>();
        fitting.forEach(e -> {
            raw.add(e.bytes());
            reasonAt.add(e.reason());
        });
        raw.add(utf8(TRUNCATED));
        reasonAt.add(Invalid.MALFORMED_JSON);
        String topic = "bypass-" + (preAggregate ? "partials" : "rows") + (dedupe ? "-dedupe" : "");
        ItSupport.load(KAFKA.bootstrap(), topic, raw);
        // A few records per batch: several batches, each partition's records in several tasks.
        JsonNode bypass = drain(topic, dedupe, preAggregate, 5);
        assertThat(bypass.get("settings").get("query.preAggregate").asText()).isEqualTo(String.valueOf(preAggregate));
        List<byte[]> counted = new ArrayList<>(raw);
        if (dedupe) {
            // The re-sent copy of the first record, dropped by crime_id.
            int copy = fitting.indexOf(fitting.stream().filter(e -> e.label().startsWith("duplicate")).findFirst()
                    .orElseThrow());
            assertThat(raw.get(copy)).isEqualTo(raw.get(0));
            counted.remove(copy);
        }
        ObjectNode expectedAll = ExpectedReport.compute(counted, ItSupport.codes());
        assertThat(ExpectedReport.differences(bypass, expectedAll)).as("bypass path").isNull();
        assertThat(bypass.get("valid_rows").asLong()).as("the duplicate counts twice without dedupe")
                .isEqualTo(dedupe ? 5 : 6);
        Map<String, Long> bypassReasons = new TreeMap<>(expectedReasons);
        bypassReasons.remove(Invalid.TOO_LARGE);
        bypassReasons.merge(Invalid.MALFORMED_JSON, 1L, Long::sum);
        Map<String, Long> reported = new TreeMap<>();
        bypass.get("invalid_by_reason").fields().forEachRemaining(f -> reported.put(f.getKey(), f.getValue().asLong()));
        assertThat(reported).isEqualTo(bypassReasons);

        // Where each invalid record stands in the input: the dlq.index its dead letter must carry.
        Map<String, Integer> invalidAt = new TreeMap<>();
        Set<String> validAt = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : Faults.readAll(KAFKA.bootstrap(), topic)) {
            int i = Integer.parseInt(Faults.key(r));
            String index = topic + "-" + r.partition() + "@" + r.offset();
            if (reasonAt.get(i) == null) {
                validAt.add(index);
            } else {
                invalidAt.put(index, i);
            }
        }
        assertThat(invalidAt).hasSize((int) bypassReasons.values().stream().mapToLong(Long::longValue).sum());
        Map<String, Integer> copies = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : Faults.readAll(KAFKA.bootstrap(), topic + ".dlq")) {
            String index = Faults.header(r, DeadLetter.INDEX);
            copies.merge(index, 1, Integer::sum);
            assertThat(validAt).as("a valid record dead-lettered").doesNotContain(index);
            Integer i = invalidAt.get(index);
            assertThat(i).as("dead letter %s is an input record", index).isNotNull();
            assertThat(Faults.key(r)).as("key of %s", index).isEqualTo(String.valueOf(i));
            assertThat(r.value()).as("value of %s, byte for byte", index).isEqualTo(raw.get(i));
            assertThat(Faults.header(r, DeadLetter.REASON)).as("reason of %s, the producer's code", index)
                    .isEqualTo(reasonAt.get(i));
            assertThat(Faults.header(r, DeadLetter.MESSAGE)).as("message of %s", index).isNotBlank();
            assertThat(Faults.header(r, DeadLetter.SOURCE)).isEqualTo("spark-app");
            assertThat(Faults.header(r, DeadLetter.ORIGIN)).isEqualTo(topic);
        }
        assertThat(copies.keySet()).as("dead letters by dlq.index: every invalid record").isEqualTo(invalidAt.keySet());
        Map<String, Integer> repeated = new TreeMap<>(copies);
        repeated.values().removeIf(n -> n == 1);
        assertThat(repeated).as("dlq.index -> copies, in a run without failures or replays").isEmpty();
    }

    @Test
    void anEmptyFileSendsNothingAndSaysSo() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.json"), "");
        Path summary = dir.resolve("empty-summary.json");
        int code = Faults.run(dir, "empty", Map.of(), "producer", List.of("--bootstrap", KAFKA.bootstrap(),
                "--input", empty.toString(), "--topic", "empty", "--summary-json", summary.toString()));
        assertThat(code).isZero();
        assertThat(Faults.log(dir, "empty")).contains("is empty");
        JsonNode s = ItSupport.read(summary);
        assertThat(s.get("read").asLong()).isZero();
        assertThat(s.get("sent").asLong()).isZero();
    }

    @Test
    void aTenMegabyteRecordCannotBypassTheProducer() throws Exception {
        Faults.createTopic(KAFKA.bootstrap(), "toolarge", 1);
        Entry big = catalogue().stream().filter(e -> e.label().equals("10 MB field")).findFirst().orElseThrow();
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrap());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("toolarge", big.bytes())).get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(RecordTooLargeException.class);
        }
        assertThat(Faults.readAll(KAFKA.bootstrap(), "toolarge")).isEmpty();
    }

    private JsonNode drain(String topic, boolean dedupe, boolean preAggregate, long maxOffsetsPerTrigger)
            throws Exception {
        Path tuning = dir.resolve(topic + "-tuning.yaml");
        Files.writeString(tuning, "spark.sql.shuffle.partitions: 2\nconsole.topN: 0\nquery.dedupe: " + dedupe
                + "\nquery.preAggregate: " + preAggregate + "\nsource.maxOffsetsPerTrigger: " + maxOffsetsPerTrigger
                + "\n");
        StringBuilder output = new StringBuilder();
        int code = ItSupport.runInProcess(ItSupport.args(KAFKA.bootstrap(), topic, dir, topic, tuning,
                "--available-now"), output);
        assertThat(code).as("spark-app exit; output:%n%s", output).isZero();
        JsonNode report = ItSupport.read(dir.resolve(topic + "-report.json"));
        assertThat(report.get("settings").get("query.dedupe").asText()).isEqualTo(String.valueOf(dedupe));
        return report;
    }

    private static List<String> rows(JsonNode report) {
        List<String> out = new ArrayList<>();
        for (JsonNode r : report.get("by_window_crime_type_disposition")) {
            out.add(r.get("crime_type").asText() + "|" + r.get("disposition").asText() + "|"
                    + r.get("disposition_description").asText() + "|" + r.get("count").asLong());
        }
        return out;
    }
}
