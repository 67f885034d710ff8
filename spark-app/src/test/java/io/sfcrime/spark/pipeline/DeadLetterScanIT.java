package io.sfcrime.spark.pipeline;

import io.sfcrime.common.DeadLetter;
import io.sfcrime.spark.faults.Faults;
import io.sfcrime.common.gen.CallGenerator;
import io.sfcrime.common.scan.EventTimeRange;
import io.sfcrime.common.scan.RecordCorpus;
import io.sfcrime.kafkalocal.junit.KafkaLocalExtension;
import io.sfcrime.spark.sink.DeadLetterTarget;
import io.sfcrime.spark.sink.DeadLetterWriter;
import io.sfcrime.spark.sink.DeadLetters;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.header.Header;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.assertj.core.util.Throwables;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The counts query's scan writing dead letters to a real broker, in a batch query over Kafka-shaped rows (no stream, no
 * checkpoint), for both of its scans: one Spark row per record ({@link CallValidation}) and per-partition partial
 * counts ({@link PartialCounts}, {@code query.preAggregate}). Verified: the topic holds exactly the invalid records,
 * each once, with their original key and value and the scan's reason; the accumulator counts them; the counts are
 * those of the scan without a target. And a send that fails fails the task, counted nowhere. The same through the
 * whole streaming job on a topic, {@code query.dedupe} included (it needs a stream): BadInputCatalogueIT.
 */
class DeadLetterScanIT {
    @RegisterExtension
    static final KafkaLocalExtension KAFKA = new KafkaLocalExtension()
            .withJvmOptions(KafkaLocalExtension.QUICK_START_JVM_OPTIONS);
    private static final Duration WINDOW = Duration.ofHours(1);
    private static final int PARTITIONS = 3;

    /** How the counts query scans ({@code CountsQuery.preAggregates}). */
    enum Scan {
        ROW_PER_RECORD, PRE_AGGREGATE
    }

    @AfterAll
    static void stopSpark() {
        // The failsafe JVM is shared: the next IT's job must build its own session, not find this one.
        TestSpark.get().stop();
        DeadLetterWriter.closeAll();
    }

    /** The scanner's catalogue of odd values and generated calls with invalid ones of every kind. */
    private static List<byte[]> values() {
        List<byte[]> values = new ArrayList<>(RecordCorpus.values());
        CallGenerator gen = new CallGenerator(CallGenerator.Options.defaults().withCount(2000).withSeed(11)
                .withInvalidFraction(0.05));
        for (long i = 0; i < 2000; i++) {
            values.add(gen.recordBytes(i));
        }
        return values;
    }

