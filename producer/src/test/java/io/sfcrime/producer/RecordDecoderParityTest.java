package io.sfcrime.producer;

import io.sfcrime.common.Invalid;
import io.sfcrime.common.gen.CallGenerator;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The decoder's fast path ({@link FlatRecordReader} + {@code RecordValidator.validateTexts}) must give exactly what
 * the Jackson path gives: same verdict, same message, same key, value and event time, record for record.
 */
class RecordDecoderParityTest {
    private static final int CAP = ProducerClients.DEFAULT_MAX_RECORD_BYTES;

    /** Odd but realistic records, one per line (NDJSON); both paths must agree on each. */
    private static final List<String> EDGE_CASES = List.of(
            "{\"crime_id\":\"1\",\"original_crime_type_name\":\"x\",\"call_date_time\":\"2018-12-31T23:57:00\"}",
            "{ \"crime_id\" : \"1\" ,\t\"original_crime_type_name\":\"x\" , \"call_date_time\":\"2018-12-31T23:57:00\" }",
            "{\"crime_id\":\"1\",\"original_crime_type_name\":\"x\",\"call_date_time\":\"2018-12-31T23:57:00\","
                    + "\"address\":\"a \\\"b\\\" \\\\ \\/ \\b\\f\\n\\r\\t \\u00e9 \\uD83D\\uDE00\"}",
            "{\"crime_id\":\"1\\u0032\",\"original_crime_type_name\":\"x\",\"call_date_time\":\"2018-12-31T23:57:00\"}",
            "{\"crime\\u005fid\":\"7\",\"original_crime_type_name\":\"x\",\"call_date_time\":\"2018-12-31T23:57:00\"}",
            "{\"crime_id\":\"1\",\"original_crime_type_name\":\"x\",\"call_date_time\":\"2018-12-31T23:57:00\",\"a\":\"\\x\"}",
            "{\"crime_id\":\"1\",\"original_crime_type_name\":\"x\",\"call_date_time\":\"2018-12-31T23:57:00\",\"a\":\"\\u12G4\"}",
            "{\"crime_id\":\"1\",\"original_crime_type_name\":\"x\",\"call_date_time\":\"2018-12-31T23:57:00\",\"a\":\"\\'\"}",
            "{\"crime_id\":\"1\",\"original_crime_type_name\":\"x\tx\",\"call_date_time\":\"2018-12-31T23:57:00\"}",
            "{\"crime_id\":\"1\",\"original_crime_type_name\":\"\\t\",\"call_date_time\":\"2018-12-31T23:57:00\"}",
            "{\"crime_id\":\"1\",\"original_crime_type_name\":\"\u3000\",\"call_date_time\":\"2018-12-31T23:57:00\"}",
            "{\"crime_id\":\"1\",\"original_crime_type_name\":\"Théft\",\"call_date_time\":\"2018-12-31T23:57:00\","
                    + "\"address\":\"Café 😀\"}",
            "{\"crime_id\":\"1\",\"original_crime_type_name\":\"x\",\"call_date_time\":\"2018-12-31T23:57:00\","
                    + "\"n\":[0,-0,1.5e10,1E+2,-12.5e-3],\"o\":{\"a\":{\"b\":null}},\"t\":true,\"f\":false,\"z\":null}",
            "{\"crime_id\":\"1\",\"original_crime_type_name\":\"x\",\"call_date_time\":\"2018-12-31T23:57:00\",\"n\":0}",
            "{\"crime_id\":\"1\",\"original_crime_type_name\":\"x\",\"call_date_time\":\"2018-12-31T23:57:00\",\"n\":-0}",
            "{\"crime_id\":\"1\",\"original_crime_type_name\":\"x\",\"call_date_time\":\"2018-12-31T23:57:00\",\"n\":1.5e10}",
            "{\"crime_id\":\"1\",\"original_crime_type_name\":\"x\",\"call_date_time\":\"2018-12-31T23:57:00\",\"n\":-1.25E-3}",
            "{\"crime_id\":\"1\",\"original_crime_type_name\":\"x\",\"call_date_time\":\"2018-12-31T23:57:00\",\"n\":01}",
            "{\"crime_id\":\"1\",\"original_crime_type_name\":\"x\",\"call_date_time\":\"2018-12-31T23:57:00\",\"n\":1.}",
            "{\"crime_id\":\"1\",\"original_crime_type_name\":\"x\",\"call_date_time\":\"2018-12-31T23:57:00\",\"n\":.5}",
            "{\"crime_id\":\"1\",\"original_crime_type_name\":\"x\",\"call_date_time\":\"2018-12-31T23:57:00\",\"n\":+1}",
            "{\"crime_id\":\"1\",\"original_crime_type_name\":\"x\",\"call_date_time\":\"2018-12-31T23:57:00\",\"n\":-}",
            "{\"crime_id\":\"1\",\"original_crime_type_name\":\"x\",\"call_date_time\":\"2018-12-31T23:57:00\",\"n\":1e}",
            "{\"crime_id\":\"1\",\"original_crime_type_name\":\"x\",\"call_date_time\":\"2018-12-31T23:57:00\",\"n\":12ab}",
            "{\"crime_id\":\"1\",\"original_crime_type_name\":\"x\",\"call_date_time\":\"2018-12-31T23:57:00\",\"n\":"
                    + "1".repeat(150) + "}",
            "{\"crime_id\":\"1\",\"original_crime_type_name\":\"x\",\"call_date_time\":\"2018-12-31T23:57:00\",\"n\":NaN}",
            "{\"crime_id\":\"1\",\"original_crime_type_name\":\"x\",\"call_date_time\":\"2018-12-31T23:57:00\",\"n\":tru}",
            "{\"crime_id\":\"1\",\"original_crime_type_name\":\"x\",\"call_date_time\":\"2018-12-31T23:57:00\",\"n\":truex}",
            "{\"crime_id\":\"1\",\"original_crime_type_name\":\"x\",\"call_date_time\":\"2018-12-31T23:57:00\",\"n\":nulll}",
            "{\"crime_id\":null,\"original_crime_type_name\":\"x\",\"call_date_time\":\"2018-12-31T23:57:00\"}",
            "{\"crime_id\":1,\"original_crime_type_name\":\"x\",\"call_date_time\":\"2018-12-31T23:57:00\"}",
            "{\"crime_id\":\"1\",\"original_crime_type_name\":true,\"call_date_time\":\"2018-12-31T23:57:00\"}",
            "{\"crime_id\":\"1\",\"original_crime_type_name\":\"x\",\"call_date_time\":{\"d\":1}}",
            "{\"crime_id\":\"1\",\"original_crime_type_name\":\"x\",\"call_date_time\":null}",
            "{\"crime_id\":\"1\",\"original_crime_type_name\":\"x\",\"call_date_time\":\"2018-12-31T23:57:00Z\"}",
            "{\"crime_id\":\"1\",\"original_crime_type_name\":\"x\",\"call_date_time\":\"2019-02-30T10:00:00\"}",
            "{\"crime_id\":\"1\",\"original_crime_type_name\":\"x\",\"call_date_time\":\"\"}",
            "{\"crime_id\":\"\",\"original_crime_type_name\":\"x\",\"call_date_time\":\"2018-12-31T23:57:00\"}",
            "{\"crime_id\":\" \",\"original_crime_type_name\":\"x\",\"call_date_time\":\"2018-12-31T23:57:00\"}",
            "{\"original_crime_type_name\":\"x\",\"call_date_time\":\"2018-12-31T23:57:00\"}",
            "{\"crime_id\":\"1\",\"crime_id\":\"2\",\"original_crime_type_name\":\"x\",\"call_date_time\":\"2018-12-31T23:57:00\"}",
            "{\"crime_id\":\"1\",\"crime_id\":5,\"original_crime_type_name\":\"x\",\"call_date_time\":\"2018-12-31T23:57:00\"}",
            "{\"crime_id\":5,\"crime_id\":\"1\",\"original_crime_type_name\":\"x\",\"call_date_time\":\"2018-12-31T23:57:00\"}",
            "{\"\":\"\",\"crime_id\":\"1\",\"original_crime_type_name\":\"x\",\"call_date_time\":\"2018-12-31T23:57:00\"}",
            "{}", "[]", "\"text\"", "42", "null", "true", "{", "}", "{\"a\"}", "{\"a\":}", "{\"a\" 1}", "{,\"a\":1}",
            "{\"crime_id\":\"1\",\"original_crime_type_name\":\"x\",\"call_date_time\":\"2018-12-31T23:57:00\",}",
            "{\"crime_id\":\"1\" \"original_crime_type_name\":\"x\",\"call_date_time\":\"2018-12-31T23:57:00\"}",
            "{\"crime_id\":\"1\",\"original_crime_type_name\":\"x\",\"call_date_time\":\"2018-12-31T23:57:00\"} {\"a\":1}",
            "{\"crime_id\":\"1\",\"original_crime_type_name\":\"x\",\"call_date_time\":\"2018-12-31T23:57:00\"}x",
            "{\"crime_id\":\"1\",\"original_crime_type_name\":\"x\",\"call_date_time\":\"2018-12-31T23:57:00\"}}",
            "{'crime_id':'1'}",
            "{crime_id:\"1\"}",
            "{\"crime_id\":\"1\",\"original_crime_type_name\":\"x\",\"call_date_time\":\"2018-12-31T23:57:00\"");

