package io.sfcrime.common;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The radio-code table: disposition code → description, from a JSON array of
 * {@code {"disposition_code": ..., "description": ...}} objects (the dataset's {@code radio_code.json}).
 */
public final class RadioCodes {
    private final Map<String, String> descriptions;

    private RadioCodes(Map<String, String> descriptions) {
        this.descriptions = Collections.unmodifiableMap(descriptions);
    }

    public static RadioCodes of(Map<String, String> descriptions) {
        return new RadioCodes(new LinkedHashMap<>(descriptions));
    }

    public static RadioCodes load(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read radio-code table " + file + ": " + e.getMessage(), e);
        }
    }

    public static RadioCodes parse(InputStream in, String source) throws IOException {
        JsonNode root = Json.MAPPER.readTree(in);
        if (root == null || !root.isArray()) {
            throw new IllegalArgumentException("radio-code table " + source + " must be a JSON array");
        }
        Map<String, String> map = new LinkedHashMap<>();
        int index = 0;
        for (JsonNode entry : root) {
            JsonNode code = entry.get("disposition_code");
            JsonNode description = entry.get("description");
            if (code == null || !code.isTextual() || description == null || !description.isTextual()) {
                throw new IllegalArgumentException("radio-code table " + source + ", entry " + index
                        + ": needs string fields disposition_code and description, got " + entry);
            }
            map.put(code.asText(), description.asText());
            index++;
        }
        return new RadioCodes(map);
    }

    /** The table as a map (read-only), in file order. */
    public Map<String, String> asMap() {
        return descriptions;
    }

    /**
     * The description of a disposition: the table's entry, the code itself when the table lacks it, null when the
     * disposition is missing. The Spark join follows the same rule.
     */
    public String describe(String disposition) {
        if (disposition == null) {
            return null;
        }
        return descriptions.getOrDefault(disposition, disposition);
    }

    public int size() {
        return descriptions.size();
    }
}