    /** Kafka rows keyed by their index, spread over {@value #PARTITIONS} partitions; record i at {@link #at}(i). */
    private static Dataset<Row> kafkaRows(SparkSession spark, String topic, List<byte[]> values) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            rows.add(RowFactory.create(key(i), values.get(i), topic, i % PARTITIONS, (long) (i / PARTITIONS)));
        }
        // Several tasks, each with its own writer, sharing the JVM's producer.
        return spark.createDataFrame(rows, ValidationParityTest.KAFKA_ROWS).repartition(4);
    }

    private static byte[] key(int i) {
        return ("k" + i).getBytes(StandardCharsets.UTF_8);
    }

    private static String at(String topic, int i) {
        return DeadLetters.index(topic, i % PARTITIONS, i / PARTITIONS);
    }

    /** The counts, as the counts query computes them with this scan (batch data: no watermark). */
    private static List<String> counts(Scan scan, Dataset<Row> rows, DeadLetterTarget target) {
        Dataset<Row> counted = scan == Scan.PRE_AGGREGATE
                ? WindowCounts.sumPartials(PartialCounts.count(rows, EventTimeRange.defaults(), WINDOW, target), null)
                : WindowCounts.countAll(CallValidation.validate(rows, EventTimeRange.defaults(), target), WINDOW, null);
        List<String> out = new ArrayList<>();
        for (Row r : counted.collectAsList()) {
            out.add(r.mkString("|"));
        }
        out.sort(null);
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Scan.class)
    void everyInvalidRecordIsDeadLetteredOnceWithItsValueAndReasonAndTheCountsStayTheSame(Scan scan) throws Exception {
        SparkSession spark = TestSpark.get();
        String input = "calls-" + scan.name().toLowerCase();
        String dlqTopic = input + ".dlq";
        createTopic(dlqTopic);
        List<byte[]> values = values();
        Dataset<Row> rows = kafkaRows(spark, input, values);
        // The oracle: the verdict of the same scan without a target (which writes nothing), by index.
        Map<String, String> expected = new TreeMap<>();
        Map<String, Integer> record = new HashMap<>();
        for (int i = 0; i < values.size(); i++) {
            record.put(at(input, i), i);
        }
        for (Row r : CallValidation.validate(rows, EventTimeRange.defaults()).where(col(Columns.REASON).isNotNull())
                .select("partition", "offset", Columns.REASON).collectAsList()) {
            expected.put(DeadLetters.index(input, r.getInt(0), r.getLong(1)), r.getString(2));
        }
        assertThat(expected).as("invalid records in the input").hasSizeGreaterThan(100);
        List<String> withoutTarget = counts(scan, rows, null);
        assertThat(readAll(dlqTopic)).as("the scan without a target writes nothing").isEmpty();

        DeadLetterTarget target = DeadLetterTarget.create(spark, KAFKA.bootstrap(), dlqTopic);
        List<String> withTarget = counts(scan, rows, target);

        assertThat(withTarget).as("counts with dead letters written").isEqualTo(withoutTarget);
        List<ConsumerRecord<byte[], byte[]>> dead = readAll(dlqTopic);
        Map<String, Integer> copies = new TreeMap<>();
        Map<String, String> reasons = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : dead) {
            String index = header(r, DeadLetter.INDEX);
            copies.merge(index, 1, Integer::sum);
            reasons.put(index, header(r, DeadLetter.REASON));
            Integer i = record.get(index);
            assertThat(i).as("dead letter %s names an input record", index).isNotNull();
            assertThat(r.key()).as("key of %s", index).isEqualTo(key(i));
            assertThat(r.value()).as("value of %s", index).isEqualTo(values.get(i));
            assertThat(header(r, DeadLetter.MESSAGE)).as("message of %s", index).isNotBlank();
            assertThat(header(r, DeadLetter.SOURCE)).isEqualTo("spark-app");
            assertThat(header(r, DeadLetter.ORIGIN)).isEqualTo(input);
        }
        assertThat(reasons).as("dead letters by index: exactly the invalid records, with the scan's reason")
                .isEqualTo(expected);
        Map<String, Integer> repeated = new TreeMap<>(copies);
        repeated.values().removeIf(n -> n == 1);
        assertThat(repeated).as("dlq.index -> copies: a run without failures scans each record once").isEmpty();
        assertThat(target.written().sum()).as("acknowledged dead letters").isEqualTo(expected.size());
    }

    @Test
    void aDeadLetterThatCannotBeWrittenFailsTheTaskAndIsNotCounted() {
        SparkSession spark = TestSpark.get();
        Dataset<Row> rows = kafkaRows(spark, "calls", values());
        for (Scan scan : Scan.values()) {
            // Nothing listens on port 9; a short wait for metadata so the send fails in about a second. The tasks
            // share one producer: whichever fails first, its failure names the dead-letter topic (a task that fails
            // does not close the producer under the others, whose sends would then fail with a bare KafkaException).
            DeadLetterTarget nowhere = new DeadLetterTarget("127.0.0.1:9", "nowhere.dlq",
                    Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, "1000"),
                    spark.sparkContext().longAccumulator("dead letters to nowhere"));
            assertThatThrownBy(() -> counts(scan, rows, nowhere)).as(scan.name())
                    .hasStackTraceContaining("could not").hasStackTraceContaining("dead letter")
                    .hasStackTraceContaining("nowhere.dlq")
                    .satisfies(t -> assertThat(Throwables.getStackTrace(t)).doesNotContain("Producer closed"));
            assertThat(nowhere.written().sum()).as("dead letters counted by failed tasks, %s", scan).isZero();
        }
    }

    private static void createTopic(String topic) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrap());
        try (Admin admin = Admin.create(p)) {
            admin.createTopics(Set.of(new NewTopic(topic, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    /** Every record of a topic up to its end offsets now. */
    private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        return Faults.readAll(KAFKA.bootstrap(), topic);
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
