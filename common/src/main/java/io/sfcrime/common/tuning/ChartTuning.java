package io.sfcrime.common.tuning;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sfcrime.common.Json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The chart's part of the tuning declarations: the defaults under {@code tuning:} in {@code values.yaml} and the
 * schema of that map in {@code values.schema.json}, both from {@link TuningKeys}, so a default or a bound changes
 * in one place. {@code io.sfcrime.common.GeneratedFiles} writes them into the chart.
 */
public final class ChartTuning {
    private ChartTuning() {
    }

    /** Lines of the {@code tuning:} map: every declared key at its default, indented, with how a change applies. */
    public static List<String> valuesLines() {
        List<String> lines = new ArrayList<>();
        for (Setting s : TuningKeys.ALL) {
            lines.add("  " + s.name() + ": " + TuningDocs.yamlScalar(s) + "  # " + s.applyMode().name());
        }
        return lines;
    }

    /**
     * The schema of the {@code tuning:} map: declared keys with their type, bounds and doc; other {@code spark.*}
     * keys pass through as scalars; any other name is rejected.
     */
    public static ObjectNode schema() {
        ObjectNode tuning = Json.MAPPER.createObjectNode();
        tuning.put("type", "object");
        tuning.put("$comment", "Generated from io.sfcrime.common.tuning.TuningKeys by `make docs`: edit the "
                + "declarations, not this object.");
        tuning.put("description", "Flat tuning keys (conf/tuning.yaml); spark.* keys pass through, others must be "
                + "known.");
        tuning.putObject("propertyNames").put("pattern", namePattern());
        ObjectNode properties = tuning.putObject("properties");
        for (Setting s : TuningKeys.ALL) {
            ObjectNode p = properties.putObject(s.name());
            p.put("type", switch (s.type()) {
                case INT, LONG -> "integer";
                case BOOLEAN -> "boolean";
                case STRING, DURATION -> "string";
            });
            if (s.check() instanceof Check c) {
                c.describe(p);
            }
            p.put("description", s.doc());
        }
        ArrayNode scalar = tuning.putObject("additionalProperties").putArray("type");
        List.of("string", "integer", "number", "boolean").forEach(scalar::add);
        return tuning;
    }

    /** Any {@code spark.*} name, or one of the declared others, grouped by prefix. */
    static String namePattern() {
        Map<String, List<String>> byPrefix = new LinkedHashMap<>();
        for (Setting s : TuningKeys.ALL) {
            if (!s.name().startsWith(TuningKeys.SPARK_PREFIX)) {
                int dot = s.name().indexOf('.');
                byPrefix.computeIfAbsent(s.name().substring(0, dot), k -> new ArrayList<>())
                        .add(s.name().substring(dot + 1));
            }
        }
        StringBuilder pattern = new StringBuilder("^(spark\\.[A-Za-z0-9._-]+");
        byPrefix.forEach((prefix, names) -> {
            pattern.append('|').append(escape(prefix)).append("\\.");
            pattern.append(names.size() == 1 ? escape(names.get(0))
                    : names.stream().map(ChartTuning::escape).collect(Collectors.joining("|", "(", ")")));
        });
        return pattern.append(")$").toString();
    }

    private static String escape(String name) {
        return name.replace(".", "\\.");
    }
}