    @Test
    void everyEdgeCaseGetsTheSameVerdictOnBothPaths() throws IOException {
        int checked = comparePaths(String.join("\n", EDGE_CASES).getBytes(StandardCharsets.UTF_8));
        assertThat(checked).isEqualTo(EDGE_CASES.size());
    }

    @Test
    void aPrettyPrintedArrayWithRawControlCharactersGetsTheSameVerdicts() throws IOException {
        String array = "[\n  {\n    \"crime_id\": \"1\",\n    \"original_crime_type_name\": \"x\",\n"
                + "    \"call_date_time\": \"2018-12-31T23:57:00\"\n  },\n"
                + "  {\"crime_id\": \"1\n2\", \"original_crime_type_name\": \"x\", \"call_date_time\": \"2018-12-31T23:57:00\"},\n"
                + "  {\"crime_id\": \"3\", \"original_crime_type_name\": \"x\u0001\", \"call_date_time\": \"2018-12-31T23:57:00\"}\n]";
        assertThat(comparePaths(array.getBytes(StandardCharsets.UTF_8))).isEqualTo(3);
    }

    @Test
    void generatedRecordsOfEveryInvalidKindGetTheSameVerdictsInBothFormats() throws IOException {
        for (CallGenerator.Format format : CallGenerator.Format.values()) {
            CallGenerator g = new CallGenerator(CallGenerator.Options.defaults().withCount(3_000)
                    .withInvalidFraction(0.3).withFormat(format));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            g.write(out);
            assertThat(comparePaths(out.toByteArray())).as(format.name()).isEqualTo(3_000);
        }
    }

