package io.sfcrime.common;

import java.util.List;
import java.util.Objects;

/**
 * Why a record is invalid: a stable machine-readable {@code code} (dead-letter header, counters) and a message
 * for people that names the field and value at fault.
 */
public record Invalid(String code, String message) {
    public static final String MALFORMED_JSON = "malformed_json";
    public static final String NOT_AN_OBJECT = "not_an_object";
    public static final String MISSING_FIELD = "missing_field";
    public static final String WRONG_TYPE = "wrong_type";
    public static final String EMPTY_FIELD = "empty_field";
    public static final String UNPARSEABLE_DATE_TIME = "unparseable_date_time";
    public static final String ZONED_DATE_TIME = "zoned_date_time";
    public static final String TOO_LARGE = "too_large";
    public static final String INVALID_UTF8 = "invalid_utf8";
    /** A real date-time outside the plausible range ({@code validation.minEventTime}, {@code validation.maxFutureSkew}). */
    public static final String IMPLAUSIBLE_DATE_TIME = "implausible_date_time";
    /** Every code, in a stable order: the per-reason metrics are declared from this list. */
    public static final List<String> CODES = List.of(MALFORMED_JSON, NOT_AN_OBJECT, MISSING_FIELD, WRONG_TYPE,
            EMPTY_FIELD, UNPARSEABLE_DATE_TIME, ZONED_DATE_TIME, TOO_LARGE, INVALID_UTF8, IMPLAUSIBLE_DATE_TIME);

    public Invalid {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }

    public static Invalid of(String code, String message) {
        return new Invalid(code, message);
    }

    @Override
    public String toString() {
        return code + ": " + message;
    }
}
