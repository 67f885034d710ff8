package io.sfcrime.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The sweep file ({@code bench/profiles.yaml}): {@code base} settings every Spark run gets, the name of the
 * {@code baseline} profile that ratios are taken against, and a list of {@code profiles}, each a name, a group, a
 * description, whether the quick mode runs it, and flat tuning keys. Every profile's merged settings are
 * validated by {@link Tuning#fromMap} when the file is read, so a typo fails before the first run, not an hour in.
 */
public final class Profiles {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9.-]*");
    /** Names the harness gives its own runs; a profile may not take them. */
    static final Set<String> RESERVED = Set.of("ceiling", "producer", "kafka-perf-tool");

    /** One Spark configuration to measure; {@code settings} are merged over the file's base. */
    public record Profile(String name, String group, String description, boolean quick, boolean latency,
                          String compareTo, Map<String, String> settings) {
        public Profile {
            settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
        }

        public Tuning tuning() {
            return Tuning.fromMap(settings);
        }

        public long maxOffsetsPerTrigger() {
            return tuning().getLong(TuningKeys.MAX_OFFSETS_PER_TRIGGER);
        }
    }

    private final Map<String, String> base;
    private final String baseline;
    private final List<Profile> profiles;

    private Profiles(Map<String, String> base, String baseline, List<Profile> profiles) {
        this.base = Collections.unmodifiableMap(base);
        this.baseline = baseline;
        this.profiles = List.copyOf(profiles);
    }

    public Map<String, String> base() {
        return base;
    }

    /** The profile every other is compared with: Spark's defaults at the comparison batch size. */
    public Profile baseline() {
        return find(baseline).orElseThrow();
    }

    public List<Profile> all() {
        return profiles;
    }

    public List<Profile> quick() {
        return profiles.stream().filter(Profile::quick).toList();
    }

    public Optional<Profile> find(String name) {
        return profiles.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** A profile made on the fly (scaling, best-of), validated like the file's: base, then the given settings. */
    public Profile derive(String name, String group, String description, Map<String, String> settings) {
        Map<String, String> merged = new LinkedHashMap<>(base);
        merged.putAll(settings);
        validate(name, merged);
        return new Profile(name, group, description, false, false, null, merged);
    }

    public static Profiles read(Path file) {
        try {
            return parse(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read profiles file " + file + ": " + e.getMessage(), e);
        }
    }

    public static Profiles parse(String yaml, String source) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (IOException e) {
            throw new IllegalArgumentException(source + " is not valid YAML: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(source + " must be a mapping with base, baseline and profiles");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!Set.of("base", "baseline", "profiles").contains(f)) {
                throw new IllegalArgumentException(source + ": unknown top-level key '" + f
                        + "' (expected base, baseline, profiles)");
            }
        }
        Map<String, String> base = flat(root.get("base"), source + " base");
        JsonNode list = root.get("profiles");
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw new IllegalArgumentException(source + ": 'profiles' must be a non-empty list");
        }
        List<Profile> profiles = new ArrayList<>();
        Set<String> names = new HashSet<>();
        int index = 0;
        for (JsonNode p : list) {
            String where = source + " profiles[" + index + "]";
            if (!p.isObject()) {
                throw new IllegalArgumentException(where + " must be a mapping");
            }
            for (Iterator<String> it = p.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!Set.of("name", "group", "description", "quick", "latency", "compare_to", "settings").contains(f)) {
                    throw new IllegalArgumentException(where + ": unknown key '" + f
                            + "' (expected name, group, description, quick, latency, compare_to, settings)");
                }
            }
            String name = p.path("name").asText("");
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(where + ": name '" + name
                        + "' must be lower-case letters, digits, dots and dashes");
            }
            if (RESERVED.contains(name)) {
                throw new IllegalArgumentException(where + ": name '" + name + "' is reserved for the harness");
            }
            if (!names.add(name)) {
                throw new IllegalArgumentException(where + ": duplicate profile name '" + name + "'");
            }
            where = source + " profile '" + name + "'";
            Map<String, String> merged = new LinkedHashMap<>(base);
            merged.putAll(flat(p.get("settings"), where + " settings"));
            validate(where, merged);
            profiles.add(new Profile(name, p.path("group").asText("other"), p.path("description").asText(""),
                    p.path("quick").asBoolean(false), p.path("latency").asBoolean(false),
                    p.hasNonNull("compare_to") ? p.get("compare_to").asText() : null, merged));
            index++;
        }
        String baseline = root.path("baseline").asText("");
        for (Profile p : profiles) {
            if (p.compareTo() != null && !names.contains(p.compareTo())) {
                throw new IllegalArgumentException(source + " profile '" + p.name() + "': compare_to '"
                        + p.compareTo() + "' is not one of the profiles");
            }
        }
        if (!names.contains(baseline)) {
            throw new IllegalArgumentException(source + ": baseline '" + baseline + "' is not one of the profiles "
                    + names);
        }
        return new Profiles(base, baseline, profiles);
    }

    private static void validate(String where, Map<String, String> settings) {
        try {
            Tuning t = Tuning.fromMap(settings);
            if (t.getBoolean(TuningKeys.DEDUPE)) {
                throw new IllegalArgumentException(where + ": query.dedupe=true cannot be checked against the "
                        + "ceiling, which counts every valid record");
            }
        } catch (InvalidTuningException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    /** Flat {@code key: scalar} only: a nested mapping here is almost always an indentation mistake. */
    private static Map<String, String> flat(JsonNode node, String where) {
        Map<String, String> out = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException(where + " must be a mapping of tuning key: value");
        }
        node.fields().forEachRemaining(e -> {
            JsonNode v = e.getValue();
            if (!v.isValueNode() || v.isNull()) {
                throw new IllegalArgumentException(where + ": '" + e.getKey()
                        + "' needs a single value (flat keys such as spark.sql.shuffle.partitions: 4)");
            }
            out.put(e.getKey(), v.asText());
        });
        return out;
    }
}
