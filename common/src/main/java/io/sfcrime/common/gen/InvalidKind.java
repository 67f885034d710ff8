package io.sfcrime.common.gen;

import io.sfcrime.common.Invalid;

/**
 * The kinds of bad record the generator mixes in, each with the reason code a reader must report for it. Every
 * kind keeps the file's top-level structure balanced (brackets, braces and quotes pair up), so a reader that
 * rejects one can find the start of the next record.
 */
public enum InvalidKind {
    /** An array element (NDJSON line) that is a number. */
    NUMBER_ELEMENT(Invalid.NOT_AN_OBJECT, "a number instead of an object"),
    /** An array element that is a string. */
    STRING_ELEMENT(Invalid.NOT_AN_OBJECT, "a string instead of an object"),
    /** An array element that is itself an array. */
    ARRAY_ELEMENT(Invalid.NOT_AN_OBJECT, "an array instead of an object"),
    /** {@code crime_id} written as a JSON number. */
    NUMBER_CRIME_ID(Invalid.WRONG_TYPE, "crime_id is a number"),
    /** {@code call_date_time} written as a JSON object. */
    OBJECT_CALL_DATE_TIME(Invalid.WRONG_TYPE, "call_date_time is an object"),
    MISSING_CRIME_ID(Invalid.MISSING_FIELD, "crime_id is absent"),
    MISSING_CALL_DATE_TIME(Invalid.MISSING_FIELD, "call_date_time is absent"),
    MISSING_CRIME_TYPE(Invalid.MISSING_FIELD, "original_crime_type_name is absent"),
    EMPTY_CRIME_TYPE(Invalid.EMPTY_FIELD, "original_crime_type_name is \"\""),
    /** A date-time in another layout ({@code 12/31/2018 11:57 PM}). */
    UNPARSEABLE_DATE_TIME(Invalid.UNPARSEABLE_DATE_TIME, "call_date_time in a US layout"),
    /** The right layout but no such day: {@code 2019-02-30T10:00:00}. */
    IMPOSSIBLE_DATE_TIME(Invalid.UNPARSEABLE_DATE_TIME, "call_date_time on 30 February"),
    /** UTC designator: {@code ...T23:57:00.000Z}. */
    UTC_DATE_TIME(Invalid.ZONED_DATE_TIME, "call_date_time ends in Z"),
    /** An explicit offset: {@code ...T23:57:00.000+02:00}. */
    OFFSET_DATE_TIME(Invalid.ZONED_DATE_TIME, "call_date_time carries +02:00"),
    /** An object missing the comma between two fields: not JSON, but its braces still balance. */
    MISSING_COMMA(Invalid.MALFORMED_JSON, "an object without the comma after crime_id"),
    /** Bytes 0xFF 0xFE inside the address string: never valid UTF-8. */
    INVALID_UTF8(Invalid.INVALID_UTF8, "bytes 0xFF 0xFE inside the address string");

    private final String code;
    private final String description;

    InvalidKind(String code, String description) {
        this.code = code;
        this.description = description;
    }

    /** The reason code of {@link Invalid} that a reader must give for this kind. */
    public String code() {
        return code;
    }

    public String description() {
        return description;
    }
}
