package io.sfcrime.bench.ceiling;

import com.fasterxml.jackson.databind.JsonNode;
import io.sfcrime.common.CallFields;
import io.sfcrime.common.EventTime;
import io.sfcrime.common.Invalid;
import io.sfcrime.common.Json;
import io.sfcrime.common.RadioCodes;
import io.sfcrime.common.gen.CallGenerator;
import io.sfcrime.common.report.CountsReport;
import io.sfcrime.common.scan.ReferenceVerdict;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ceiling's counting against a deliberately different computation: a full {@code readTree}, the validator
 * on the whole tree, {@link ZonedDateTime} per record, hour arithmetic on local time and string keys.
 */
class CallCounterTest {
    private static final ZoneId SF = ZoneId.of(CallFields.EVENT_TIME_ZONE);
    private static final RadioCodes CODES = RadioCodes.of(Map.of("ADV", "Advised", "HAN", "Handled",
            "CIT", "Cited or Booked"));

    @Test
    void countsEqualAnIndependentComputationOnGeneratedRecordsWithEveryInvalidKind() {
        CallGenerator gen = new CallGenerator(CallGenerator.Options.defaults().withCount(6_000).withSeed(11)
                .withOrder(CallGenerator.Order.SHUFFLED).withFormat(CallGenerator.Format.NDJSON)
                .withInvalidFraction(0.05).withWindows(30));
        List<byte[]> records = new ArrayList<>();
        for (long i = 0; i < gen.options().count(); i++) {
            records.add(gen.recordBytes(i));
        }
        CallCounter counter = new CallCounter(Duration.ofHours(1), Duration.ofDays(3650), CODES);
        records.forEach(counter::accept);

        CountsReport expected = independent(records, 1);
        assertThat(expected.invalidRows()).isEqualTo(gen.invalidCount()).isPositive();
        assertThat(counter.report().differences(expected, 20)).isEmpty();
        assertThat(counter.lateHazard()).isZero();
        assertThat(counter.report().byDisposition()).hasSizeGreaterThan(100);
    }

    @Test
    void reasonsEqualTheGeneratorsAndTheReferenceVerdict() {
        CallGenerator gen = new CallGenerator(CallGenerator.Options.defaults().withCount(2_000).withSeed(3)
                .withFormat(CallGenerator.Format.NDJSON).withInvalidFraction(0.2));
        CallCounter counter = new CallCounter(Duration.ofHours(1), Duration.ofDays(1), CODES);
        Map<String, Long> expected = new TreeMap<>();
        for (long i = 0; i < gen.options().count(); i++) {
            byte[] b = gen.recordBytes(i);
            Invalid why = counter.accept(b);
            // Two oracles that share nothing with the ceiling's scanner: the reason the generator made the record
            // invalid for, and the reference verdict (strict decoder, Jackson tree, validator).
            String generated = gen.expectedReasonAt(i);
            assertThat(why == null ? null : why.code()).as("record %d", i).isEqualTo(generated);
            assertThat(ReferenceVerdict.reason(b)).as("record %d", i).isEqualTo(generated);
            if (generated != null) {
                expected.merge(generated, 1L, Long::sum);
            }
        }
        assertThat(counter.report().invalidByReason()).isEqualTo(expected);
        assertThat(expected.keySet()).contains(Invalid.MALFORMED_JSON, Invalid.MISSING_FIELD,
                Invalid.UNPARSEABLE_DATE_TIME, Invalid.ZONED_DATE_TIME, Invalid.NOT_AN_OBJECT, Invalid.WRONG_TYPE,
                Invalid.INVALID_UTF8);
    }

