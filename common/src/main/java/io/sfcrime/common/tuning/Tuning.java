package io.sfcrime.common.tuning;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The job's effective tuning: typed, immutable, validated at the edge. Built from a flat map of raw values
 * (YAML file or ConfigMap data); every declared key has a value, missing ones take their default.
 */
public final class Tuning {
    private final Map<String, Object> declared;
    private final Map<String, String> passThrough;

    private Tuning(Map<String, Object> declared, Map<String, String> passThrough) {
        this.declared = Collections.unmodifiableMap(declared);
        this.passThrough = Collections.unmodifiableMap(passThrough);
    }

    public static Tuning defaults() {
        return fromMap(Map.of());
    }

    /** Strict: any invalid value or unknown key fails the whole map with every problem listed. */
    public static Tuning fromMap(Map<String, ?> raw) {
        return fromMap(raw, SparkKeys.ANY);
    }

    /** As {@link #fromMap(Map)}, with pass-through {@code spark.*} keys checked by {@code sparkKeys}. */
    public static Tuning fromMap(Map<String, ?> raw, SparkKeys sparkKeys) {
        Validation v = validate(raw, defaults0(), sparkKeys);
        if (!v.rejected().isEmpty()) {
            throw new InvalidTuningException(v.rejected());
        }
        return v.tuning();
    }

    /**
     * Lenient: valid keys are taken, invalid ones are listed in {@link Validation#rejected()} and keep their value
     * from {@code previous}. Keys absent from {@code raw} return to their defaults.
     */
    public static Validation validate(Map<String, ?> raw, Tuning previous) {
        return validate(raw, previous, SparkKeys.ANY);
    }

    /**
     * As {@link #validate(Map, Tuning)}, with each pass-through {@code spark.*} key checked by {@code sparkKeys}
     * unless {@link TuningKeys#UNDECLARED_SPARK_KEYS} lists it (the deliberate way to pass a key Spark does not
     * declare).
     */
    public static Validation validate(Map<String, ?> raw, Tuning previous, SparkKeys sparkKeys) {
        List<String> undeclared = undeclaredAllowed(raw);
        Map<String, Object> declared = new LinkedHashMap<>();
        Map<String, String> passThrough = new TreeMap<>();
        Map<String, String> rejected = new TreeMap<>();
        for (Setting s : TuningKeys.ALL) {
            declared.put(s.name(), s.defaultValue());
        }
        for (Map.Entry<String, ?> e : raw.entrySet()) {
            String key = e.getKey().trim();
            var setting = TuningKeys.find(key);
            try {
                if (setting.isPresent()) {
                    declared.put(key, setting.get().parse(e.getValue()));
                } else if (TuningKeys.isPassThrough(key)) {
                    if (e.getValue() == null || String.valueOf(e.getValue()).isBlank()) {
                        throw new IllegalArgumentException(key + ": a value is required");
                    }
                    String problem = listed(key, undeclared) ? null : sparkKeys.problem(key);
                    if (problem != null) {
                        throw new IllegalArgumentException(problem + "; to pass a key Spark does not declare on "
                                + "purpose, list it in " + TuningKeys.UNDECLARED_SPARK_KEYS.name());
                    }
                    passThrough.put(key, String.valueOf(e.getValue()).trim());
                } else {
                    throw new IllegalArgumentException("unknown key '" + key + "'"
                            + TuningKeys.nearest(key).map(n -> "; did you mean '" + n + "'?").orElse(""));
                }
            } catch (IllegalArgumentException ex) {
                rejected.put(key, ex.getMessage());
                if (previous != null && setting.isPresent()) {
                    declared.put(key, previous.declared.get(key));
                } else if (previous != null && previous.passThrough.containsKey(key)) {
                    passThrough.put(key, previous.passThrough.get(key));
                }
            }
        }
        crossCheck(declared, rejected, previous);
        return new Validation(new Tuning(declared, passThrough), rejected);
    }

