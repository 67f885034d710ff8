package io.sfcrime.producer;

import com.fasterxml.jackson.databind.JsonNode;
import io.sfcrime.common.DeadLetter;
import io.sfcrime.common.Invalid;
import io.sfcrime.common.Json;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CallProducerTest {
    @TempDir
    Path dir;

    final MockProducer<String, byte[]> mock = new MockProducer<>(true, new StringSerializer(), new ByteArraySerializer());
    final ManualClock clock = new ManualClock();
    final StringWriter errText = new StringWriter();

    static String record(String id, String time) {
        return "{\"crime_id\":\"" + id + "\",\"original_crime_type_name\":\"Passing Call\",\"call_date_time\":\""
                + time + "\",\"disposition\":\"HAN\"}";
    }

    static String record(String id) {
        return record(id, "2018-12-31T23:57:00.000");
    }

    Path write(String content) throws IOException {
        return write(content.getBytes(StandardCharsets.UTF_8));
    }

    Path write(byte[] content) throws IOException {
        Path p = Files.createTempFile(dir, "in", ".json");
        Files.write(p, content);
        return p;
    }

    ProduceSummary run(Path input, ProduceOptions.Builder b) throws InputException {
        ProduceOptions o = b.input(input).build().validate();
        return new CallProducer(o, mock, InputSource.file(input), new PrintWriter(errText, true), clock).run();
    }

    ProduceSummary run(Path input) throws InputException {
        return run(input, ProduceOptions.builder());
    }

    List<ProducerRecord<String, byte[]>> onTopic(String topic) {
        return mock.history().stream().filter(r -> r.topic().equals(topic)).toList();
    }

    List<String> keys(String topic) {
        return onTopic(topic).stream().map(ProducerRecord::key).toList();
    }

    static String header(ProducerRecord<String, byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Test
    void validRecordsGoToTheTopicKeyedByCrimeIdAsCompactJsonAndInvalidOnesToTheDeadLetterTopic() throws Exception {
        String spaced = "{\n    \"crime_id\": \"2\",\n    \"original_crime_type_name\": \"Theft\",\n"
                + "    \"call_date_time\": \"2018-12-31T23:00:00\"\n}";
        Path in = write("[\n" + record("1") + ",\n" + spaced + ",\n"
                + "{\"crime_id\":\"3\",\"original_crime_type_name\":\"x\",\"call_date_time\":\"2018-13-01T00:00:00\"},\n"
                + "[1,2],\n"
                + "{\"crime_id\":4,\"original_crime_type_name\":\"x\",\"call_date_time\":\"2018-12-01T00:00:00\"},\n"
                + "{\"crime_id\":\"5\",\"original_crime_type_name\":\"x\"},\n"
                + "{\"crime_id\":\"6\",\"original_crime_type_name\":\"x\",\"call_date_time\":\"2018-12-01T00:00:00Z\"},\n"
                + "{\"crime_id\":\"7\" \"oops\"},\n"
                + record("8") + "\n]\n");

        ProduceSummary s = run(in);

        assertThat(keys("calls")).containsExactly("1", "2", "8");
        JsonNode second = Json.MAPPER.readTree(onTopic("calls").get(1).value());
        assertThat(new String(onTopic("calls").get(1).value(), StandardCharsets.UTF_8))
                .isEqualTo("{\"crime_id\":\"2\",\"original_crime_type_name\":\"Theft\","
                        + "\"call_date_time\":\"2018-12-31T23:00:00\"}");
        assertThat(second.get("crime_id").asText()).isEqualTo("2");
        assertThat(new String(onTopic("calls").get(0).value(), StandardCharsets.UTF_8)).isEqualTo(record("1"));

        List<ProducerRecord<String, byte[]>> dlq = onTopic("calls.dlq");
        assertThat(dlq).extracting(r -> header(r, DeadLetter.REASON)).containsExactly(
                Invalid.UNPARSEABLE_DATE_TIME, Invalid.NOT_AN_OBJECT, Invalid.WRONG_TYPE, Invalid.MISSING_FIELD,
                Invalid.ZONED_DATE_TIME, Invalid.MALFORMED_JSON);
        assertThat(dlq).extracting(r -> header(r, DeadLetter.INDEX)).containsExactly("2", "3", "4", "5", "6", "7");
        assertThat(dlq).allSatisfy(r -> {
            assertThat(header(r, DeadLetter.SOURCE)).isEqualTo("producer");
            assertThat(header(r, DeadLetter.ORIGIN)).isEqualTo(in.toString());
            assertThat(header(r, DeadLetter.MESSAGE)).isNotBlank();
        });
        assertThat(new String(dlq.get(1).value(), StandardCharsets.UTF_8)).isEqualTo("[1,2]");
        assertThat(new String(dlq.get(5).value(), StandardCharsets.UTF_8)).isEqualTo("{\"crime_id\":\"7\" \"oops\"}");

        assertThat(s.read()).isEqualTo(9);
        assertThat(s.sent()).isEqualTo(3);
        assertThat(s.invalid()).isEqualTo(6);
        assertThat(s.deadLettered()).isEqualTo(6);
        assertThat(s.failed()).isZero();
        assertThat(s.invalidByReason()).containsEntry(Invalid.MALFORMED_JSON, 1L).hasSize(6);
    }

    @Test
    void realSampleShapedNdjsonWithBlankLinesIsRead() throws Exception {
        Path in = write(record("1") + "\n\n" + record("2") + "\r\n   \n" + record("3"));
        ProduceSummary s = run(in);
        assertThat(keys("calls")).containsExactly("1", "2", "3");
        assertThat(s.invalid()).isZero();
    }

    @Test
    void truncatedArraySendsEverythingBeforeTheCutAndDeadLettersThePartialRecord() throws Exception {
        String full = "[" + record("1") + "," + record("2") + "," + record("3") + "]";
        Path in = write(full.substring(0, full.length() - 20));
        ProduceSummary s = run(in);
        assertThat(keys("calls")).containsExactly("1", "2");
        assertThat(onTopic("calls.dlq")).singleElement().satisfies(r -> {
            assertThat(header(r, DeadLetter.REASON)).isEqualTo(Invalid.MALFORMED_JSON);
            assertThat(header(r, DeadLetter.MESSAGE)).contains("truncated");
            assertThat(header(r, DeadLetter.INDEX)).isEqualTo("2");
        });
        assertThat(s.read()).isEqualTo(3);
    }

    @Test
    void implausibleEventTimesAreDeadLetteredAndNeighboursAreSent() throws Exception {
        // Issue 16: a record in year 9999 (or 2108 for 2018) would move spark-app's watermark there for good.
        ProduceSummary s = run(write("[" + record("1") + "," + record("2", "9999-12-31T23:00:00") + ","
                + record("3", "1969-12-31T23:59:59") + "," + record("4") + "]"));
        assertThat(keys("calls")).containsExactly("1", "4");
        assertThat(onTopic("calls.dlq")).hasSize(2).allSatisfy(r ->
                assertThat(header(r, DeadLetter.REASON)).isEqualTo(Invalid.IMPLAUSIBLE_DATE_TIME));
        assertThat(header(onTopic("calls.dlq").get(0), DeadLetter.MESSAGE))
                .startsWith("call_date_time '9999-12-31T23:00:00' is more than 1 day after the clock");
        assertThat(header(onTopic("calls.dlq").get(1), DeadLetter.MESSAGE))
                .isEqualTo("call_date_time '1969-12-31T23:59:59' is before 1970-01-01, the earliest plausible date "
                        + "(validation.minEventTime)");
        assertThat(s.invalid()).isEqualTo(2);
    }

    @Test
    void theEventTimeRangeIsTheOptionsOne() throws Exception {
        ProduceOptions.Builder b = ProduceOptions.builder().eventTimeRange(new io.sfcrime.common.scan.EventTimeRange(
                java.time.LocalDate.of(2019, 1, 1), java.time.Duration.ofDays(1)));
        run(write("[" + record("1") + "," + record("2", "2019-01-01T00:00:00") + "]"), b);
        assertThat(keys("calls")).containsExactly("2");
    }

    @Test
    void invalidUtf8IsDeadLetteredWithTheOriginalBytesAndNeighboursAreSent() throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(("[" + record("1") + ",").getBytes(StandardCharsets.UTF_8));
        byte[] bad = record("2").replace("Passing Call", "Passing\u00ff").getBytes(StandardCharsets.ISO_8859_1);
        b.writeBytes(bad);
        b.writeBytes(("," + record("3") + "]").getBytes(StandardCharsets.UTF_8));
        ProduceSummary s = run(write(b.toByteArray()));
        assertThat(keys("calls")).containsExactly("1", "3");
        ProducerRecord<String, byte[]> dead = onTopic("calls.dlq").get(0);
        assertThat(header(dead, DeadLetter.REASON)).isEqualTo(Invalid.INVALID_UTF8);
        assertThat(header(dead, DeadLetter.MESSAGE)).contains("0xFF");
        assertThat(dead.value()).isEqualTo(bad);
        assertThat(s.invalid()).isEqualTo(1);
    }

    @Test
    void aTenMegabyteFieldIsRejectedAsTooLargeWithAClippedValueAndTheNextRecordIsSent() throws Exception {
        String huge = record("2").replace("Passing Call", "x".repeat(10 * 1024 * 1024));
        Path in = write("[" + record("1") + "," + huge + "," + record("3") + "]");
        ProduceSummary s = run(in, ProduceOptions.builder().maxRecordBytes(4096));
        assertThat(keys("calls")).containsExactly("1", "3");
        ProducerRecord<String, byte[]> dead = onTopic("calls.dlq").get(0);
        assertThat(header(dead, DeadLetter.REASON)).isEqualTo(Invalid.TOO_LARGE);
        assertThat(header(dead, DeadLetter.INDEX)).isEqualTo("1");
        assertThat(header(dead, CallProducer.HEADER_CLIPPED)).isEqualTo("true");
        assertThat(header(dead, CallProducer.HEADER_ORIGINAL_BYTES)).isEqualTo(Integer.toString(huge.length()));
        assertThat(dead.value()).hasSize(4096);
        assertThat(s.invalidByReason()).containsEntry(Invalid.TOO_LARGE, 1L);
    }

    @Test
    void emptyInputSendsNothingAndSaysSo() throws Exception {
        ProduceSummary s = run(write(""), ProduceOptions.builder().loops(ProduceOptions.FOREVER));
        assertThat(mock.history()).isEmpty();
        assertThat(s.read()).isZero();
        assertThat(errText.toString()).contains("is empty");
    }

    @Test
    void loopRepeatsTheInputAndLoopSuffixMakesIdsUnique() throws Exception {
        Path in = write("[" + record("1") + "," + record("2") + ",{}]");
        run(in, ProduceOptions.builder().loops(3));
        assertThat(keys("calls")).containsExactly("1", "2", "1", "2", "1", "2");
        assertThat(onTopic("calls.dlq")).extracting(r -> header(r, CallProducer.HEADER_PASS))
                .containsExactly("0", "1", "2");

        mock.clear();
        ProduceSummary s = run(in, ProduceOptions.builder().loops(3).loopSuffix(true));
        assertThat(keys("calls")).containsExactly("1", "2", "1-1", "2-1", "1-2", "2-2");
        JsonNode last = Json.MAPPER.readTree(onTopic("calls").get(5).value());
        assertThat(last.get("crime_id").asText()).isEqualTo("2-2");
        assertThat(s.read()).isEqualTo(9);
        assertThat(s.sent()).isEqualTo(6);
    }

    @Test
    void loopShiftTimeMovesEachPassForwardByTheInputsSpanInWholeHours() throws Exception {
        // The first pass spans 1 h 13 min: each later pass moves 2 h further, keeping the text's form.
        Path in = write("[" + record("1", "2018-12-31T23:57:00.000") + ",{}," + record("2", "2019-01-01T01:10:00")
                + "]");
        ProduceSummary s = run(in, ProduceOptions.builder().loops(3).loopSuffix(true).loopShiftTime(true));
        assertThat(onTopic("calls")).extracting(r -> Json.MAPPER.readTree(r.value()).get("call_date_time").asText())
                .containsExactly("2018-12-31T23:57:00.000", "2019-01-01T01:10:00",
                        "2019-01-01T01:57:00.000", "2019-01-01T03:10:00",
                        "2019-01-01T03:57:00.000", "2019-01-01T05:10:00");
        assertThat(keys("calls")).containsExactly("1", "2", "1-1", "2-1", "1-2", "2-2");
        assertThat(s.sent()).isEqualTo(6);
        assertThat(s.invalid()).isEqualTo(3);

        // Without --loop-suffix the ids repeat but time still moves; without the option nothing moves.
        mock.clear();
        run(in, ProduceOptions.builder().loops(2).loopShiftTime(true));
        assertThat(keys("calls")).containsExactly("1", "2", "1", "2");
        assertThat(Json.MAPPER.readTree(onTopic("calls").get(3).value()).get("call_date_time").asText())
                .isEqualTo("2019-01-01T03:10:00");
        mock.clear();
        run(in, ProduceOptions.builder().loops(2));
        assertThat(Json.MAPPER.readTree(onTopic("calls").get(3).value()).get("call_date_time").asText())
                .isEqualTo("2019-01-01T01:10:00");
    }

    @Test
    void limitCountsRecordsReadOverAllPasses() throws Exception {
        Path in = write("[" + record("1") + ",{}," + record("2") + "]");
        ProduceSummary s = run(in, ProduceOptions.builder().loops(ProduceOptions.FOREVER).limit(7));
        assertThat(s.read()).isEqualTo(7);
        assertThat(keys("calls")).containsExactly("1", "2", "1", "2", "1");
        assertThat(s.invalid()).isEqualTo(2);
    }

    @Test
    void rateSpacesValidRecordsEvenly() throws Exception {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < 101; i++) {
            sb.append(i == 0 ? "" : ",").append(record(Integer.toString(i)));
        }
        Path in = write(sb.append("]").toString());
        run(in, ProduceOptions.builder().rate(50));
        // 101 records at 50/s: the first goes at once, the other 100 are due 20 ms apart.
        assertThat(clock.slept).isEqualTo(2_000_000_000L);
        assertThat(mock.history()).hasSize(101);
    }

    @Test
    void aRateScheduleStepsTheRateAndEndsTheRunWithItsLastStep() throws Exception {
        Path in = write("[" + record("1") + ",{}," + record("2") + "]");
        // Forever over a two-record file: 5/s for 2 s, 20/s for 1 s, then the schedule ends the run.
        ProduceSummary s = run(in, ProduceOptions.builder().loops(ProduceOptions.FOREVER).loopSuffix(true)
                .rateSchedule(RateSchedule.parse("5:2s,20:1s")));
        assertThat(s.sent()).isEqualTo(10 + 20);
        assertThat(s.stoppedEarly()).isFalse();
        assertThat(keys("calls")).startsWith("1", "2", "1-1", "2-1");
        assertThatThrownBy(() -> ProduceOptions.builder().input(in).rate(5)
                .rateSchedule(RateSchedule.parse("5:2s")).build().validate())
                .hasMessageContaining("--rate-schedule replaces --rate");
    }

    @Test
    void eventTimeReplaySendsInCallDateTimeOrderPacedBySpeedup() throws Exception {
        Path in = write("[" + record("c", "2018-12-31T23:00:00.000") + ",{\"bad\":1},"
                + record("a", "2018-12-31T21:00:00.000") + "," + record("b", "2018-12-31T22:00:00") + ","
                + record("a2", "2018-12-31T21:00:00.000") + "]");
        ProduceSummary s = run(in, ProduceOptions.builder().replay(ProduceOptions.Replay.EVENT_TIME).speedup(3600));
        assertThat(keys("calls")).containsExactly("a", "a2", "b", "c");
        assertThat(onTopic("calls.dlq")).singleElement()
                .satisfies(r -> assertThat(header(r, DeadLetter.INDEX)).isEqualTo("1"));
        // Two event-time hours at 3600x are two seconds of waiting.
        assertThat(clock.slept).isEqualTo(2_000_000_000L);
        assertThat(s.read()).isEqualTo(5);
        assertThat(s.sent()).isEqualTo(4);
    }

    @Test
    void aSendFailureIsCountedAndStopsTheRun() throws Exception {
        Path in = write("[" + record("1") + "," + record("2") + "]");
        mock.sendException = new KafkaException("buffer exhausted");
        ProduceSummary s = run(in);
        assertThat(s.failed()).isEqualTo(1);
        assertThat(s.sent()).isZero();
        assertThat(s.firstFailure()).contains("buffer exhausted");
        assertThat(s.stoppedEarly()).isTrue();
    }

    @Test
    void summaryJsonHasTheContractFields() throws Exception {
        Path in = write("[" + record("1") + ",{}]");
        ProduceSummary s = run(in);
        Path out = dir.resolve("sub/summary.json");
        s.writeJson(out);
        JsonNode j = Json.MAPPER.readTree(out.toFile());
        assertThat(j.get("read").asLong()).isEqualTo(2);
        assertThat(j.get("sent").asLong()).isEqualTo(1);
        assertThat(j.get("invalid").asLong()).isEqualTo(1);
        assertThat(j.get("invalid_by_reason").get(Invalid.MISSING_FIELD).asLong()).isEqualTo(1);
    }

    @Test
    void stdinIsReadOnce() throws Exception {
        byte[] bytes = (record("1") + "\n" + record("2") + "\n").getBytes(StandardCharsets.UTF_8);
        ProduceOptions o = ProduceOptions.builder().input("-").build().validate();
        ProduceSummary s = new CallProducer(o, mock, InputSource.stream(new java.io.ByteArrayInputStream(bytes),
                "stdin"), new PrintWriter(errText, true), clock).run();
        assertThat(keys("calls")).containsExactly("1", "2");
        assertThat(s.read()).isEqualTo(2);
    }
}
