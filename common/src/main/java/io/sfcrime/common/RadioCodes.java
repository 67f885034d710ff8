package io.sfcrime.common;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The radio-code table: disposition code → description, from a JSON array of
 * {@code {"disposition_code": ..., "description": ...}} objects (the dataset's {@code radio_code.json}).
 */
public final class RadioCodes {
    private final Map<String, String> descriptions;
    private final List<String> warnings;

    private RadioCodes(Map<String, String> descriptions, List<String> warnings) {
        this.descriptions = Collections.unmodifiableMap(descriptions);
        this.warnings = List.copyOf(warnings);
    }

    public static RadioCodes of(Map<String, String> descriptions) {
        return new RadioCodes(new LinkedHashMap<>(descriptions), List.of());
    }

    public static RadioCodes load(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read radio-code table " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads and checks the table: an empty table, and a code given twice with different descriptions (which one
     * would win is an accident of file order), are rejected naming every such code; a code repeated with the same
     * description is kept once, with a {@link #warnings() warning}.
     */
    public static RadioCodes parse(InputStream in, String source) throws IOException {
        JsonNode root = Json.MAPPER.readTree(in);
        if (root == null || !root.isArray()) {
            throw new IllegalArgumentException("radio-code table " + source + " must be a JSON array");
        }
        if (root.isEmpty()) {
            throw new IllegalArgumentException("radio-code table " + source + " is empty: every disposition would "
                    + "be described as its bare code; give the table's {\"disposition_code\", \"description\"} "
                    + "entries");
        }
        Map<String, String> map = new LinkedHashMap<>();
        Map<String, Integer> firstEntry = new LinkedHashMap<>();
        List<String> conflicts = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        int index = 0;
        for (JsonNode entry : root) {
            JsonNode code = entry.get("disposition_code");
            JsonNode description = entry.get("description");
            if (code == null || !code.isTextual() || description == null || !description.isTextual()) {
                throw new IllegalArgumentException("radio-code table " + source + ", entry " + index
                        + ": needs string fields disposition_code and description, got " + entry);
            }
            String c = code.asText();
            String d = description.asText();
            String held = map.putIfAbsent(c, d);
            if (held == null) {
                firstEntry.put(c, index);
            } else if (held.equals(d)) {
                warnings.add("radio-code table " + source + ": code '" + c + "' is repeated with the same description"
                        + " (entries " + firstEntry.get(c) + " and " + index + "); using it once");
            } else {
                conflicts.add("'" + c + "' (entry " + firstEntry.get(c) + " '" + held + "', entry " + index + " '"
                        + d + "')");
            }
            index++;
        }
        if (!conflicts.isEmpty()) {
            throw new IllegalArgumentException("radio-code table " + source + " gives different descriptions for "
                    + "the same code: " + String.join(", ", conflicts) + "; keep one entry per code");
        }
        return new RadioCodes(map, warnings);
    }

    /** What the table got away with but should not have (codes repeated with the same description). */
    public List<String> warnings() {
        return warnings;
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
