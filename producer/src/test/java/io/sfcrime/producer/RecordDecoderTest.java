package io.sfcrime.producer;

import com.fasterxml.jackson.databind.JsonNode;
import io.sfcrime.common.CallFields;
import io.sfcrime.common.Invalid;
import io.sfcrime.common.Json;
import io.sfcrime.common.gen.CallGenerator;
import io.sfcrime.common.scan.RecordCorpus;
import io.sfcrime.common.scan.ReferenceVerdict;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the decoder adds to the shared scanner's verdict, element by element as the producer reads them: the key, the
 * compact value and the event time of a valid record, whatever the input's layout.
 */
class RecordDecoderTest {
    private static final int CAP = ProducerClients.DEFAULT_MAX_RECORD_BYTES;

    @Test
    void everyCorpusRecordGetsTheReferenceVerdictAndValidOnesKeepTheirContent() throws IOException {
        int decoded = 0;
        for (byte[] v : RecordCorpus.values()) {
            if (v == null || new String(v, StandardCharsets.UTF_8).isBlank()) {
                continue; // a file has no such element: blank lines are skipped, there is no null
            }
            // One record per input: a line of NDJSON, or the one element of a JSON array when it spans lines or
            // would itself start an array.
            String text = new String(v, StandardCharsets.UTF_8);
            boolean inArray = text.contains("\n") || text.strip().startsWith("[");
            decoded += decodeAll(inArray ? concat("[", v, "]") : concat("", v, "\n"));
        }
        assertThat(decoded).isGreaterThan(150);
    }

    @Test
    void generatedRecordsGetTheirExpectedVerdictInBothLayouts() throws IOException {
        for (CallGenerator.Format format : CallGenerator.Format.values()) {
            CallGenerator g = new CallGenerator(CallGenerator.Options.defaults().withCount(3_000)
                    .withInvalidFraction(0.3).withFormat(format));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            g.write(out);
            RecordDecoder decoder = new RecordDecoder(CAP);
            ElementScanner scanner = new ElementScanner(new ByteArrayInputStream(out.toByteArray()), CAP);
            Element e = scanner.newElement();
            int n = 0;
            while (scanner.next(e)) {
                Invalid why = decoder.decode(e, null);
                assertThat(why == null ? null : why.code()).as("%s element %d", format, e.index())
                        .isEqualTo(g.expectedReasonAt(e.index()));
                n++;
            }
            assertThat(n).isEqualTo(3_000);
        }
    }

    @Test
    void loopSuffixRewritesKeyAndValue() throws IOException {
        RecordDecoder decoder = new RecordDecoder(CAP);
        Element e = only(concat("", RecordCorpus.GOOD.getBytes(StandardCharsets.UTF_8), "\n"));
        assertThat(decoder.decode(e, "-2")).isNull();
        assertThat(decoder.key()).isEqualTo("183653763-2");
        JsonNode value = Json.MAPPER.readTree(decoder.value());
        assertThat(value.get(CallFields.CRIME_ID).asText()).isEqualTo("183653763-2");
        assertThat(value.get(CallFields.DISPOSITION).asText()).isEqualTo("ADV");
    }

    @Test
    void loopShiftTimeMovesOnlyTheEventTimeAndLeavesEveryOtherValueAsWritten() throws IOException {
        RecordDecoder decoder = new RecordDecoder(CAP);
        String record = "{\"crime_id\":\"183653763\",\"original_crime_type_name\":\"Theft\","
                + "\"call_date_time\":\"2018-12-31T23:30:00\",\"disposition\":\"ADV\"}";
        Element e = only(concat("", record.getBytes(StandardCharsets.UTF_8), "\n"));
        assertThat(decoder.decode(e, null, 48 * 3600)).isNull();
        assertThat(decoder.eventTime()).isEqualTo("2019-01-02T23:30:00");
        JsonNode value = Json.MAPPER.readTree(decoder.value());
        assertThat(value.get(CallFields.CALL_DATE_TIME).asText()).isEqualTo("2019-01-02T23:30:00");
        assertThat(decoder.key()).isEqualTo("183653763");
        assertThat(value.get(CallFields.CRIME_ID).asText()).isEqualTo("183653763");
        assertThat(value.get(CallFields.DISPOSITION).asText()).isEqualTo("ADV");
        assertThat(RecordDecoder.shift("2019-02-28T23:59:59.250", 1)).isEqualTo("2019-03-01T00:00:00.250");
    }

    /** Decodes every element of the input, checking each against the reference; returns how many there were. */
    private static int decodeAll(byte[] input) throws IOException {
        RecordDecoder decoder = new RecordDecoder(CAP);
        ElementScanner scanner = new ElementScanner(new ByteArrayInputStream(input), CAP);
        Element e = scanner.newElement();
        int n = 0;
        while (scanner.next(e)) {
            byte[] element = e.copyBytes();
            String where = "element " + e.index() + ": " + new String(element, StandardCharsets.UTF_8);
            Invalid why = decoder.decode(e, null);
            assertThat(why == null ? null : why.code()).as(where).isEqualTo(ReferenceVerdict.reason(element));
            if (why == null) {
                JsonNode original = ReferenceVerdict.tree(element);
                assertThat(Json.MAPPER.readTree(decoder.value())).as(where).isEqualTo(original);
                assertThat(RecordDecoder.compact(decoder.value(), decoder.value().length)).as(where)
                        .isEqualTo(decoder.value());
                assertThat(decoder.key()).as(where).isEqualTo(original.get(CallFields.CRIME_ID).textValue());
                assertThat(decoder.eventTime()).as(where)
                        .isEqualTo(original.get(CallFields.CALL_DATE_TIME).textValue());
            } else {
                assertThat(decoder.key()).as(where).isNull();
                assertThat(decoder.value()).as(where).isNull();
            }
            n++;
        }
        return n;
    }

    private static Element only(byte[] input) throws IOException {
        ElementScanner scanner = new ElementScanner(new ByteArrayInputStream(input), CAP);
        Element e = scanner.newElement();
        List<Element> seen = new ArrayList<>();
        while (scanner.next(e)) {
            seen.add(e);
        }
        assertThat(seen).hasSize(1);
        return e;
    }

    private static byte[] concat(String before, byte[] middle, String after) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(before.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(middle);
        out.writeBytes(after.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }
}