    @Test
    void windowsFollowSanFranciscoTimeAcrossDaylightSavingChanges() {
        List<byte[]> records = new ArrayList<>();
        // Spring gap (02:30 does not exist: it becomes 03:30 PDT), autumn overlap (01:30 twice: the earlier),
        // and millisecond precision on a window edge.
        for (String t : List.of("2019-03-10T01:59:59.999", "2019-03-10T02:30:00", "2019-03-10T03:00:00",
                "2019-11-03T00:59:59", "2019-11-03T01:30:00", "2019-11-03T02:00:00.000", "2018-12-31T23:59:59")) {
            records.add(record("1", "Traffic Stop", t, "ADV"));
        }
        records.add(record("2", "Traffic Stop", "2018-12-31T23:10:00", null));
        records.add(record("3", "Fight", "2018-12-31T23:10:00", "ZZZ"));
        records.add(record("4", "", "2018-12-31T23:10:00", "ADV"));
        for (int window : List.of(1, 2, 24)) {
            CallCounter c = new CallCounter(Duration.ofHours(window), Duration.ofDays(3650), CODES);
            records.forEach(c::accept);
            assertThat(c.report().differences(independent(records, window), 20)).as("%d h windows", window)
                    .isEmpty();
        }
        CallCounter c = new CallCounter(Duration.ofHours(1), Duration.ofDays(3650), CODES);
        records.forEach(c::accept);
        CountsReport r = c.report();
        assertThat(r.invalidRows()).isEqualTo(1);
        assertThat(r.byDisposition()).anySatisfy(row -> {
            assertThat(row.crimeType()).isEqualTo("Fight");
            assertThat(row.disposition()).isEqualTo("ZZZ");
            assertThat(row.description()).isEqualTo("ZZZ"); // unknown code keeps the code
        }).anySatisfy(row -> {
            assertThat(row.disposition()).isNull();
            assertThat(row.description()).isNull();
            assertThat(row.windowStart()).isEqualTo("2018-12-31 23:00:00");
            assertThat(row.windowEnd()).isEqualTo("2019-01-01 00:00:00");
        });
        // 02:30 in the gap is 03:30 PDT, counted in the 03:00 window with the real 03:00 record.
        assertThat(r.byType()).anySatisfy(row -> {
            assertThat(row.windowStart()).isEqualTo("2019-03-10 03:00:00");
            assertThat(row.count()).isEqualTo(2);
        });
    }

    @Test
    void lateHazardCountsRowsAtOrBelowTheRunningMaxMinusTheDelay() {
        CallCounter c = new CallCounter(Duration.ofHours(1), Duration.ofHours(2), CODES);
        c.accept(record("1", "A", "2019-01-01T10:00:00", "ADV"));
        c.accept(record("2", "A", "2019-01-01T08:00:00", "ADV")); // exactly max - delay: droppable
        c.accept(record("3", "A", "2019-01-01T08:00:01", "ADV"));
        c.accept(record("4", "A", "2019-01-01T13:00:00", "ADV"));
        c.accept(record("5", "A", "2019-01-01T10:59:59", "ADV"));
        assertThat(c.lateHazard()).isEqualTo(2);
        assertThat(c.report().validRows()).isEqualTo(5);
    }

    @Test
    void rejectsAZeroWindow() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new CallCounter(Duration.ZERO, Duration.ZERO, CODES))
                .hasMessageContaining("window");
    }

    private static byte[] record(String id, String type, String time, String disposition) {
        Map<String, Object> m = new HashMap<>();
        m.put(CallFields.CRIME_ID, id);
        m.put(CallFields.ORIGINAL_CRIME_TYPE_NAME, type);
        m.put(CallFields.CALL_DATE_TIME, time);
        if (disposition != null) {
            m.put(CallFields.DISPOSITION, disposition);
        }
        m.put(CallFields.ADDRESS, "100 Block Of Market St");
        try {
            return Json.MAPPER.writeValueAsBytes(m);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Full tree, ZonedDateTime, local-hour arithmetic (valid for whole-hour windows), string-keyed maps. */
    static CountsReport independent(List<byte[]> records, int windowHours) {
        return independent(records, windowHours, CODES);
    }

    static CountsReport independent(List<byte[]> records, int windowHours, RadioCodes codes) {
        Map<String, Long> counts = new TreeMap<>();
        long input = 0;
        long valid = 0;
        long invalid = 0;
        Map<String, Long> reasons = new TreeMap<>();
        for (byte[] b : records) {
            input++;
            String reason = ReferenceVerdict.reason(b);
            if (reason != null) {
                invalid++;
                reasons.merge(reason, 1L, Long::sum);
                continue;
            }
            valid++;
            JsonNode n;
            try {
                n = Json.MAPPER.readTree(b);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            LocalDateTime local = EventTime.parse(n.get(CallFields.CALL_DATE_TIME).asText()).orElseThrow();
            long epochSecond = ZonedDateTime.of(local, SF).toEpochSecond();
            long start = Math.floorDiv(epochSecond, windowHours * 3600L) * windowHours * 3600L;
            JsonNode d = n.get(CallFields.DISPOSITION);
            String disposition = d == null || d.isNull() ? null : d.asText();
            String key = start + "\u0000" + n.get(CallFields.ORIGINAL_CRIME_TYPE_NAME).asText() + "\u0000"
                    + (disposition == null ? "\u0001" : disposition);
            counts.merge(key, 1L, Long::sum);
        }
        CountsReport.Builder builder = CountsReport.builder(input, valid, invalid, 0).invalidByReason(reasons);
        counts.forEach((k, v) -> {
            String[] p = k.split("\u0000", -1);
            long start = Long.parseLong(p[0]) * 1000;
            String disposition = p[2].equals("\u0001") ? null : p[2];
            builder.add(start, start + windowHours * 3_600_000L, p[1], disposition,
                    disposition == null ? null : codes.asMap().getOrDefault(disposition, disposition), v);
        });
        return builder.build();
    }
}
