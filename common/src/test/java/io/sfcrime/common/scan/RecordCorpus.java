package io.sfcrime.common.scan;

import io.sfcrime.common.gen.CallGenerator;
import io.sfcrime.common.gen.InvalidKind;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * One corpus of raw record values, good and bad, that every reader of call records must judge alike: odd but valid
 * records, every kind of bad record the generator makes (in both of its layouts), and hand-made edge cases of UTF-8,
 * JSON syntax, field types, date-times and repeated names. The expected verdict of each is
 * {@link ReferenceVerdict}'s. Shared with other modules' tests through common's test jar.
 */
public final class RecordCorpus {
    /** A valid record of the usual shape. */
    public static final String GOOD = "{\"crime_id\":\"183653763\",\"original_crime_type_name\":\"Traffic Stop\","
            + "\"call_date_time\":\"2018-12-31T23:57:00.000\",\"disposition\":\"ADV\"}";
    private static final String BASE = "{\"crime_id\":\"1\",\"original_crime_type_name\":\"Traffic Stop\","
            + "\"call_date_time\":\"2018-12-31T23:57:00.000\",\"disposition\":\"ADV\"}";
    private static final String FIELDS = "\"crime_id\":\"1\",\"original_crime_type_name\":\"x\","
            + "\"call_date_time\":\"2018-12-31T23:57:00\"";

    private RecordCorpus() {
    }

    /** Every value of the corpus, in a fixed order; one of them is null (a Kafka tombstone). */
    public static List<byte[]> values() {
        List<byte[]> values = new ArrayList<>();
        texts().forEach(t -> values.add(t.getBytes(StandardCharsets.UTF_8)));
        values.addAll(badBytes());
        values.addAll(generated());
        values.add(null);
        return values;
    }

    /** A base record with one field's raw JSON value replaced, or the field removed when {@code rawValue} is null. */
    public static String with(String field, String rawValue) {
        if (rawValue == null) {
            return BASE.replaceFirst(",?\"" + field + "\":\"[^\"]*\"", "").replace("{,", "{");
        }
        return BASE.replaceFirst("\"" + field + "\":(\"[^\"]*\")", "\"" + field + "\":" + rawValue);
    }

    private static String plus(String extra) {
        return "{" + FIELDS + "," + extra + "}";
    }

