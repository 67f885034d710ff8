package io.sfcrime.spark.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sfcrime.common.Json;
import io.sfcrime.common.RadioCodes;
import io.sfcrime.common.gen.CallGenerator;
import io.sfcrime.common.scan.EventTimeRange;
import io.sfcrime.common.scan.RecordCorpus;
import io.sfcrime.spark.report.Report;
import io.sfcrime.spark.sink.DeadLetters;
import io.sfcrime.spark.sink.ResultFold;
import io.sfcrime.spark.sink.ResultRecords;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The aggregation, the radio-code join and the report rows on small batch data (no Kafka, no watermark). */
class CountsTest {
    static final RadioCodes CODES = RadioCodes.of(Map.of("ADV", "Advised", "CAN", "Cancel", "22", "Cancel"));

    static String call(String id, String type, String time, String disposition) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("crime_id", id);
        n.put("original_crime_type_name", type);
        n.put("call_date_time", time);
        if (disposition != null) {
            n.put("disposition", disposition);
        }
        return n.toString();
    }

    /** Runs the job's transforms on batch data and folds the result records like the report does. */
    static ObjectNode report(List<String> values, Duration window, boolean preAggregate) {
        List<byte[]> bytes = new ArrayList<>();
        values.forEach(v -> bytes.add(v.getBytes(StandardCharsets.UTF_8)));
        return reportOfBytes(bytes, window, preAggregate);
    }

    /** {@link #report} of raw values, counted row by row or pre-aggregated ({@code query.preAggregate}). */
    static ObjectNode reportOfBytes(List<byte[]> bytes, Duration window, boolean preAggregate) {
        SparkSession spark = TestSpark.get();
        // Several partitions, so that partial counts of one key meet in the aggregation.
        Dataset<Row> kafkaRows = ValidationParityTest.kafkaRows(spark, bytes).repartition(4);
        Dataset<Row> counted = preAggregate
                ? WindowCounts.sumPartials(PartialCounts.count(kafkaRows, EventTimeRange.defaults(), window), null)
                : WindowCounts.countAll(CallValidation.validate(kafkaRows), window, null);
        Dataset<Row> described = RadioCodeJoin.describe(counted, RadioCodeJoin.table(spark, CODES), window);
        ResultFold fold = new ResultFold();
        for (Row r : ResultRecords.toRecords(described, 0, "q").select("key", "value").collectAsList()) {
            fold.add(r.getString(0), parse(r.getString(1)));
        }
        return Report.build(fold, Map.of("k", "v"));
    }

    static JsonNode parse(String s) {
        try {
            return Json.MAPPER.readTree(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> rows(ObjectNode report, String field) {
        List<String> out = new ArrayList<>();
        report.get(field).forEach(n -> out.add(n.toString()));
        return out;
    }

    @ParameterizedTest(name = "preAggregate {0}")
    @ValueSource(booleans = {false, true})
    void windowsAreSanFranciscoHoursIncludingDaylightSavingDays(boolean preAggregate) {
        ObjectNode r = report(List.of(
                call("1", "Traffic Stop", "2018-12-31T23:57:00.000", "ADV"),
                call("2", "Traffic Stop", "2018-12-31T23:00:00", "ADV"),
                call("3", "Traffic Stop", "2018-12-31T22:59:59.999", "ADV"),
                // Spring forward: 01:00 PST to 02:00 PST is 03:00 PDT, so that window ends at 03:00 local.
                call("4", "Theft", "2019-03-10T01:30:00", "ADV"),
                call("5", "Theft", "2019-03-10T03:10:00", "ADV")), Duration.ofHours(1), preAggregate);
        assertThat(rows(r, "by_window_crime_type")).containsExactly(
                "{\"window_start\":\"2018-12-31 22:00:00\",\"window_end\":\"2018-12-31 23:00:00\",\"crime_type\":\"Traffic Stop\",\"count\":1}",
                "{\"window_start\":\"2018-12-31 23:00:00\",\"window_end\":\"2019-01-01 00:00:00\",\"crime_type\":\"Traffic Stop\",\"count\":2}",
                "{\"window_start\":\"2019-03-10 01:00:00\",\"window_end\":\"2019-03-10 03:00:00\",\"crime_type\":\"Theft\",\"count\":1}",
                "{\"window_start\":\"2019-03-10 03:00:00\",\"window_end\":\"2019-03-10 04:00:00\",\"crime_type\":\"Theft\",\"count\":1}");
        assertThat(r.get("valid_rows").asLong()).isEqualTo(5);
        assertThat(r.get("late_rows_dropped").asLong()).isZero();
    }

    @ParameterizedTest(name = "preAggregate {0}")
    @ValueSource(booleans = {false, true})
    void dispositionsJoinOnTheCodeWithUnknownAndMissingCodes(boolean preAggregate) {
        ObjectNode r = report(List.of(
                call("1", "Theft", "2018-12-31T23:01:00", "ADV"),
                call("2", "Theft", "2018-12-31T23:02:00", "ADV"),
                call("3", "Theft", "2018-12-31T23:03:00", "CAN"),
                call("4", "Theft", "2018-12-31T23:04:00", "22"),
                call("5", "Theft", "2018-12-31T23:05:00", "Not recorded"),
                call("6", "Theft", "2018-12-31T23:06:00", null),
                call("7", "Theft", "2018-12-31T23:07:00", "")), Duration.ofHours(1), preAggregate);
        String w = "\"window_start\":\"2018-12-31 23:00:00\",\"window_end\":\"2019-01-01 00:00:00\",\"crime_type\":\"Theft\",";
        assertThat(rows(r, "by_window_crime_type_disposition")).containsExactly(
                "{" + w + "\"disposition\":null,\"disposition_description\":null,\"count\":1}",
                "{" + w + "\"disposition\":\"\",\"disposition_description\":\"\",\"count\":1}",
                "{" + w + "\"disposition\":\"22\",\"disposition_description\":\"Cancel\",\"count\":1}",
                "{" + w + "\"disposition\":\"ADV\",\"disposition_description\":\"Advised\",\"count\":2}",
                "{" + w + "\"disposition\":\"CAN\",\"disposition_description\":\"Cancel\",\"count\":1}",
                "{" + w + "\"disposition\":\"Not recorded\",\"disposition_description\":\"Not recorded\",\"count\":1}");
        assertThat(rows(r, "by_window_crime_type")).containsExactly("{" + w + "\"count\":7}");
    }

    @ParameterizedTest(name = "preAggregate {0}")
    @ValueSource(booleans = {false, true})
    void invalidRowsAreCountedWithTheirReasons(boolean preAggregate) {
        ObjectNode r = report(List.of(
                call("1", "Theft", "2018-12-31T23:01:00", "ADV"),
                call("2", "", "2018-12-31T23:02:00", "ADV"),
                call("3", "Theft", "2019-02-30T10:00:00", "ADV"),
                call("4", "Theft", "12/31/2018 11:57 PM", "ADV"),
                call("5", "Theft", "2018-12-31T23:57:00Z", "ADV"),
                "{\"crime_id\":5,\"original_crime_type_name\":\"T\",\"call_date_time\":\"2018-12-31T23:01:00\"}",
                "not json", "[1]"), Duration.ofHours(1), preAggregate);
        assertThat(r.get("input_rows").asLong()).isEqualTo(8);
        assertThat(r.get("valid_rows").asLong()).isEqualTo(1);
        assertThat(r.get("invalid_rows").asLong()).isEqualTo(7);
        assertThat(r.get("invalid_by_reason").toString()).isEqualTo("{\"empty_field\":1,\"malformed_json\":1,"
                + "\"not_an_object\":1,\"unparseable_date_time\":2,\"wrong_type\":1,\"zoned_date_time\":1}");
        assertThat(r.get("settings").toString()).isEqualTo("{\"k\":\"v\"}");
    }

    /**
     * {@code query.preAggregate} counts exactly what the row-per-record path counts: the whole report, over the
     * scanner's catalogue of odd and invalid values plus generated calls (several windows, invalid ones of every
     * kind), split over several partitions so that partial counts of one key meet in the aggregation.
     */
    @Test
    void preAggregatedCountsEqualTheRowPerRecordCounts() {
        List<byte[]> values = new ArrayList<>(RecordCorpus.values());
        CallGenerator gen = new CallGenerator(CallGenerator.Options.defaults().withCount(3000).withSeed(7)
                .withInvalidFraction(0.1));
        for (long i = 0; i < 3000; i++) {
            values.add(gen.recordBytes(i));
        }
        ObjectNode rowPerRecord = reportOfBytes(values, Duration.ofHours(1), false);
        ObjectNode preAggregated = reportOfBytes(values, Duration.ofHours(1), true);
        assertThat(rowPerRecord.get("by_window_crime_type").size()).isGreaterThan(20);
        assertThat(rowPerRecord.get("invalid_rows").asLong()).isGreaterThan(300);
        assertThat(preAggregated.toString()).isEqualTo(rowPerRecord.toString());
    }

    /**
     * The dead letter the scan's tasks send for an invalid record: the original key and value, the scan's verdict as
     * headers, and where the record stood in the input. Their way to a real broker, from both scan paths:
     * DeadLetterScanIT.
     */
    @Test
    void deadLettersCarryTheOriginalValueAndReasonHeaders() {
        SparkSession spark = TestSpark.get();
        byte[] bad = call("3", "Theft", "2019-02-30T10:00:00", "ADV").getBytes(StandardCharsets.UTF_8);
        byte[] good = call("1", "Theft", "2018-12-31T23:01:00", "ADV").getBytes(StandardCharsets.UTF_8);
        // The verdicts the scan hands the dead-letter writer, with the record's place in the input.
        List<Row> verdicts = CallValidation.validate(ValidationParityTest.kafkaRows(spark, List.of(good, bad)))
                .orderBy("offset").select("topic", "partition", "offset", Columns.REASON, Columns.MESSAGE)
                .collectAsList();
        assertThat(verdicts.get(0).isNullAt(3)).as("the valid record has no reason").isTrue();
        Row v = verdicts.get(1);
        byte[] key = "3".getBytes(StandardCharsets.UTF_8);
        ProducerRecord<byte[], byte[]> dlq = DeadLetters.record("calls.dlq", v.getString(0), v.getInt(1), v.getLong(2),
                key, bad, v.getString(3), v.getString(4));
        assertThat(dlq.topic()).isEqualTo("calls.dlq");
        assertThat(dlq.partition()).as("left to the producer's partitioner").isNull();
        assertThat(dlq.key()).isEqualTo(key);
        assertThat(dlq.value()).isEqualTo(bad);
        Map<String, String> h = new java.util.LinkedHashMap<>();
        dlq.headers().forEach(x -> h.put(x.key(), new String(x.value(), StandardCharsets.UTF_8)));
        assertThat(h).containsExactly(Map.entry("dlq.reason", "unparseable_date_time"),
                Map.entry("dlq.message", "call_date_time '2019-02-30T10:00:00' is not a real date-time"),
                Map.entry("dlq.index", "calls-0@1"),
                Map.entry("dlq.source", "spark-app"),
                Map.entry("dlq.origin", "calls"));
        // The index names the record by topic, partition and offset: how a reader drops the copies a replay writes.
        assertThat(DeadLetters.index("calls.v2", 7, 1234L)).isEqualTo("calls.v2-7@1234");
    }
}
