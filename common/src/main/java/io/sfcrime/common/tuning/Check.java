package io.sfcrime.common.tuning;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A check of a parsed tuning value that also says itself in JSON Schema terms, so the chart's
 * {@code values.schema.json} rejects what the job would reject, from the same declaration. Returns null when the
 * value is acceptable, otherwise what is wrong with it.
 */
public final class Check implements Function<Object, String> {
    private final Function<Object, String> check;
    private final Consumer<ObjectNode> schema;

    private Check(Function<Object, String> check, Consumer<ObjectNode> schema) {
        this.check = check;
        this.schema = schema;
    }

    /** A whole number of at least {@code min}. */
    public static Check atLeast(long min) {
        return new Check(v -> ((Number) v).longValue() >= min ? null : "must be at least " + min + ", got " + v,
                s -> s.put("minimum", min));
    }

    /** A whole number from {@code min} to {@code max}, both included. */
    public static Check between(long min, long max) {
        return new Check(v -> {
            long n = ((Number) v).longValue();
            return n >= min && n <= max ? null : "must be from " + min + " to " + max + ", got " + v;
        }, s -> s.put("minimum", min).put("maximum", max));
    }

    /** A duration longer than zero. */
    public static Check positiveDuration() {
        return new Check(v -> ((java.time.Duration) v).isZero() || ((java.time.Duration) v).isNegative()
                ? "must be longer than 0" : null, s -> { });
    }

    /** One of a few words. */
    public static Check oneOf(Set<String> allowed) {
        List<String> sorted = allowed.stream().sorted().toList();
        return new Check(v -> allowed.contains(v) ? null : "must be one of " + sorted + ", got '" + v + "'",
                s -> sorted.forEach(s.putArray("enum")::add));
    }

    /** Text matching a regular expression (whole text, and a dialect JSON Schema shares); {@code what} names it. */
    public static Check matching(String regex, String what) {
        return new Check(v -> String.valueOf(v).matches(regex) ? null : "'" + v + "' is not " + what,
                s -> s.put("pattern", "^" + regex + "$"));
    }

    /** A calendar date, {@code yyyy-MM-dd}. */
    public static Check date() {
        String regex = "[0-9]{4}-[0-9]{2}-[0-9]{2}";
        return new Check(v -> {
            try {
                java.time.LocalDate.parse(String.valueOf(v));
                return null;
            } catch (java.time.DateTimeException e) {
                return "'" + v + "' is not a date (yyyy-MM-dd)";
            }
        }, s -> s.put("pattern", "^" + regex + "$"));
    }

    @Override
    public String apply(Object value) {
        return check.apply(value);
    }

    /** Adds this check's keywords to a property's schema. */
    void describe(ObjectNode propertySchema) {
        schema.accept(propertySchema);
    }
}
