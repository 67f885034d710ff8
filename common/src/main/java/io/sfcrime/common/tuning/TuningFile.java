package io.sfcrime.common.tuning;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads the tuning YAML file into a flat map of raw values; nested mappings are flattened with dots. */
public final class TuningFile {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private TuningFile() {
    }

    public static Map<String, Object> read(Path file) {
        try {
            return parse(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read tuning file " + file + ": " + e.getMessage(), e);
        }
    }

    public static Map<String, Object> parse(String yaml, String source) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (IOException e) {
            throw new IllegalArgumentException("tuning file " + source + " is not valid YAML: " + e.getMessage(), e);
        }
        Map<String, Object> flat = new LinkedHashMap<>();
        if (root == null || root.isMissingNode() || root.isNull()) {
            return flat;
        }
        if (!root.isObject()) {
            throw new IllegalArgumentException("tuning file " + source + " must be a mapping of key: value");
        }
        flatten("", root, flat);
        return flat;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, Object> out) {
        node.fields().forEachRemaining(e -> {
            String key = prefix + e.getKey();
            JsonNode v = e.getValue();
            if (v.isObject()) {
                flatten(key + ".", v, out);
            } else if (v.isNull()) {
                out.put(key, null);
            } else if (v.isBoolean()) {
                out.put(key, v.booleanValue());
            } else if (v.isIntegralNumber()) {
                out.put(key, v.longValue());
            } else if (v.isNumber()) {
                out.put(key, v.doubleValue());
            } else {
                out.put(key, v.asText());
            }
        });
    }
}
