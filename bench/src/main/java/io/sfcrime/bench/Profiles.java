package io.sfcrime.bench;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.sfcrime.common.tuning.InvalidTuningException;
import io.sfcrime.common.tuning.Tuning;
import io.sfcrime.common.tuning.TuningKeys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The sweep file ({@code bench/profiles.yaml}): {@code base} settings every Spark run gets and a list of
 * {@code profiles}, each a name, a group, a description, a {@link Role}, the words the report says about it, whether
 * the quick and latency modes run it, and flat tuning keys. Every profile's merged settings are validated by
 * {@link Tuning#fromMap} when the file is read, so a typo fails before the first run, not an hour in.
 */
public record Profiles(Map<String, String> base, @JsonProperty("profiles") List<Profile> all) {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9.-]*");
    /** Names the harness gives its own runs; a profile may not take them. */
    static final Set<String> RESERVED = Set.of("ceiling", "producer", "kafka-perf-tool");

    /** What the report does with a profile besides its table row and its effect against {@code compare_to}. */
    public enum Role {
        /** A change measured against the profile it names in {@code compare_to}. */
        VARIANT,
        /** Spark's defaults at the comparison batch size: every "× defaults" ratio. Exactly one profile. */
        BASELINE,
        /** A point of the rows/s by spark.sql.shuffle.partitions chart (with the baseline). */
        SHUFFLE_SWEEP,
        /** A published answer measured as given: its {@code report} text, with {rate} and {effect} filled in. */
        ANSWER,
        /** A setting that should change nothing here: its {@code report} text, then whether the numbers agree. */
        NO_EFFECT;

        @JsonValue
        public String yamlName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** One Spark configuration to measure; {@code settings} are merged over the file's base when it is read. */
    public record Profile(String name, String group, String description, Role role, String report, boolean quick,
                          boolean latency, String compareTo, Map<String, String> settings) {
        public Profile {
            group = group == null ? "other" : group;
            description = description == null ? "" : description;
            role = role == null ? Role.VARIANT : role;
            settings = settings == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(settings));
        }

        /** A variant of this profile run by the harness itself (scaling), under another name and settings. */
        public Profile derive(String newName, String newGroup, Map<String, String> newSettings) {
            return new Profile(newName, newGroup, description, Role.VARIANT, null, false, false, null, newSettings);
        }

        public Tuning tuning() {
            return Tuning.fromMap(settings);
        }

        public long maxOffsetsPerTrigger() {
            return tuning().getLong(TuningKeys.MAX_OFFSETS_PER_TRIGGER);
        }
    }

    public Profiles {
        base = base == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(base));
        all = all == null ? List.of() : List.copyOf(all);
    }

    /** The profile every other is compared with: Spark's defaults at the comparison batch size. */
    public Profile baseline() {
        return all.stream().filter(p -> p.role() == Role.BASELINE).findFirst().orElseThrow();
    }

    public List<Profile> quick() {
        return all.stream().filter(Profile::quick).toList();
    }

    public Optional<Profile> find(String name) {
        return all.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** The role of the profile a run was measured with; a run of no profile of this file is a variant. */
    public Role role(String name) {
        return find(name).map(Profile::role).orElse(Role.VARIANT);
    }

    public static Profiles read(Path file) {
        try {
            return parse(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read profiles file " + file + ": " + e.getMessage(), e);
        }
    }

    public static Profiles parse(String yaml, String source) {
        Profiles sweep;
        try {
            sweep = YAML.readValue(yaml, Profiles.class);
        } catch (JsonMappingException e) {
            throw new IllegalArgumentException(source + mistake(e), e);
        } catch (JacksonException e) {
            throw new IllegalArgumentException(source + " is not valid YAML: " + e.getOriginalMessage(), e);
        }
        if (sweep == null || sweep.all().isEmpty()) {
            throw new IllegalArgumentException(source + ": 'profiles' must be a non-empty list");
        }
        Map<String, String> base = flat(sweep.base(), source + " base");
        List<Profile> profiles = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Profile p : sweep.all()) {
            String where = source + " profiles[" + profiles.size() + "]";
            if (p.name() == null || !NAME.matcher(p.name()).matches()) {
                throw new IllegalArgumentException(where + ": name '" + p.name()
                        + "' must be lower-case letters, digits, dots and dashes");
            }
            if (RESERVED.contains(p.name())) {
                throw new IllegalArgumentException(where + ": name '" + p.name() + "' is reserved for the harness");
            }
            if (!names.add(p.name())) {
                throw new IllegalArgumentException(where + ": duplicate profile name '" + p.name() + "'");
            }
            where = source + " profile '" + p.name() + "'";
            Map<String, String> merged = new LinkedHashMap<>(base);
            merged.putAll(flat(p.settings(), where + " settings"));
            validate(where, merged);
            boolean speaks = p.role() == Role.ANSWER || p.role() == Role.NO_EFFECT;
            if (speaks && (p.report() == null || p.report().isBlank())) {
                throw new IllegalArgumentException(where + ": role " + p.role().yamlName() + " needs the report text");
            }
            profiles.add(new Profile(p.name(), p.group(), p.description(), p.role(), p.report(), p.quick(), p.latency(),
                    p.compareTo(), merged));
        }
        for (Profile p : profiles) {
            if (p.compareTo() != null && !names.contains(p.compareTo())) {
                throw new IllegalArgumentException(source + " profile '" + p.name() + "': compare_to '"
                        + p.compareTo() + "' is not one of the profiles");
            }
        }
        long baselines = profiles.stream().filter(p -> p.role() == Role.BASELINE).count();
        if (baselines != 1) {
            throw new IllegalArgumentException(source + ": exactly one profile needs role baseline, found "
                    + baselines);
        }
        return new Profiles(base, profiles);
    }

    /** Where in the file a mapping error is ("profiles[3].settings"), and what is wrong there. */
    private static String mistake(JsonMappingException e) {
        List<JsonMappingException.Reference> path = e.getPath();
        if (e instanceof UnrecognizedPropertyException u) {
            return at(path.subList(0, path.size() - 1)) + ": unknown key '" + u.getPropertyName() + "' (expected "
                    + String.join(", ", u.getKnownPropertyIds().stream().map(Object::toString).sorted().toList()) + ")";
        }
        if (path.isEmpty()) {
            return " must be a mapping with base and profiles";
        }
        String key = path.get(path.size() - 1).getFieldName();
        if (e instanceof MismatchedInputException && path.size() > 1 && "settings".equals(path.get(path.size() - 2)
                .getFieldName())) {
            return at(path) + ": '" + key + "' needs a single value (flat keys such as "
                    + "spark.sql.shuffle.partitions: 4)";
        }
        return at(path) + ": " + e.getOriginalMessage();
    }

    private static String at(List<JsonMappingException.Reference> path) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : path) {
            sb.append(r.getIndex() >= 0 ? "[" + r.getIndex() + "]" : (sb.isEmpty() ? " " : ".") + r.getFieldName());
        }
        return sb.toString();
    }

    private static void validate(String where, Map<String, String> settings) {
        try {
            if (Tuning.fromMap(settings).getBoolean(TuningKeys.DEDUPE)) {
                throw new IllegalArgumentException(where + ": query.dedupe=true cannot be checked against the "
                        + "ceiling, which counts every valid record");
            }
        } catch (InvalidTuningException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    /** Flat {@code key: scalar} only: an empty value is almost always an indentation mistake. */
    private static Map<String, String> flat(Map<String, String> settings, String where) {
        Map<String, String> out = new LinkedHashMap<>();
        if (settings != null) {
            settings.forEach((k, v) -> {
                if (v == null) {
                    throw new IllegalArgumentException(where + ": '" + k
                            + "' needs a single value (flat keys such as spark.sql.shuffle.partitions: 4)");
                }
                out.put(k, v);
            });
        }
        return out;
    }
}
