package io.sfcrime.bench.ceiling;

import io.sfcrime.common.Json;
import io.sfcrime.common.RadioCodes;
import io.sfcrime.common.gen.CallGenerator;
import io.sfcrime.common.report.CountsReport;
import io.sfcrime.kafkalocal.junit.KafkaLocalExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ceiling against a real broker: every record of a generated topic (invalid ones included) is drained once,
 * and the counts equal the independent computation over the same bytes. Records appended after the drain began
 * are not counted.
 */
class CeilingIT {
    @RegisterExtension
    static final KafkaLocalExtension KAFKA = new KafkaLocalExtension();

    @TempDir
    Path dir;

    @Test
    void drainsTheTopicOnceAndCountsLikeTheIndependentComputation() throws Exception {
        CallGenerator gen = new CallGenerator(CallGenerator.Options.defaults().withCount(5_000).withSeed(5)
                .withOrder(CallGenerator.Order.SHUFFLED).withFormat(CallGenerator.Format.NDJSON)
                .withInvalidFraction(0.02));
        List<byte[]> records = new ArrayList<>();
        for (long i = 0; i < gen.options().count(); i++) {
            records.add(gen.recordBytes(i));
        }
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", KAFKA.bootstrap()))) {
            admin.createTopics(List.of(new NewTopic("calls-it", 3, (short) 1))).all().get();
        }
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrap());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            for (byte[] r : records) {
                producer.send(new ProducerRecord<>("calls-it", r));
            }
            producer.flush();
        }
        RadioCodes codes = RadioCodes.load(Path.of(System.getProperty("project.root", ".."))
                .resolve("data/radio_code.json"));
        CallCounter counter = new CallCounter(Duration.ofHours(1), Duration.ofDays(1), codes);
        Ceiling.Timing timing;
        try (KafkaConsumer<byte[], byte[]> consumer = CeilingClients.newConsumer(KAFKA.bootstrap())) {
            timing = Ceiling.drain(consumer, "calls-it", counter);
        }
        assertThat(timing.records()).isEqualTo(records.size());
        assertThat(timing.bytes()).isEqualTo(records.stream().mapToLong(b -> b.length).sum());
        assertThat(timing.chunkRates()).hasSize(5); // 5,000 records in chunks of the 1,000 minimum
        CountsReport expected = CallCounterTest.independent(records, 1, codes);
        assertThat(counter.report().differences(expected, 20)).isEmpty();
        assertThat(counter.report().invalidRows()).isEqualTo(gen.invalidCount());

        // The report file is what the harness compares Spark's against: same shape, same counts after a re-read.
        Path report = dir.resolve("ceiling.json");
        counter.report().write(report);
        assertThat(Json.MAPPER.readTree(report.toFile()).has("by_window_crime_type_disposition")).isTrue();
        assertThat(CountsReport.read(report).differences(expected, 5)).isEmpty();
        assertThat(Files.size(report)).isPositive();
    }
}
