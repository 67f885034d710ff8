package io.sfcrime.common.tuning;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Value types of tuning keys: how a raw value (YAML scalar or ConfigMap string) is parsed and written back. */
public enum SettingType {
    INT, LONG, BOOLEAN, STRING, DURATION;

    private static final Pattern DURATION_TEXT = Pattern.compile(
            "(\\d+)\\s*(ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hours?|d|days?)?");

    /** Parses a raw value; throws {@link IllegalArgumentException} with a message fit for a user. */
    public Object parse(Object raw) {
        String text = String.valueOf(raw).trim();
        switch (this) {
            case INT:
                return (int) parseWhole(raw, text, Integer.MIN_VALUE, Integer.MAX_VALUE, "an integer");
            case LONG:
                return parseWhole(raw, text, Long.MIN_VALUE, Long.MAX_VALUE, "an integer");
            case BOOLEAN:
                if (raw instanceof Boolean b) {
                    return b;
                }
                if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
                    return Boolean.parseBoolean(text);
                }
                throw new IllegalArgumentException("'" + text + "' is not a boolean (true or false)");
            case DURATION:
                return parseDuration(text);
            default:
                return text;
        }
    }

    /** The canonical text of a parsed value, also what Spark is given. */
    public String render(Object value) {
        if (this == DURATION) {
            return renderDuration((Duration) value);
        }
        return String.valueOf(value);
    }

    private static long parseWhole(Object raw, String text, long min, long max, String what) {
        if (raw instanceof Double || raw instanceof Float || raw instanceof Boolean) {
            throw new IllegalArgumentException("'" + text + "' is not " + what);
        }
        try {
            long v = Long.parseLong(text.replace("_", ""));
            if (v < min || v > max) {
                throw new IllegalArgumentException("'" + text + "' is out of range for " + what);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not " + what);
        }
    }

    static Duration parseDuration(String text) {
        Matcher m = DURATION_TEXT.matcher(text.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (examples: 0, 500ms, 10s, 5 minutes, 1 hour)");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "ms" : m.group(2);
        if (m.group(2) == null && n != 0) {
            throw new IllegalArgumentException("'" + text + "' needs a unit (examples: 500ms, 10s, 5 minutes, 1 hour)");
        }
        return switch (unit.charAt(0)) {
            case 'd' -> Duration.ofDays(n);
            case 'h' -> Duration.ofHours(n);
            case 's' -> Duration.ofSeconds(n);
            default -> unit.startsWith("ms") || unit.startsWith("milli") ? Duration.ofMillis(n) : Duration.ofMinutes(n);
        };
    }

    static String renderDuration(Duration d) {
        long ms = d.toMillis();
        if (ms == 0) {
            return "0";
        }
        for (var unit : List.of(new Object[] {86_400_000L, "day"}, new Object[] {3_600_000L, "hour"},
                new Object[] {60_000L, "minute"}, new Object[] {1_000L, "second"})) {
            long size = (Long) unit[0];
            if (ms != 0 && ms % size == 0) {
                long n = ms / size;
                return n + " " + unit[1] + (n == 1 ? "" : "s");
            }
        }
        return ms + " milliseconds";
    }
}
