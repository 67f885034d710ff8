package io.sfcrime.common;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * Parsing of {@code call_date_time}: {@code yyyy-MM-ddTHH:mm:ss} or {@code yyyy-MM-ddTHH:mm:ss.SSS}, a real
 * calendar date-time, San Francisco local time, with no zone or offset.
 */
public final class EventTime {
    /** Window bounds and report timestamps are written in this form, in San Francisco time. */
    public static final DateTimeFormatter REPORT_FORMAT = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss");

    private EventTime() {
    }

    /** The local date-time, or empty when the text is not a valid {@code call_date_time}. */
    public static Optional<LocalDateTime> parse(String text) {
        if (text == null || !hasShape(text)) {
            return Optional.empty();
        }
        try {
            return Optional.of(toDateTime(text));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    /** Null when valid, otherwise the reason it is not. */
    static Invalid check(String text) {
        if (text == null || text.isEmpty()) {
            return Invalid.of(Invalid.MISSING_FIELD, CallFields.CALL_DATE_TIME + " is missing or empty");
        }
        if (!hasShape(text)) {
            if (hasZone(text)) {
                return Invalid.of(Invalid.ZONED_DATE_TIME, CallFields.CALL_DATE_TIME + " '" + abbreviate(text)
                        + "' carries a zone or offset; expected San Francisco local time without one");
            }
            return Invalid.of(Invalid.UNPARSEABLE_DATE_TIME, CallFields.CALL_DATE_TIME + " '" + abbreviate(text)
                    + "' is not yyyy-MM-ddTHH:mm:ss[.SSS]");
        }
        try {
            toDateTime(text);
            return null;
        } catch (DateTimeException e) {
            return Invalid.of(Invalid.UNPARSEABLE_DATE_TIME, CallFields.CALL_DATE_TIME + " '" + text
                    + "' is not a real date-time");
        }
    }

    // Hand-written instead of a regex and a formatter: this runs once per record in the producer and the
    // benchmark ceiling, and LocalDateTime.of still rejects impossible dates such as 2019-02-30.
    private static boolean hasShape(String s) {
        int n = s.length();
        if (n != 19 && n != 23) {
            return false;
        }
        if (!digits(s, 0, 4) || s.charAt(4) != '-' || !digits(s, 5, 7) || s.charAt(7) != '-' || !digits(s, 8, 10)
                || s.charAt(10) != 'T' || !digits(s, 11, 13) || s.charAt(13) != ':' || !digits(s, 14, 16)
                || s.charAt(16) != ':' || !digits(s, 17, 19)) {
            return false;
        }
        return n == 19 || (s.charAt(19) == '.' && digits(s, 20, 23));
    }

    /** A date-time shape followed by Z, an offset or a bracketed region, with or without a fraction. */
    private static boolean hasZone(String s) {
        if (s.length() < 20 || !hasShape(s.substring(0, 19))) {
            return false;
        }
        int i = 19;
        if (s.charAt(i) == '.') {
            i++;
            while (i < s.length() && Character.isDigit(s.charAt(i))) {
                i++;
            }
        }
        if (i >= s.length()) {
            return false;
        }
        char c = s.charAt(i);
        return c == 'Z' || c == 'z' || c == '+' || c == '-' || c == '[';
    }

    private static boolean digits(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static LocalDateTime toDateTime(String s) {
        int nanos = s.length() == 23 ? num(s, 20, 23) * 1_000_000 : 0;
        return LocalDateTime.of(num(s, 0, 4), num(s, 5, 7), num(s, 8, 10), num(s, 11, 13), num(s, 14, 16),
                num(s, 17, 19), nanos);
    }

    private static int num(String s, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            v = v * 10 + (s.charAt(i) - '0');
        }
        return v;
    }

    static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "…";
    }
}
