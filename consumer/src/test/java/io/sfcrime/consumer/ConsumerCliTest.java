package io.sfcrime.consumer;

import com.fasterxml.jackson.databind.JsonNode;
import io.sfcrime.common.DeadLetter;
import io.sfcrime.common.Json;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ConsumerCliTest {
    private static final String TOPIC = "calls";
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
    private static final TopicPartition P1 = new TopicPartition(TOPIC, 1);

    /** Keeps its state readable after the CLI closed it, so tests can check assignment and commits. */
    static class InspectableConsumer extends MockConsumer<byte[], byte[]> {
        boolean closeCalled;

        InspectableConsumer() {
            super(OffsetResetStrategy.EARLIEST);
        }

        @Override
        public synchronized void close(Duration timeout) {
            closeCalled = true;
        }
    }

    private InspectableConsumer consumer;
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

    @BeforeEach
    void topicWithTwoPartitions() {
        consumer = new InspectableConsumer();
        Node node = new Node(0, "127.0.0.1", 9092);
        consumer.updatePartitions(TOPIC, List.of(
                new PartitionInfo(TOPIC, 0, node, new Node[] {node}, new Node[] {node}),
                new PartitionInfo(TOPIC, 1, node, new Node[] {node}, new Node[] {node})));
        consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
    }

    private int run(String... args) {
        ConsumerCli cli = new ConsumerCli(new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8), s -> consumer, false);
        return ConsumerCli.commandLine(cli).execute(args);
    }

    private List<String> lines() {
        String text = stdout.toString(StandardCharsets.UTF_8);
        return text.isEmpty() ? List.of() : List.of(text.split("\n"));
    }

    private static String call(int id, String type) {
        return "{\"crime_id\":\"" + id + "\",\"original_crime_type_name\":\"" + type
                + "\",\"call_date_time\":\"2018-12-31T23:57:00.000\"}";
    }

    private static ConsumerRecord<byte[], byte[]> record(TopicPartition tp, long offset, String key, byte[] value,
                                                         RecordHeaders headers) {
        return new ConsumerRecord<>(tp.topic(), tp.partition(), offset, 0L, TimestampType.CREATE_TIME, -1, -1,
                key == null ? null : key.getBytes(StandardCharsets.UTF_8), value, headers, Optional.empty());
    }

    private static ConsumerRecord<byte[], byte[]> record(TopicPartition tp, long offset, String value) {
        return record(tp, offset, null, value.getBytes(StandardCharsets.UTF_8), new RecordHeaders());
    }

    /** Records become visible to poll only once partitions are assigned, so add them from a poll task. */
    private void onFirstPoll(List<ConsumerRecord<byte[], byte[]>> records) {
        consumer.schedulePollTask(() -> records.forEach(consumer::addRecord));
    }

    @Test
    void withoutGroupAssignsEveryPartitionPrintsJsonAndCommitsNothing() throws IOException {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            records.add(record(i % 2 == 0 ? P0 : P1, i / 2, call(100 + i, "Passing Call")));
        }
        onFirstPoll(records);
        int rc = run("--topic", TOPIC, "--from-beginning", "--timeout-ms", "300");

        assertThat(rc).isZero();
        assertThat(consumer.assignment()).containsExactlyInAnyOrder(P0, P1);
        assertThat(consumer.subscription()).isEmpty();
        assertThat(consumer.committed(Set.of(P0, P1)).values()).allMatch(o -> o == null);
        List<String> ids = new ArrayList<>();
        for (String line : lines()) {
            ids.add(Json.MAPPER.readTree(line).get("crime_id").asText());
        }
        assertThat(ids).containsExactlyInAnyOrder("100", "101", "102", "103", "104");
        assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("Processed a total of 5 messages");
        assertThat(consumer.closeCalled).isTrue();
    }

    @Test
    void withoutFromBeginningStartsAtTheEnd() {
        consumer.updateEndOffsets(Map.of(P0, 7L, P1, 3L));
        assertThat(run("--timeout-ms", "200")).isZero();
        assertThat(consumer.position(P0)).isEqualTo(7L);
        assertThat(consumer.position(P1)).isEqualTo(3L);
    }

    @Test
    void withGroupSubscribesAndCommitsOnlyWhatWasPrinted() {
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(P0, P1));
            for (int i = 0; i < 10; i++) {
                consumer.addRecord(record(P0, i, call(i, "Traffic Stop")));
            }
        });
        int rc = run("--group", "g1", "--from-beginning", "--max-messages", "4");

        assertThat(rc).isZero();
        assertThat(consumer.subscription()).containsExactly(TOPIC);
        assertThat(lines()).hasSize(4);
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.of(P0));
        assertThat(committed.get(P0).offset()).isEqualTo(4L);
    }

    @Test
    void maxMessagesStopsWithoutWaitingForTheTimeout() {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            records.add(record(P1, i, call(i, "Traffic Stop")));
        }
        onFirstPoll(records);
        assertThat(run("--from-beginning", "--max-messages", "3")).isZero();
        assertThat(lines()).hasSize(3);
        assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("Processed a total of 3 messages");
    }

    @Test
    void expectMessagesFailsWhenTheTimeoutComesFirstAndPassesWhenEnoughArrive(@org.junit.jupiter.api.io.TempDir
                                                                                java.nio.file.Path dir) throws IOException {
        java.nio.file.Path alive = dir.resolve("alive");
        onFirstPoll(List.of(record(P0, 0, call(1, "Traffic Stop"))));
        assertThat(run("--from-beginning", "--max-messages", "2", "--timeout-ms", "100", "--expect-messages",
                "--alive-file", alive.toString())).isEqualTo(5);
        assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("expected 2 records from " + TOPIC + ", read 1");
        assertThat(alive).exists();

        topicWithTwoPartitions();
        onFirstPoll(List.of(record(P0, 0, call(1, "Traffic Stop")), record(P1, 0, call(2, "Traffic Stop"))));
        assertThat(run("--from-beginning", "--max-messages", "2", "--timeout-ms", "100", "--expect-messages")).isZero();

        assertThat(run("--expect-messages", "--max-messages", "2")).as("--expect-messages without --timeout-ms")
                .isEqualTo(2);
    }

    @Test
    void idleTimeoutEndsAnEmptyTopic() {
        assertThat(run("--from-beginning", "--timeout-ms", "100")).isZero();
        assertThat(lines()).isEmpty();
        assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("no record for 100 ms")
                .contains("Processed a total of 0 messages");
    }

    @Test
    void wakeupEndsTheLoopCleanly() {
        onFirstPoll(List.of(record(P0, 0, call(1, "Fire"))));
        // Second poll: what the shutdown hook does on Ctrl-C.
        consumer.schedulePollTask(() -> { });
        consumer.schedulePollTask(consumer::wakeup);
        assertThat(run("--from-beginning")).isZero();
        assertThat(lines()).hasSize(1);
        assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("Processed a total of 1 messages");
        assertThat(consumer.closeCalled).isTrue();
    }

    @Test
    void missingTopicIsAClearNonZeroExit() {
        assertThat(run("--topic", "nope", "--timeout-ms", "100")).isEqualTo(ConsumerCli.EXIT_NO_TOPIC);
        assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("topic 'nope' does not exist");
        assertThat(lines()).isEmpty();
    }

    @Test
    void negativeLimitsAreRejectedAndZeroMeansNoLimit() {
        // Issue 16: --max-messages -1 was accepted (and meant "no limit").
        assertThat(run("--max-messages", "-1")).isEqualTo(2);
        assertThat(stderr.toString(StandardCharsets.UTF_8))
                .contains("--max-messages must be a positive count, or 0 for no limit, got -1");
        assertThat(run("--timeout-ms", "-5")).isEqualTo(2);
        assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("--timeout-ms must be a positive number");
    }

    @Test
    void unreachableBrokerIsAClearNonZeroExit() {
        consumer = new InspectableConsumer() {
            @Override
            public synchronized List<PartitionInfo> partitionsFor(String topic, Duration timeout) {
                throw new TimeoutException("Timeout expired while fetching topic metadata");
            }
        };
        assertThat(run("--bootstrap", "10.0.0.1:9092", "--metadata-timeout-ms", "50"))
                .isEqualTo(ConsumerCli.EXIT_UNREACHABLE);
        assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("cannot reach Kafka at 10.0.0.1:9092");
    }

    @Test
    void jsonFormatPutsEachValueOnOneLineWhateverItWas() throws IOException {
        byte[] notUtf8 = {'{', '"', 'a', '"', ':', '"', (byte) 0xFF, (byte) 0xFE, '"', '}'};
        onFirstPoll(List.of(
                record(P0, 0, "{\n    \"crime_id\": \"1\",\n    \"x\": [1,\n 2]\n}"),
                record(P0, 1, "{\"crime_id\": \"2\" \"original_crime_type_name\": \"x\"}"),
                record(P0, 2, null, notUtf8, new RecordHeaders()),
                record(P0, 3, null, null, new RecordHeaders()),
                record(P0, 4, "42")));
        run("--from-beginning", "--timeout-ms", "200");

        List<String> lines = lines();
        assertThat(lines).hasSize(5);
        for (String line : lines) {
            Json.MAPPER.readTree(line);
        }
        assertThat(Json.MAPPER.readTree(lines.get(0)).get("x").size()).isEqualTo(2);
        assertThat(Json.MAPPER.readTree(lines.get(1)).asText()).contains("\"crime_id\": \"2\" \"original");
        assertThat(Json.MAPPER.readTree(lines.get(2)).asText()).isEqualTo("{\"a\":\"\\xFF\\xFE\"}");
        assertThat(lines.get(3)).isEqualTo("null");
        assertThat(lines.get(4)).isEqualTo("42");
    }

    @Test
    void keyAndDeadLetterHeadersGoIntoAnEnvelope() throws IOException {
        RecordHeaders headers = new RecordHeaders();
        headers.add(new RecordHeader(DeadLetter.REASON, "invalid_utf8".getBytes(StandardCharsets.UTF_8)));
        headers.add(new RecordHeader(DeadLetter.INDEX, "17".getBytes(StandardCharsets.UTF_8)));
        onFirstPoll(List.of(record(P0, 0, "183653763", "not json".getBytes(StandardCharsets.UTF_8), headers)));
        run("--from-beginning", "--timeout-ms", "200", "--print-key", "--print-headers");

        assertThat(lines()).hasSize(1);
        JsonNode envelope = Json.MAPPER.readTree(lines().get(0));
        assertThat(envelope.get("key").asText()).isEqualTo("183653763");
        assertThat(envelope.get("headers").get(DeadLetter.REASON).asText()).isEqualTo("invalid_utf8");
        assertThat(envelope.get("headers").get(DeadLetter.INDEX).asText()).isEqualTo("17");
        assertThat(envelope.get("value").asText()).isEqualTo("not json");
    }

    @Test
    void prettyFormatIndents() {
        onFirstPoll(List.of(record(P0, 0, call(5, "Fire"))));
        run("--from-beginning", "--timeout-ms", "200", "--format", "pretty");
        String text = stdout.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("\n  \"crime_id\" : \"5\",\n");
        assertThat(lines().size()).isGreaterThan(3);
    }

    @Test
    void tableFormatRanksInputRecordsByCrimeType() {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        String[] types = {"Passing Call", "Traffic Stop", "Passing Call", "Fire", "Passing Call", "Traffic Stop"};
        for (int i = 0; i < types.length; i++) {
            records.add(record(P0, i, call(i, types[i])));
        }
        RecordHeaders dlq = new RecordHeaders();
        dlq.add(new RecordHeader(DeadLetter.REASON, "not_an_object".getBytes(StandardCharsets.UTF_8)));
        records.add(record(P0, types.length, null, "42".getBytes(StandardCharsets.UTF_8), dlq));
        onFirstPoll(records);
        run("--from-beginning", "--timeout-ms", "200", "--format", "table", "--top", "2");

        List<String> lines = lines();
        assertThat(lines.get(1)).matches("\\s+1\\s+Passing Call\\s+3\\s+42\\.9%");
        assertThat(lines.get(2)).matches("\\s+2\\s+Traffic Stop\\s+2\\s+28\\.6%");
        assertThat(lines).hasSize(4);
        assertThat(lines.get(3)).startsWith("7 records, 4 crime types, 7 calls counted");
    }

    @Test
    void tableOfResultRowsKeepsTheLatestCountPerKey() {
        TablePrinter table = new TablePrinter(new PrintStream(stdout), 10, false, System::nanoTime);
        Map<String, String> rows = new HashMap<>();
        rows.put("w1|Fire|HAN", "{\"window_start\":\"2018-12-31 23:00:00\",\"crime_type\":\"Fire\",\"count\":1}");
        table.print(record(P0, 0, "w1|Fire|HAN", rows.get("w1|Fire|HAN").getBytes(StandardCharsets.UTF_8),
                new RecordHeaders()));
        // An update of the same row replaces, not adds.
        table.print(record(P0, 1, "w1|Fire|HAN",
                "{\"crime_type\":\"Fire\",\"count\":4}".getBytes(StandardCharsets.UTF_8), new RecordHeaders()));
        table.print(record(P0, 2, "w2|Fire|ADV",
                "{\"crime_type\":\"Fire\",\"count\":2}".getBytes(StandardCharsets.UTF_8), new RecordHeaders()));
        table.print(record(P0, 3, "w1|Traffic Stop|ADV",
                "{\"crime_type\":\"Traffic Stop\",\"count\":5}".getBytes(StandardCharsets.UTF_8), new RecordHeaders()));
        assertThat(table.ranking()).containsExactly(Map.entry("Fire", 6L), Map.entry("Traffic Stop", 5L));
    }

    @Test
    void liveTableRedrawsAtMostOncePerSecond() {
        long[] now = {0};
        ByteArrayOutputStream screen = new ByteArrayOutputStream();
        TablePrinter table = new TablePrinter(new PrintStream(screen, true, StandardCharsets.UTF_8), 5, true,
                () -> now[0]);
        table.print(record(P0, 0, call(1, "Fire")));
        table.afterPoll();
        assertThat(screen.size()).isZero();
        now[0] = TablePrinter.REFRESH_NANOS;
        table.afterPoll();
        assertThat(screen.toString(StandardCharsets.UTF_8)).contains("\033[H\033[2J").contains("Fire");
    }

    @Test
    void helpAndBadOptions() {
        assertThat(run("--help")).isZero();
        assertThat(stdout.toString(StandardCharsets.UTF_8)).contains("--from-beginning").contains("--format");
        assertThat(run("--format", "xml")).isEqualTo(2);
        assertThat(run("--top", "0")).isEqualTo(2);
    }

    @Test
    void safeTextEscapesInvalidBytesAndControlCharacters() {
        assertThat(SafeText.lenient(new byte[] {'a', (byte) 0xC3, '(', 'b'})).isEqualTo("a\\xC3(b");
        assertThat(SafeText.lenient("é".getBytes(StandardCharsets.UTF_8))).isEqualTo("é");
        assertThat(SafeText.printable("a\033[2Jb\tc")).isEqualTo("a\\u001b[2Jb\tc");
    }
}
