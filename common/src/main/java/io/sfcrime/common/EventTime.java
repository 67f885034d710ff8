package io.sfcrime.common;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Parsing of {@code call_date_time}: {@code yyyy-MM-ddTHH:mm:ss} or {@code yyyy-MM-ddTHH:mm:ss.SSS}, a real
 * calendar date-time, San Francisco local time, with no zone or offset.
 */
public final class EventTime {
    private static final Pattern SHAPE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{3})?");
    // A zone or offset after the seconds: Z, +hh:mm, -hhmm, [Region/City] ...
    private static final Pattern WITH_ZONE =
            Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}(:?\\d{2})?|\\[.*]).*");
    // STRICT with 'uuuu' rejects 2019-02-30 instead of quietly moving it to 2019-02-28.
    private static final DateTimeFormatter SECONDS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss").withResolverStyle(ResolverStyle.STRICT);
    private static final DateTimeFormatter MILLIS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS").withResolverStyle(ResolverStyle.STRICT);

    /** Window bounds and report timestamps are written in this form, in San Francisco time. */
    public static final DateTimeFormatter REPORT_FORMAT = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss");

    private EventTime() {
    }

    /** The local date-time, or empty when the text is not a valid {@code call_date_time}. */
    public static Optional<LocalDateTime> parse(String text) {
        return check(text) == null ? Optional.of(LocalDateTime.parse(text, text.length() > 19 ? MILLIS : SECONDS))
                : Optional.empty();
    }

    /** Null when valid, otherwise the reason it is not. */
    static Invalid check(String text) {
        if (text == null || text.isEmpty()) {
            return Invalid.of(Invalid.MISSING_FIELD, CallFields.CALL_DATE_TIME + " is missing or empty");
        }
        if (WITH_ZONE.matcher(text).matches()) {
            return Invalid.of(Invalid.ZONED_DATE_TIME, CallFields.CALL_DATE_TIME + " '" + abbreviate(text)
                    + "' carries a zone or offset; expected San Francisco local time without one");
        }
        if (!SHAPE.matcher(text).matches()) {
            return Invalid.of(Invalid.UNPARSEABLE_DATE_TIME, CallFields.CALL_DATE_TIME + " '" + abbreviate(text)
                    + "' is not yyyy-MM-ddTHH:mm:ss[.SSS]");
        }
        try {
            LocalDateTime.parse(text, text.length() > 19 ? MILLIS : SECONDS);
            return null;
        } catch (DateTimeParseException e) {
            return Invalid.of(Invalid.UNPARSEABLE_DATE_TIME, CallFields.CALL_DATE_TIME + " '" + text
                    + "' is not a real date-time");
        }
    }

    static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "…";
    }
}