    private static List<String> texts() {
        return List.of(
                GOOD,
                "{" + FIELDS + "}",
                "{ \"crime_id\" : \"1\" ,\t\"original_crime_type_name\":\"x\" , \"call_date_time\":\"2018-12-31T23:57:00\" }",
                "{\n    \"crime_id\": \"1\",\n    \"original_crime_type_name\": \"x\",\r\n    \"call_date_time\": \"2018-12-31T23:57:00\"\n}",
                // Not JSON, or not one JSON value.
                "", "   ", "{", "}", "{\"a\"}", "{\"a\":}", "{\"a\" 1}", "{,\"a\":1}", "{\"crime_id\":}", "{} {}",
                "{\"a\":1} x", "{\"crime_id\":\"1\" \"original_crime_type_name\":\"T\"}", "{'crime_id':'1'}",
                "{crime_id:\"1\"}", "{\"crime_id\":NaN}", "{" + FIELDS + ",}", "{" + FIELDS + "} {\"a\":1}",
                "{" + FIELDS + "}x", "{" + FIELDS + "}}", "{" + FIELDS, "[" + GOOD + "]",
                // JSON but not an object.
                "null", "42", "\"text\"", "[1,2]", "[]", "true",
                // Objects without the fields, or with them of the wrong type, empty or blank.
                "{}", "{\"\":\"\"}",
                with("crime_id", null), with("crime_id", "null"), with("crime_id", "\"\""), with("crime_id", "\"  \""),
                with("crime_id", "\"\\t\\n\""), with("crime_id", "\"\\u2003\""), with("crime_id", "\"\\u00a0\""),
                with("crime_id", "\"1\\u0032\""), with("crime_id", "183653763"), with("crime_id", "1.5"),
                with("crime_id", "-0"), with("crime_id", "true"), with("crime_id", "{\"x\":1}"),
                with("crime_id", "[\"1\"]"),
                with("original_crime_type_name", null), with("original_crime_type_name", "\"\""),
                with("original_crime_type_name", "7"), with("original_crime_type_name", "\" \""),
                with("original_crime_type_name", "\"\\t\""), with("original_crime_type_name", "\"\u3000\""),
                with("original_crime_type_name", "false"), with("original_crime_type_name", "null"),
                with("call_date_time", null), with("call_date_time", "null"), with("call_date_time", "\"\""),
                with("call_date_time", "\" \""), with("call_date_time", "20181231"),
                with("call_date_time", "{\"t\":\"2018-12-31T23:57:00\"}"),
                // Date-times: zoned, other layouts, impossible, edges of the calendar and of daylight saving.
                with("call_date_time", "\"2018-12-31T23:57:00Z\""), with("call_date_time", "\"2018-12-31T23:57:00.000Z\""),
                with("call_date_time", "\"2018-12-31T23:57:00+02:00\""), with("call_date_time", "\"2018-12-31T23:57:00-0800\""),
                with("call_date_time", "\"2018-12-31T23:57:00.123456789Z\""),
                with("call_date_time", "\"2018-12-31T23:57:00[America/Los_Angeles]\""),
                with("call_date_time", "\"2018-12-31 23:57:00\""), with("call_date_time", "\"12/31/2018 11:57 PM\""),
                with("call_date_time", "\"2018-12-31T23:57\""), with("call_date_time", "\"2018-12-31T23:57:00.1\""),
                with("call_date_time", "\"2018-12-31T23:57:00.1234\""), with("call_date_time", "\"2018-12-31T23:57:00\\n\""),
                with("call_date_time", "\" 2018-12-31T23:57:00\""), with("call_date_time", "\"2018-12-31T23:57:0\\u0030\""),
                with("call_date_time", "\"2019-02-30T10:00:00\""), with("call_date_time", "\"2019-02-29T10:00:00\""),
                with("call_date_time", "\"2020-02-29T10:00:00\""), with("call_date_time", "\"2018-13-01T10:00:00\""),
                with("call_date_time", "\"2018-12-31T24:00:00\""), with("call_date_time", "\"2018-12-31T23:60:00\""),
                with("call_date_time", "\"2018-12-31T23:59:60\""), with("call_date_time", "\"0000-01-01T00:00:00\""),
                with("call_date_time", "\"9999-12-31T23:59:59.999\""), with("call_date_time", "\"1883-11-18T12:30:00\""),
                with("call_date_time", "\"2019-03-10T02:30:00\""), with("call_date_time", "\"2018-11-04T01:30:00\""),
                with("call_date_time", "\"２０１８-12-31T23:57:00\""),
                // Dispositions the validator does not check, in every type.
                with("disposition", null), with("disposition", "null"), with("disposition", "5"),
                with("disposition", "1.5e10"), with("disposition", "\"\""), with("disposition", "\"A\\u0042C\""),
                with("disposition", "[\"ADV\"]"), with("disposition", "{\"code\":\"ADV\"}"),
                // Repeated names: the last one wins, in Jackson's tree and in from_json alike.
                "{\"crime_id\":\"1\",\"crime_id\":2,\"original_crime_type_name\":\"T\",\"call_date_time\":\"2018-12-31T23:57:00\"}",
                "{\"crime_id\":2,\"crime_id\":\"1\",\"original_crime_type_name\":\"T\",\"call_date_time\":\"2018-12-31T23:57:00\"}",
                "{\"crime_id\":\"1\",\"crime_id\":null,\"original_crime_type_name\":\"T\",\"call_date_time\":\"2018-12-31T23:57:00\"}",
                "{\"crime_id\":null,\"crime_id\":\"1\",\"original_crime_type_name\":\"T\",\"call_date_time\":\"2018-12-31T23:57:00\"}",
                // Names that only look like the fields.
                "{\"x\":{\"crime_id\":\"1\"},\"original_crime_type_name\":\"T\",\"call_date_time\":\"2018-12-31T23:57:00\"}",
                "{\"crime\\u005fid\":\"7\",\"original_crime_type_name\":\"x\",\"call_date_time\":\"2018-12-31T23:57:00\"}",
                "{\"Crime_ID\":\"7\",\"original_crime_type_name\":\"x\",\"call_date_time\":\"2018-12-31T23:57:00\"}",
                // Other fields of every shape and escape: fine.
                plus("\"address\":\"a \\\"b\\\" \\\\ \\/ \\b\\f\\n\\r\\t \\u00e9 \\uD83D\\uDE00\""),
                plus("\"n\":[0,-0,1.5e10,1E+2,-12.5e-3],\"o\":{\"a\":{\"b\":null}},\"t\":true,\"f\":false,\"z\":null"),
                plus("\"n\":0"), plus("\"n\":-0"), plus("\"n\":1.5e10"), plus("\"n\":-1.25E-3"),
                plus("\"n\":" + "1".repeat(150)), plus("\"a\":\"Café 😀\""), plus("\"disposition\":5,\"address\":{}"),
                // Other fields with bad syntax: the whole record is malformed.
                plus("\"a\":\"\\x\""), plus("\"a\":\"\\u12G4\""), plus("\"a\":\"\\'\""), plus("\"n\":01"),
                plus("\"n\":1."), plus("\"n\":.5"), plus("\"n\":+1"), plus("\"n\":-"), plus("\"n\":1e"),
                plus("\"n\":12ab"), plus("\"n\":NaN"), plus("\"n\":tru"), plus("\"n\":truex"), plus("\"n\":nulll"),
                plus("\"a\":\"x\ty\""), plus("\"a\":\"line\nbreak\""),
                // Raw control characters in a kept field.
                with("original_crime_type_name", "\"x\u0001\""), with("crime_id", "\"1\n2\""),
                // Several problems: the first in validation order wins.
                "{\"crime_id\":\"\",\"original_crime_type_name\":5,\"call_date_time\":\"bad\"}",
                "{\"original_crime_type_name\":5,\"call_date_time\":\"bad\"}",
                "{\"crime_id\":\"1\",\"original_crime_type_name\":5,\"call_date_time\":7}",
                "{\"crime_id\":\"1\",\"original_crime_type_name\":\"\",\"call_date_time\":7}",
                "{\"crime_id\":\"1\",\"original_crime_type_name\":\"T\",\"call_date_time\":7}",
                // Non-ASCII text, valid UTF-8, in names and values.
                "{\"crime_id\":\"é\",\"original_crime_type_name\":\"Café 😀\",\"call_date_time\":\"2018-12-31T23:57:00\"}",
                "{\"é\":\"中\"," + FIELDS + "}",
                GOOD + " é", "\uFEFF" + GOOD);
    }