    @Test
    void theFlatReaderVouchesForEveryValidGeneratedRecord() {
        // Otherwise the parity above would be trivially true: the fast path must actually carry the normal case.
        CallGenerator g = new CallGenerator(CallGenerator.Options.defaults().withCount(2_000).withInvalidFraction(0.1));
        FlatRecordReader reader = new FlatRecordReader();
        int valid = 0;
        for (long i = 0; i < 2_000; i++) {
            if (g.invalidKindAt(i) == null) {
                byte[] b = g.recordBytes(i);
                assertThat(reader.read(b, b.length)).as("record %d", i).isTrue();
                assertThat(reader.text(FlatRecordReader.CRIME_ID)).isNotBlank();
                valid++;
            }
        }
        assertThat(valid).isEqualTo(1_800);
    }

    @Test
    void theFlatReaderDeclinesWhatOnlyJacksonCanJudge() {
        FlatRecordReader reader = new FlatRecordReader();
        for (String text : List.of("{\"crime\\u005fid\":\"7\"}", "{\"crime_id\":\"1\\u0032\"}", "{\"crime_id\":1}",
                "{\"a\":{\"b\":1}}", "{\"a\":[1]}", "{\"a\":01}", "{\"a\":1,}", "{\"a\":\"\\x\"}", "[]", "{} {}",
                "{\"a\":\"x\ty\"}", "{\"a\":1")) {
            byte[] b = text.getBytes(StandardCharsets.UTF_8);
            assertThat(reader.read(b, b.length)).as(text).isFalse();
        }
        byte[] ok = "{\"a\":\"\\\"\",\"b\":-1.5e3,\"c\":null,\"crime_id\":\"9\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(reader.read(ok, ok.length)).isTrue();
        assertThat(reader.text(FlatRecordReader.CRIME_ID)).isEqualTo("9");
        assertThat(reader.text(FlatRecordReader.CALL_DATE_TIME)).isNull();
    }

    /** Scans the input and decodes every element on both paths; returns how many elements were compared. */
    private static int comparePaths(byte[] input) throws IOException {
        RecordDecoder fast = new RecordDecoder(CAP, true);
        RecordDecoder jackson = new RecordDecoder(CAP, false);
        ElementScanner scanner = new ElementScanner(new ByteArrayInputStream(input), CAP);
        Element e = scanner.newElement();
        List<String> verdicts = new ArrayList<>();
        int n = 0;
        while (scanner.next(e)) {
            Invalid a = fast.decode(e, null);
            Invalid b = jackson.decode(e, null);
            String where = "element " + e.index() + ": " + new String(e.copyBytes(), StandardCharsets.UTF_8);
            assertThat(describe(a)).as(where).isEqualTo(describe(b));
            assertThat(fast.key()).as(where).isEqualTo(jackson.key());
            assertThat(fast.value()).as(where).isEqualTo(jackson.value());
            if (a == null) {
                assertThat(fast.eventTime()).as(where).isEqualTo(jackson.eventTime());
            }
            verdicts.add(describe(a));
            n++;
        }
        // Both kinds must occur, or the comparison says little.
        assertThat(verdicts).contains("valid");
        assertThat(verdicts).anyMatch(v -> !v.equals("valid"));
        return n;
    }

    private static String describe(Invalid i) {
        return i == null ? "valid" : i.code() + ": " + i.message();
    }
}
