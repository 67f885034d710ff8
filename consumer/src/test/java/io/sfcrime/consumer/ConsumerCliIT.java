package io.sfcrime.consumer;

import com.fasterxml.jackson.databind.JsonNode;
import io.sfcrime.common.CallFields;
import io.sfcrime.common.DeadLetter;
import io.sfcrime.common.Json;
import io.sfcrime.common.gen.CallGenerator;
import io.sfcrime.kafkalocal.junit.KafkaLocalExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The CLI against a real single-node broker. */
class ConsumerCliIT {
    @RegisterExtension
    static final KafkaLocalExtension KAFKA = new KafkaLocalExtension();

    private static final Path ROOT = Path.of(System.getProperty("project.root", ".."));

    private static void createTopic(String topic, int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrap()))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    /** Produces generated records keyed by crime_id; returns their ids. */
    private static Set<String> produce(String topic, long count, long seed) throws Exception {
        CallGenerator generator = new CallGenerator(CallGenerator.Options.defaults().withCount(count).withSeed(seed));
        Set<String> ids = new HashSet<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrap(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
            for (long i = 0; i < count; i++) {
                Map<String, String> fields = generator.fieldsAt(i);
                String id = fields.get(CallFields.CRIME_ID);
                ids.add(id);
                producer.send(new ProducerRecord<>(topic, id.getBytes(StandardCharsets.UTF_8),
                        Json.MAPPER.writeValueAsBytes(fields)));
            }
            producer.flush();
        }
        return ids;
    }

    private record Run(int exit, List<String> lines, String stderr) {
    }

    private static Run cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ConsumerCli cli = new ConsumerCli(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                s -> ConsumerClients.create(s.bootstrap(), s.group(), s.fromBeginning(),
                        (int) s.metadataTimeout().toMillis()), false);
        List<String> all = new ArrayList<>(List.of("--bootstrap", KAFKA.bootstrap()));
        all.addAll(List.of(args));
        int exit = ConsumerCli.commandLine(cli).execute(all.toArray(String[]::new));
        String text = out.toString(StandardCharsets.UTF_8);
        return new Run(exit, text.isEmpty() ? List.of() : List.of(text.split("\n")),
                err.toString(StandardCharsets.UTF_8));
    }

    private static Set<String> ids(List<String> lines) throws IOException {
        Set<String> ids = new HashSet<>();
        for (String line : lines) {
            ids.add(Json.MAPPER.readTree(line).get(CallFields.CRIME_ID).asText());
        }
        return ids;
    }

    @Test
    void jsonFromBeginningReturnsExactlyWhatWasProduced() throws Exception {
        createTopic("it-calls", 3);
        Set<String> produced = produce("it-calls", 2_000, 11);
        Run run = cli("--topic", "it-calls", "--from-beginning", "--format", "json", "--timeout-ms", "3000");
        assertThat(run.exit()).isZero();
        assertThat(run.lines()).hasSize(2_000);
        assertThat(ids(run.lines())).isEqualTo(produced);
        assertThat(run.stderr()).contains("Processed a total of 2000 messages");
    }

    @Test
    void groupResumesFromItsCommittedOffsetAfterARestart() throws Exception {
        createTopic("it-resume", 2);
        Set<String> produced = produce("it-resume", 300, 12);
        Run first = cli("--topic", "it-resume", "--group", "g-resume", "--from-beginning", "--max-messages", "120");
        assertThat(first.exit()).isZero();
        assertThat(first.lines()).hasSize(120);
        Run second = cli("--topic", "it-resume", "--group", "g-resume", "--from-beginning", "--timeout-ms", "3000");
        assertThat(second.exit()).isZero();
        assertThat(second.lines()).hasSize(180);
        Set<String> both = ids(first.lines());
        assertThat(ids(second.lines())).doesNotContainAnyElementsOf(both);
        both.addAll(ids(second.lines()));
        assertThat(both).isEqualTo(produced);
        // Without a group nothing was committed for anyone else: a groupless read sees everything again.
        assertThat(cli("--topic", "it-resume", "--from-beginning", "--timeout-ms", "2000").lines()).hasSize(300);
    }

    @Test
    void deadLetterValuesAndHeadersPrintSafely() throws Exception {
        createTopic("it-dlq", 1);
        byte[] notUtf8 = {'{', '"', 'a', '"', ':', '"', (byte) 0xFF, '"', '}'};
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrap(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
            ProducerRecord<byte[], byte[]> r = new ProducerRecord<>("it-dlq", null, notUtf8);
            r.headers().add(new RecordHeader(DeadLetter.REASON, "invalid_utf8".getBytes(StandardCharsets.UTF_8)));
            r.headers().add(new RecordHeader(DeadLetter.INDEX, "7".getBytes(StandardCharsets.UTF_8)));
            producer.send(r).get();
        }
        Run run = cli("--topic", "it-dlq", "--from-beginning", "--timeout-ms", "2000", "--print-headers");
        assertThat(run.lines()).hasSize(1);
        JsonNode envelope = Json.MAPPER.readTree(run.lines().get(0));
        assertThat(envelope.get("headers").get(DeadLetter.REASON).asText()).isEqualTo("invalid_utf8");
        assertThat(envelope.get("value").asText()).isEqualTo("{\"a\":\"\\xFF\"}");
    }

    @Test
    void missingTopicAndUnreachableBrokerExitNonZero() {
        Run missing = cli("--topic", "no-such-topic", "--timeout-ms", "1000");
        assertThat(missing.exit()).isEqualTo(ConsumerCli.EXIT_NO_TOPIC);
        assertThat(missing.stderr()).contains("topic 'no-such-topic' does not exist");

        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ConsumerCli cli = new ConsumerCli(new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true),
                s -> ConsumerClients.create(s.bootstrap(), s.group(), s.fromBeginning(),
                        (int) s.metadataTimeout().toMillis()), false);
        int exit = ConsumerCli.commandLine(cli).execute("--bootstrap", "127.0.0.1:1", "--metadata-timeout-ms", "2000");
        assertThat(exit).isEqualTo(ConsumerCli.EXIT_UNREACHABLE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("cannot reach Kafka at 127.0.0.1:1");
    }

    @Test
    void launcherPrintsOnlyRecordsOnStdoutAndStopsCleanlyOnSigterm() throws Exception {
        createTopic("it-launcher", 1);
        Set<String> produced = produce("it-launcher", 50, 13);
        Path dir = Files.createTempDirectory("consumer-it");
        Path out = dir.resolve("out");
        Path err = dir.resolve("err");
        Process p = new ProcessBuilder(ROOT.resolve("bin/consumer").toString(), "--bootstrap", KAFKA.bootstrap(),
                "--topic", "it-launcher", "--group", "g-launcher", "--from-beginning")
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            await().atMost(60, TimeUnit.SECONDS).until(() -> Files.readAllLines(out).size() >= 50);
            p.destroy(); // SIGTERM: the shutdown hook wakes the poll and the loop closes the consumer.
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroyForcibly();
        }
        List<String> lines = Files.readAllLines(out);
        assertThat(ids(lines)).isEqualTo(produced);
        assertThat(Files.readString(err)).contains("Processed a total of 50 messages");
        // The group committed everything it printed: a rerun has nothing left.
        Run rerun = cli("--topic", "it-launcher", "--group", "g-launcher", "--from-beginning", "--timeout-ms", "3000");
        assertThat(rerun.lines()).isEmpty();
    }
}