    /** Values that are not UTF-8, in a skipped field, a kept field, a name, and outside any string. */
    private static List<byte[]> badBytes() {
        List<byte[]> values = new ArrayList<>();
        values.add(damage(GOOD, "Traffic", 0xFF, 0xFE));                                   // never UTF-8
        values.add(damage(plus("\"address\":\"Main St\""), "Main", 0xC0, 0xAF));          // overlong '/'
        values.add(damage(plus("\"address\":\"Main St\""), "Main", 0xED, 0xA0, 0x80));    // a surrogate
        values.add(damage(plus("\"address\":\"Main St\""), "Main", 0xF4, 0x90, 0x80, 0x80)); // above U+10FFFF
        values.add(damage(plus("\"address\":\"Main St\""), "Main", 'x', 0xE2, 0x82));     // cut off
        values.add(damage(GOOD, "183653763", 0x80));                                      // lone continuation
        values.add(damage(plus("\"address\":\"Main St\""), "address", 0xC3, 0x28));       // bad continuation
        values.add(damage(GOOD + "#", "#", 0xA0));                                        // after the object
        values.add(bytes(0xC3, 0xA9));                                                   // "é" alone: UTF-8, not JSON
        return values;
    }

    /** Every kind of bad record the generator makes, and some good ones, in both layouts. */
    private static List<byte[]> generated() {
        List<byte[]> values = new ArrayList<>();
        for (CallGenerator.Format format : CallGenerator.Format.values()) {
            CallGenerator g = new CallGenerator(CallGenerator.Options.defaults().withCount(400).withSeed(5)
                    .withInvalidFraction(0.25).withFormat(format));
            Set<InvalidKind> seen = EnumSet.noneOf(InvalidKind.class);
            int good = 0;
            for (long i = 0; i < g.options().count(); i++) {
                InvalidKind kind = g.invalidKindAt(i);
                if (kind == null ? good++ < 5 : seen.add(kind)) {
                    values.add(g.recordBytes(i));
                }
            }
            if (!seen.equals(EnumSet.allOf(InvalidKind.class))) {
                throw new IllegalStateException("the generator made only " + seen + " in " + format);
            }
        }
        return values;
    }

    private static byte[] damage(String text, String at, int... replacement) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        int i = text.indexOf(at); // ASCII before it in every use, so char and byte offsets agree
        for (int k = 0; k < replacement.length; k++) {
            b[i + k] = (byte) replacement[k];
        }
        return b;
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }
}