    /**
     * Rules between keys, once each key passed its own check: the autoscaler's bounds must not cross. Both bounds
     * are rejected and keep their previous values (which passed this rule), so the job never runs with min above max.
     */
    private static void crossCheck(Map<String, Object> declared, Map<String, String> rejected, Tuning previous) {
        Setting minKey = TuningKeys.AUTOSCALE_MIN_EXECUTORS;
        Setting maxKey = TuningKeys.AUTOSCALE_MAX_EXECUTORS;
        int min = (Integer) declared.get(minKey.name());
        int max = (Integer) declared.get(maxKey.name());
        if (min <= max) {
            return;
        }
        String why = minKey.name() + " " + min + " is more than " + maxKey.name() + " " + max
                + "; the autoscaler needs min <= max";
        for (Setting s : List.of(minKey, maxKey)) {
            rejected.putIfAbsent(s.name(), s.name() + ": " + why);
            declared.put(s.name(), previous != null ? previous.declared.get(s.name()) : s.defaultValue());
        }
    }

    /** The names and prefixes (ending in '.') listed in {@link TuningKeys#UNDECLARED_SPARK_KEYS}, if any. */
    private static List<String> undeclaredAllowed(Map<String, ?> raw) {
        Object listed = raw.get(TuningKeys.UNDECLARED_SPARK_KEYS.name());
        if (listed == null) {
            return List.of();
        }
        return Arrays.stream(String.valueOf(listed).split(",")).map(String::trim).filter(k -> !k.isEmpty()).toList();
    }

    private static boolean listed(String key, List<String> allowed) {
        for (String a : allowed) {
            if (a.equals(key) || (a.endsWith(".") && key.startsWith(a))) {
                return true;
            }
        }
        return false;
    }

    private static Tuning defaults0() {
        Map<String, Object> declared = new LinkedHashMap<>();
        TuningKeys.ALL.forEach(s -> declared.put(s.name(), s.defaultValue()));
        return new Tuning(declared, Map.of());
    }

    /** Result of a lenient validation. */
    public record Validation(Tuning tuning, Map<String, String> rejected) {
    }

    public Object get(Setting s) {
        return declared.get(s.name());
    }

    public int getInt(Setting s) {
        return (Integer) get(s);
    }

    public long getLong(Setting s) {
        return (Long) get(s);
    }

    public boolean getBoolean(Setting s) {
        return (Boolean) get(s);
    }

    public String getString(Setting s) {
        return (String) get(s);
    }

    public Duration getDuration(Setting s) {
        return (Duration) get(s);
    }

    /** Pass-through {@code spark.*} keys as given. */
    public Map<String, String> passThrough() {
        return passThrough;
    }

    /** Every Spark conf this tuning sets: declared {@code spark.*} keys and pass-through ones, as strings. */
    public Map<String, String> sparkConf() {
        Map<String, String> conf = new TreeMap<>();
        for (Setting s : TuningKeys.ALL) {
            if (s.name().startsWith(TuningKeys.SPARK_PREFIX)) {
                conf.put(s.name(), s.render(declared.get(s.name())));
            }
        }
        conf.putAll(passThrough);
        return conf;
    }

    /**
     * The Kafka consumer settings of the Spark source's executors, as {@code kafka.*} options of the source: one
     * place for the job's source and the bench's read floor, so the floor reads with what the job reads with.
     */
    public Map<String, String> kafkaConsumerOptions() {
        Map<String, String> options = new TreeMap<>();
        options.put("kafka.max.poll.records", Integer.toString(getInt(TuningKeys.MAX_POLL_RECORDS)));
        options.put("kafka.max.partition.fetch.bytes", Integer.toString(getInt(TuningKeys.MAX_PARTITION_FETCH_BYTES)));
        return options;
    }

    /** Every key with its canonical text, declared keys first in declaration order, then pass-through keys. */
    public Map<String, String> asStrings() {
        Map<String, String> all = new LinkedHashMap<>();
        for (Setting s : TuningKeys.ALL) {
            all.put(s.name(), s.render(declared.get(s.name())));
        }
        all.putAll(passThrough);
        return all;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tuning t && declared.equals(t.declared) && passThrough.equals(t.passThrough);
    }

    @Override
    public int hashCode() {
        return Objects.hash(declared, passThrough);
    }

    @Override
    public String toString() {
        return asStrings().toString();
    }
}
