package io.sfcrime.common.tuning;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * One tuning key, declared once: name, type, default, doc, validation, how a change applies and which of the job's
 * queries it shapes. The YAML file, the ConfigMap, validation, status, the reconciler and the generated docs all
 * read this declaration. Built with {@link #builder(String)}.
 */
public final class Setting {
    private final String name;
    private final SettingType type;
    private final Object defaultValue;
    private final ApplyMode applyMode;
    private final Set<JobQuery> queries;
    private final String doc;
    private final Function<Object, String> check;

    private Setting(Builder b) {
        this.name = Objects.requireNonNull(b.name, "name");
        this.type = Objects.requireNonNull(b.type, () -> name + ": type");
        this.defaultValue = Objects.requireNonNull(b.defaultValue, () -> name + ": default value");
        this.applyMode = Objects.requireNonNull(b.applyMode, () -> name + ": apply mode");
        if (b.queries == null || b.queries.isEmpty()) {
            throw new IllegalStateException(name + ": declare the queries the key shapes (affects)");
        }
        this.queries = Set.copyOf(b.queries);
        this.doc = Objects.requireNonNull(b.doc, () -> name + ": doc");
        this.check = b.check == null ? v -> null : b.check;
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    public String name() {
        return name;
    }

    public SettingType type() {
        return type;
    }

    public Object defaultValue() {
        return defaultValue;
    }

    public ApplyMode applyMode() {
        return applyMode;
    }

    /** The queries whose plan, source or sink this key shapes: those a change restarts when it applies that way. */
    public Set<JobQuery> queries() {
        return queries;
    }

    public String doc() {
        return doc;
    }

    /** Returns null when a parsed value is acceptable, otherwise what is wrong with it. */
    public Function<Object, String> check() {
        return check;
    }

    /** Parses and checks a raw value; throws {@link IllegalArgumentException} naming the key and the problem. */
    public Object parse(Object raw) {
        if (raw == null) {
            throw new IllegalArgumentException(name + ": a value is required");
        }
        Object value;
        try {
            value = type.parse(raw);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage());
        }
        String problem = check.apply(value);
        if (problem != null) {
            throw new IllegalArgumentException(name + ": " + problem);
        }
        return value;
    }

    public String render(Object value) {
        return type.render(value);
    }

    public String defaultText() {
        return render(defaultValue);
    }

    @Override
    public String toString() {
        return name;
    }

    /** Every part but the check is required; {@link #build()} names what is missing. */
    public static final class Builder {
        private final String name;
        private SettingType type;
        private Object defaultValue;
        private ApplyMode applyMode;
        private Set<JobQuery> queries;
        private String doc;
        private Function<Object, String> check;

        private Builder(String name) {
            this.name = name;
        }

        public Builder type(SettingType type) {
            this.type = type;
            return this;
        }

        public Builder defaultValue(Object defaultValue) {
            this.defaultValue = defaultValue;
            return this;
        }

        public Builder applyMode(ApplyMode applyMode) {
            this.applyMode = applyMode;
            return this;
        }

        /** The queries the key shapes; a QUERY_RESTART change restarts exactly these. */
        public Builder affects(JobQuery first, JobQuery... more) {
            this.queries = EnumSet.of(first, more);
            return this;
        }

        /** Shapes every query (the Spark session, the Kafka source, the trigger). */
        public Builder affectsAllQueries() {
            this.queries = EnumSet.allOf(JobQuery.class);
            return this;
        }

        public Builder doc(String doc) {
            this.doc = doc;
            return this;
        }

        /** Returns null when a parsed value is acceptable, otherwise what is wrong with it. */
        public Builder check(Function<Object, String> check) {
            this.check = check;
            return this;
        }

        public Setting build() {
            return new Setting(this);
        }
    }
}
