package io.sfcrime.common.tuning;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the tuning YAML file into a flat map of raw values. Strict where YAML is lenient, naming file and line: a
 * key given twice (YAML keeps the last one silently) and a nested mapping (it once flattened into a key such as
 * {@code spark.sql.shuffle.partitions} that nobody wrote) are errors.
 */
public final class TuningFile {
    private static final YAMLFactory YAML = new YAMLFactory();

    private TuningFile() {
    }

    public static Map<String, Object> read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read tuning file " + file + ": " + e.getMessage(), e);
        }
        return parse(text, file.toString());
    }

    public static Map<String, Object> parse(String yaml, String source) {
        Map<String, Object> flat = new LinkedHashMap<>();
        Map<String, Integer> lines = new HashMap<>();
        try (JsonParser p = YAML.createParser(yaml)) {
            JsonToken first = p.nextToken();
            if (first == null || first == JsonToken.VALUE_NULL) {
                return flat;
            }
            if (first != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("tuning file " + source + " must be a mapping of key: value");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                int line = p.currentTokenLocation().getLineNr();
                JsonToken v = p.nextToken();
                Integer earlier = lines.putIfAbsent(key, line);
                if (earlier != null) {
                    throw new IllegalArgumentException(source + " line " + line + ": key '" + key + "' is given "
                            + "again (first on line " + earlier + "); YAML would keep only the last value: remove one");
                }
                if (v == JsonToken.START_OBJECT || v == JsonToken.START_ARRAY) {
                    throw new IllegalArgumentException(source + " line " + line + ": '" + key + "' holds a nested "
                            + (v == JsonToken.START_OBJECT ? "mapping" : "list") + "; tuning keys are flat, "
                            + "one key: value per line with dots in the key (spark.sql.shuffle.partitions: 1)");
                }
                flat.put(key, scalar(p, v));
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("tuning file " + source + " is not valid YAML: " + e.getMessage(), e);
        }
        return flat;
    }

    private static Object scalar(JsonParser p, JsonToken v) throws IOException {
        return switch (v) {
            case VALUE_NULL -> null;
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NUMBER_INT -> p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? p.getText()
                    : p.getLongValue();
            case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            default -> p.getText();
        };
    }
}
