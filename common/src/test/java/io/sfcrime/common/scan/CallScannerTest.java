package io.sfcrime.common.scan;

import io.sfcrime.common.CallFields;
import io.sfcrime.common.EventTime;
import io.sfcrime.common.Invalid;
import io.sfcrime.common.gen.CallGenerator;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CallScannerTest {
    private static final ZoneId SF = ZoneId.of(CallFields.EVENT_TIME_ZONE);

    @Test
    void everyCorpusValueGetsTheReferenceVerdict() {
        CallScanner scanner = new CallScanner();
        List<String> mismatches = new ArrayList<>();
        Set<String> codes = new TreeSet<>();
        int valid = 0;
        for (byte[] v : RecordCorpus.values()) {
            Invalid why = scanner.scan(v);
            String expected = ReferenceVerdict.reason(v);
            if (why == null ? expected != null : !why.code().equals(expected)) {
                mismatches.add(show(v) + ": reference " + expected + ", scanner " + why);
            }
            if (why == null) {
                valid++;
            } else {
                codes.add(why.code());
                assertThat(why.message()).as(show(v)).isNotBlank();
            }
        }
        assertThat(mismatches).isEmpty();
        // Every reason a record's bytes can have (too_large is the producer's, about its input's framing).
        assertThat(codes).containsExactlyInAnyOrder(Invalid.MALFORMED_JSON, Invalid.NOT_AN_OBJECT,
                Invalid.MISSING_FIELD, Invalid.WRONG_TYPE, Invalid.EMPTY_FIELD, Invalid.UNPARSEABLE_DATE_TIME,
                Invalid.ZONED_DATE_TIME, Invalid.INVALID_UTF8, Invalid.IMPLAUSIBLE_DATE_TIME);
        assertThat(valid).isGreaterThan(30);
    }

    @Test
    void theFastPathAndJacksonGiveTheSameVerdictMessageAndFields() {
        CallScanner fast = new CallScanner();
        CallScanner jackson = new CallScanner(false);
        List<byte[]> values = new ArrayList<>(RecordCorpus.values());
        for (CallGenerator.Format format : CallGenerator.Format.values()) {
            CallGenerator g = new CallGenerator(CallGenerator.Options.defaults().withCount(3_000)
                    .withInvalidFraction(0.3).withFormat(format));
            for (long i = 0; i < 3_000; i++) {
                values.add(g.recordBytes(i));
            }
        }
        for (byte[] v : values) {
            String a = describe(fast, fast.scan(v));
            String b = describe(jackson, jackson.scan(v));
            assertThat(a).as(show(v)).isEqualTo(b);
        }
    }

    @Test
    void theFastPathCarriesEveryValidGeneratedRecord() {
        // Otherwise the parity above would be trivially true: the fast path must carry the normal case.
        FlatRecordReader reader = new FlatRecordReader(List.of(CallFields.CRIME_ID));
        int valid = 0;
        for (CallGenerator.Format format : CallGenerator.Format.values()) {
            CallGenerator g = new CallGenerator(CallGenerator.Options.defaults().withCount(2_000)
                    .withInvalidFraction(0.1).withFormat(format));
            for (long i = 0; i < 2_000; i++) {
                if (g.invalidKindAt(i) == null) {
                    byte[] b = g.recordBytes(i);
                    assertThat(reader.read(b, b.length)).as("%s record %d", format, i).isTrue();
                    assertThat(reader.start(0)).isPositive();
                    valid++;
                }
            }
        }
        assertThat(valid).isEqualTo(3_600);
    }

    @Test
    void theFastPathDeclinesWhatOnlyJacksonCanJudge() {
        FlatRecordReader reader = new FlatRecordReader(List.of(CallFields.CRIME_ID, CallFields.CALL_DATE_TIME));
        for (String text : List.of("{\"crime\\u005fid\":\"7\"}", "{\"crime_id\":\"1\\u0032\"}", "{\"crime_id\":1}",
                "{\"crime_id\":true}", "{\"a\":{\"b\":1}}", "{\"a\":[1]}", "{\"a\":01}", "{\"a\":1,}",
                "{\"a\":\"\\x\"}", "[]", "{} {}", "{\"a\":\"x\ty\"}", "{\"a\":1", "\uFEFF{}", "{} é")) {
            byte[] b = text.getBytes(StandardCharsets.UTF_8);
            assertThat(reader.read(b, b.length)).as(text).isFalse();
        }
        byte[] broken = {'{', '"', 'a', '"', ':', '"', (byte) 0xE2, (byte) 0x82, '"', '}'};
        assertThat(reader.read(broken, broken.length)).isFalse();
        byte[] ok = "{\"a\":\"\\\"é\",\"b\":-1.5e3,\"c\":null,\"crime_id\":\"9\",\"call_date_time\":null}"
                .getBytes(StandardCharsets.UTF_8);
        assertThat(reader.read(ok, ok.length)).isTrue();
        assertThat(new String(ok, reader.start(0), reader.end(0) - reader.start(0), StandardCharsets.UTF_8))
                .isEqualTo("9");
        assertThat(reader.start(1)).isEqualTo(-1);
    }

    @Test
    void fieldsReadAsAStringColumnHoldsThem() {
        CallScanner scanner = new CallScanner();
        assertThat(scanner.scan(bytes(RecordCorpus.GOOD))).isNull();
        assertThat(List.of(scanner.crimeId(), scanner.crimeType(), scanner.callDateTime(), scanner.disposition()))
                .containsExactly("183653763", "Traffic Stop", "2018-12-31T23:57:00.000", "ADV");
        assertThat(scanner.scan(bytes(RecordCorpus.with("disposition", "[\"ADV\"]")))).isNull();
        assertThat(scanner.disposition()).isEqualTo("[\"ADV\"]");
        assertThat(scanner.scan(bytes(RecordCorpus.with("disposition", "null")))).isNull();
        assertThat(scanner.disposition()).isNull();
        // Fields stay readable when the validator rejects the record, and are cleared when it is not even JSON.
        assertThat(scanner.scan(bytes(RecordCorpus.with("crime_id", "183653763"))).message())
                .isEqualTo("crime_id must be a string but is number 183653763");
        assertThat(scanner.crimeId()).isEqualTo("183653763");
        assertThat(scanner.crimeType()).isEqualTo("Traffic Stop");
        assertThat(scanner.scan(bytes("{")).code()).isEqualTo(Invalid.MALFORMED_JSON);
        assertThat(scanner.crimeType()).isNull();
        assertThat(scanner.disposition()).isNull();
        assertThatThrownBy(scanner::eventMillis).hasMessageContaining("not valid");
        // Equal categories are one string: the counts' maps compare them by identity first.
        scanner.scan(bytes(RecordCorpus.GOOD));
        String first = scanner.crimeType();
        scanner.scan(bytes(RecordCorpus.GOOD));
        assertThat(scanner.crimeType()).isSameAs(first);
    }

    @Test
    void messagesSayWhatAndWhere() {
        CallScanner scanner = new CallScanner();
        byte[] bad = bytes(RecordCorpus.GOOD);
        bad[RecordCorpus.GOOD.indexOf("Stop")] = (byte) 0xFF;
        assertThat(scanner.scan(bad).message()).isEqualTo("invalid UTF-8 byte 0xFF at byte 60 of the record");
        assertThat(scanner.scan(bytes("{\"a\":1} {}")).message()).isEqualTo(
                "not valid JSON: trailing content after the JSON object (at byte 8 of the record)");
        assertThat(scanner.scan(bytes("{\"crime_id\":}")).message())
                .startsWith("not valid JSON: Unexpected character ('}'").endsWith("(at byte 13 of the record)");
        assertThat(scanner.scan(bytes("  ")).message()).isEqualTo("not valid JSON: the record is empty or only whitespace");
        assertThat(scanner.scan(bytes("[1,2]")).message()).isEqualTo("expected a JSON object but found array");
        assertThat(scanner.scan((byte[]) null).message())
                .isEqualTo("expected a JSON object but found nothing (null record value)");
        assertThat(scanner.scan(bytes(RecordCorpus.with("call_date_time", "\"2019-02-30T10:00:00\""))).message())
                .isEqualTo("call_date_time '2019-02-30T10:00:00' is not a real date-time");
    }

    @Test
    void eventTimesAreSanFranciscoInstantsAcrossDaylightSavingAndOldZoneRules() {
        // Every real date-time, however implausible, has an instant: no range here.
        CallScanner scanner = new CallScanner(new EventTimeRange(LocalDate.of(0, 1, 1), Duration.ofDays(3_000_000)));
        List<String> times = new ArrayList<>(List.of("2019-03-10T01:59:59.999", "2019-03-10T02:30:00",
                "2019-03-10T03:00:00", "2018-11-04T00:59:59", "2018-11-04T01:30:00", "2018-11-04T02:00:00.000",
                "2018-12-31T23:59:59", "0000-01-01T00:00:00", "9999-12-31T23:59:59.999",
                // Local mean time to PST at 12:07:02 local: an offset change inside an hour.
                "1883-11-18T12:00:00", "1883-11-18T12:07:01", "1883-11-18T12:07:02", "1883-11-18T12:59:59.999"));
        // Two days around the autumn change, every 7 minutes and 13 seconds: many hours through the cache.
        for (LocalDateTime t = LocalDateTime.of(2018, 11, 3, 0, 0); t.getDayOfMonth() < 5; t = t.plusSeconds(433)) {
            times.add(t.format(DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss")));
        }
        for (String t : times) {
            assertThat(scanner.scan(bytes(RecordCorpus.with("call_date_time", "\"" + t + "\"")))).as(t).isNull();
            assertThat(scanner.eventMillis()).as(t)
                    .isEqualTo(EventTime.parse(t).orElseThrow().atZone(SF).toInstant().toEpochMilli());
        }
    }

    @Test
    void eventTimesOutsideThePlausibleRangeAreInvalidWithTheirOwnReason() {
        EventTimeRange range = new EventTimeRange(LocalDate.of(2000, 1, 1), Duration.ofDays(1));
        long now = LocalDateTime.of(2026, 12, 2, 12, 0).atZone(SF).toInstant().toEpochMilli();
        for (CallScanner scanner : List.of(new CallScanner(), new CallScanner(false))) {
            Invalid far = scan(scanner, "9999-12-31T23:00:00", range, now);
            assertThat(far.code()).isEqualTo(Invalid.IMPLAUSIBLE_DATE_TIME);
            assertThat(far.message()).isEqualTo("call_date_time '9999-12-31T23:00:00' is more than 1 day after the "
                    + "clock (2026-12-02T12:00:00 San Francisco time; validation.maxFutureSkew)");
            assertThat(scan(scanner, "2026-12-03T12:00:01", range, now).code()).isEqualTo(Invalid.IMPLAUSIBLE_DATE_TIME);
            assertThat(scan(scanner, "2026-12-03T12:00:00", range, now)).isNull();
            assertThat(scan(scanner, "2000-01-01T00:00:00", range, now)).isNull();
            Invalid old = scan(scanner, "1999-12-31T23:59:59.999", range, now);
            assertThat(old.code()).isEqualTo(Invalid.IMPLAUSIBLE_DATE_TIME);
            assertThat(old.message()).isEqualTo("call_date_time '1999-12-31T23:59:59.999' is before 2000-01-01, the "
                    + "earliest plausible date (validation.minEventTime)");
            // The fields stay readable for the dead-letter record; there is no event time to count.
            assertThat(scanner.callDateTime()).isEqualTo("1999-12-31T23:59:59.999");
            assertThatThrownBy(scanner::eventMillis).isInstanceOf(IllegalStateException.class);
        }
        // The defaults: 1970-01-01 to the wall clock plus 1 day; the shipped samples are from 2018.
        CallScanner defaults = new CallScanner();
        assertThat(defaults.scan(bytes(RecordCorpus.with("call_date_time", "\"2108-12-31T23:00:00\""))).code())
                .isEqualTo(Invalid.IMPLAUSIBLE_DATE_TIME);
        assertThat(defaults.scan(bytes(RecordCorpus.with("call_date_time", "\"1969-12-31T23:59:59\""))).code())
                .isEqualTo(Invalid.IMPLAUSIBLE_DATE_TIME);
        assertThat(defaults.scan(bytes(RecordCorpus.with("call_date_time", "\"2018-12-31T23:59:00.000\"")))).isNull();
    }

    private static Invalid scan(CallScanner scanner, String time, EventTimeRange range, long now) {
        byte[] b = bytes(RecordCorpus.with("call_date_time", "\"" + time + "\""));
        return scanner.scan(b, b.length, range, now);
    }

    private static String describe(CallScanner s, Invalid why) {
        return (why == null ? "valid " + s.eventMillis() : why.code() + ": " + why.message()) + " | " + s.crimeId()
                + " | " + s.crimeType() + " | " + s.callDateTime() + " | " + s.disposition();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String show(byte[] v) {
        return v == null ? "<null>" : "'" + new String(v, StandardCharsets.UTF_8) + "'";
    }
}
